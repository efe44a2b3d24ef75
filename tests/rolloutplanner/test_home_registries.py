"""What the domain apps register on the platform's home page: the tables of what a user may
see, the one organisation a scoped user's home is about, and values computed once per page."""

from django.urls import reverse

from rolloutplanner.dashboard import once_per_rendering, rendering
from rolloutplanner.home import home_breakdowns, landing_object
from rolloutplanner.roles import Role
from tests.factories import LEAFactory, make_user


def breakdowns_of(user) -> dict[str, tuple[str, tuple]]:
    return {b.key: (b.total_label, b.rows) for b in home_breakdowns(user)}


def test_sea_team_home_counts_every_lea_and_vendor_product(world):
    LEAFactory(urbanicity="city")
    tables = breakdowns_of(world.users[Role.SEA_TEAM])
    assert tables["leas-by-urbanicity"] == ("3 LEAs", (("City", 1), ("Town", 2)))
    assert tables["vendors-by-type"][0] == "3 vendor products"  # one more with the new LEA


def test_coordinator_home_counts_only_their_own_lea(world):
    tables = breakdowns_of(world.users[Role.LEA_COORDINATOR])
    assert tables["leas-by-urbanicity"] == ("1 LEA", (("Town", 1),))


def test_home_page_links_each_table_to_the_list_it_counts(client, world):
    client.force_login(world.users[Role.VENDOR_CONTACT])
    page = client.get(reverse("home")).content.decode()
    assert f'<a href="{reverse("vendors:vendor-list")}">1 vendor product</a>' in page
    assert f'<a href="{reverse("leas:lea-list")}">' in page


def test_a_scoped_users_home_is_about_their_one_organisation(world):
    assert landing_object(world.users[Role.LEA_COORDINATOR]) == world.own_lea
    assert landing_object(world.users[Role.VENDOR_CONTACT]) == world.own_vendor


def test_no_organisation_for_the_sea_team_nor_a_coordinator_of_two_leas(world):
    assert landing_object(world.users[Role.SEA_TEAM]) is None
    two = make_user(Role.LEA_COORDINATOR, username="two", leas=[world.own_lea, world.other_lea])
    assert landing_object(two) is None


def test_a_value_is_computed_once_per_page_and_afresh_outside_one():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    with rendering():
        assert once_per_rendering("k", compute) == once_per_rendering("k", compute) == 1
    # Outside a page nothing is remembered: a later page sees a changed plan.
    assert once_per_rendering("k", compute) == 2
    assert once_per_rendering("k", compute) == 3
    with rendering():
        assert once_per_rendering("k", compute) == 4
