"""Permission matrix for the platform's models (LEA, vendor)."""

import pytest

from rolloutplanner.roles import Role
from tests.factories import LEAFactory, VendorFactory
from tests.support.permission_matrix import ALL, Target, check_case, matrix_cases


def _lea_form(world, lea=None):
    return {
        "name": "Renamed District" if lea else "New District",
        "state_lea_id": lea.state_lea_id if lea else "77777",
        "nces_id": "9900001",
        "enrollment": 1200,
        "capacity": "low",
        "urbanicity": "rural",
        "region": "North",
        "poverty_level": "high",
        "sis_vendor": world.own_vendor.pk,
    }


def _vendor_form(world, vendor=None):
    # An edit changes status fields only, which vendor contacts may (renaming: test_vendor_fields).
    return {
        "name": vendor.name if vendor else "New Vendor",
        "product_name": vendor.product_name if vendor else "New product",
        "product_type": vendor.product_type if vendor else "sis",
        "website": "https://vendor.example.org",
        "release_cadence": "Two releases a year",
    }


UNRESTRICTED = {Role.SEA_TEAM: ALL, Role.ADMINISTRATOR: ALL}

TARGETS = [
    Target(
        name="own-lea",
        make=lambda w: w.own_lea,
        api_basename="lea",
        change_payload=_lea_form,
        create_payload=_lea_form,
        allowed={
            **UNRESTRICTED,
            Role.LEADERSHIP: "V",
            Role.LEA_COORDINATOR: "V",
            Role.VENDOR_CONTACT: "V",  # it runs their SIS
        },
    ),
    Target(
        name="other-lea",
        make=lambda w: LEAFactory(sis_vendor=w.other_vendor),
        api_basename="lea",
        change_payload=_lea_form,
        create_payload=_lea_form,
        allowed={**UNRESTRICTED, Role.LEADERSHIP: "V"},
    ),
    Target(
        name="lea-using-vendor",
        make=lambda w: LEAFactory(sis_vendor=w.own_vendor),
        api_basename="lea",
        change_payload=_lea_form,
        create_payload=_lea_form,
        allowed={**UNRESTRICTED, Role.LEADERSHIP: "V", Role.VENDOR_CONTACT: "V"},
    ),
    Target(
        name="own-vendor",
        make=lambda w: w.own_vendor,
        api_basename="vendor",
        change_payload=_vendor_form,
        create_payload=_vendor_form,
        allowed={
            **UNRESTRICTED,
            Role.LEADERSHIP: "V",
            Role.LEA_COORDINATOR: "V",  # the SIS their LEA runs
            Role.VENDOR_CONTACT: "VC",
        },
    ),
    Target(
        name="other-vendor",
        make=lambda w: VendorFactory(),
        api_basename="vendor",
        change_payload=_vendor_form,
        create_payload=_vendor_form,
        allowed={**UNRESTRICTED, Role.LEADERSHIP: "V"},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("target", "role", "action", "allowed"), matrix_cases(TARGETS))
def test_permission_matrix(client, api_client, world, target, role, action, allowed):
    check_case(client, api_client, world, target, role, action, allowed)


@pytest.mark.django_db
def test_a_scoped_user_cannot_move_a_row_to_another_organisation(world):
    from django.core.exceptions import PermissionDenied

    from leas.models import LEAPerson
    from rolloutplanner.permissions import CHANGE, save_restricted

    coordinator = world.users[Role.LEA_COORDINATOR]
    person = LEAPerson.objects.create(lea=world.own_lea, name="Pat Doe")

    person.name = "Pat Roe"
    save_restricted(coordinator, CHANGE, person)
    person.lea = world.other_lea
    with pytest.raises(PermissionDenied):
        save_restricted(coordinator, CHANGE, person)
    person.refresh_from_db()
    assert (person.lea, person.name) == (world.own_lea, "Pat Roe")  # the refused save is undone
    person.lea = world.other_lea
    save_restricted(world.users[Role.SEA_TEAM], CHANGE, person)
    assert LEAPerson.objects.get(pk=person.pk).lea == world.other_lea


@pytest.mark.django_db
def test_edit_forms_offer_only_related_objects_the_user_may_see(client, world):
    from django.urls import reverse

    client.force_login(world.users[Role.LEA_COORDINATOR])
    page = client.get(reverse("leas:leaperson-add"))

    offered = list(page.context["form"].fields["lea"].queryset)
    assert offered == [world.own_lea]

    client.force_login(world.users[Role.SEA_TEAM])
    page = client.get(reverse("leas:leaperson-add"))
    assert set(page.context["form"].fields["lea"].queryset) >= {world.own_lea, world.other_lea}


@pytest.mark.django_db
def test_add_forms_take_their_fields_from_the_query_string_and_nothing_else(client, world):
    from django.urls import reverse

    client.force_login(world.users[Role.SEA_TEAM])
    url = reverse("leas:leaperson-add")
    page = client.get(f"{url}?lea={world.own_lea.pk}&name=Pat&is_staff=1")

    assert page.context["form"].initial == {"lea": str(world.own_lea.pk), "name": "Pat"}
    # A coordinator's form still offers only their own LEA, whatever the query string says.
    client.force_login(world.users[Role.LEA_COORDINATOR])
    page = client.get(f"{url}?lea={world.other_lea.pk}")
    assert list(page.context["form"].fields["lea"].queryset) == [world.own_lea]
