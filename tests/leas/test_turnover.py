"""Turnover: people who left, roles left empty, and data-steward changes in the last N months."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from leas.models import ReportingRole
from leas.selectors import months_before, turnover
from rolloutplanner.roles import Role
from tests.leas.factories import LEAPersonFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 6)
LONG_AGO = datetime.date(2020, 1, 1)


def test_months_before_keeps_the_day_or_the_months_last():
    assert months_before(TODAY, 6) == datetime.date(2026, 6, 6)
    assert months_before(datetime.date(2026, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2026, 1, 15), 13) == datetime.date(2024, 12, 15)


def test_people_who_left_in_the_window_and_roles_left_empty(world, sea_user):
    left = LEAPersonFactory(
        lea=world.own_lea, name="Ann Lee", started_on=LONG_AGO, left_on=datetime.date(2026, 10, 1)
    )
    LEAPersonFactory(
        lea=world.own_lea,
        name="Old Timer",
        reporting_role=ReportingRole.SIS_ADMIN,
        started_on=LONG_AGO,
        left_on=datetime.date(2025, 1, 1),
    )  # left before the window; the SIS role is empty still
    LEAPersonFactory(
        lea=world.other_lea,
        name="Bo Reyes",
        reporting_role=ReportingRole.SIS_ADMIN,
        started_on=LONG_AGO,
        left_on=datetime.date(2026, 9, 1),
    )
    LEAPersonFactory(
        lea=world.other_lea,
        name="Cy New",
        reporting_role=ReportingRole.SIS_ADMIN,
        started_on=LONG_AGO,
    )  # the role was filled again

    result = turnover(user=sea_user, months=6, today=TODAY)

    assert [p.name for p in result["people_left"]] == ["Ann Lee", "Bo Reyes"]
    assert {(r.lea.name, r.role_label, r.last_holder.name) for r in result["empty_roles"]} == {
        ("Own District", "Data steward / coordinator", "Ann Lee"),
        ("Own District", "SIS administrator", "Old Timer"),
    }
    assert [c.text for c in result["steward_changes"]] == [f"{left.name} left the role"]
    assert len(turnover(user=sea_user, months=1, today=TODAY)["people_left"]) == 0


def test_a_new_steward_or_a_role_changed_to_steward_is_a_change(world, sea_user):
    today = timezone.localdate()  # the agency's date, as turnover() takes it
    LEAPersonFactory(lea=world.own_lea, name="Entered Late", started_on=LONG_AGO)
    LEAPersonFactory(lea=world.own_lea, name="New Steward", started_on=today)
    promoted = LEAPersonFactory(
        lea=world.other_lea, name="Promoted", reporting_role=ReportingRole.IT, started_on=LONG_AGO
    )
    promoted.reporting_role = ReportingRole.DATA_STEWARD
    promoted.save()
    moved = LEAPersonFactory(lea=world.own_lea, name="Moved On", started_on=LONG_AGO)
    moved.reporting_role = ReportingRole.IT
    moved.save()

    changes = turnover(user=sea_user, months=6)["steward_changes"]

    assert {(c.lea.name, c.text) for c in changes} == {
        ("Own District", "New Steward took the role"),
        ("Other District", "Promoted took the role"),
        ("Own District", "Moved On moved to another role (IT / technical contact)"),
    }


def test_a_coordinator_sees_only_their_districts_turnover(client, world):
    LEAPersonFactory(lea=world.own_lea, name="Own Leaver", left_on=datetime.date.today())
    LEAPersonFactory(lea=world.other_lea, name="Other Leaver", left_on=datetime.date.today())
    client.force_login(world.users[Role.LEA_COORDINATOR])
    body = client.get(reverse("leas:turnover"), {"months": 3}).content.decode()
    assert "Own Leaver" in body and "Other Leaver" not in body
    assert "the last 3 months" in body


def test_stakeholders_removed_or_changed_appear_beside_the_lea_people(client, world, sea_user):
    from tests.usecases.factories import StakeholderFactory

    gone = StakeholderFactory(name="Gone Person", organisation="SEA")
    gone.delete()
    moved = StakeholderFactory(name="Moved Person", role_title="Part B data manager")
    moved.role_title = "EDFacts coordinator"
    moved.save()
    client.force_login(sea_user)
    body = client.get(reverse("leas:turnover")).content.decode()
    assert "Stakeholders removed or changed (2)" in body
    assert "Gone Person" in body and "removed from the register" in body
    assert "role title: Part B data manager → EDFacts coordinator" in body


def test_a_change_is_dated_in_the_agencys_time_zone(world, sea_user, settings):
    """A role changed in the evening in Chicago is recorded the next day in UTC: it is a change
    of that evening's date, inside a window ending that day."""
    settings.TIME_ZONE = "America/Chicago"
    promoted = LEAPersonFactory(
        lea=world.other_lea, name="Promoted", reporting_role=ReportingRole.IT, started_on=LONG_AGO
    )
    promoted.reporting_role = ReportingRole.DATA_STEWARD
    promoted.save()
    evening = datetime.datetime(2026, 12, 7, 3, 0, tzinfo=datetime.UTC)  # 21:00 on the 6th
    promoted.history.filter(history_type="~").update(history_date=evening)
    promoted.history.filter(history_type="+").update(
        history_date=evening - datetime.timedelta(days=400)
    )

    changes = turnover(user=sea_user, months=6, today=TODAY)["steward_changes"]

    assert [(c.text, c.on) for c in changes] == [("Promoted took the role", TODAY)]


def test_a_stakeholder_change_is_dated_in_the_agencys_time_zone(world, sea_user, settings):
    from tests.usecases.factories import StakeholderFactory
    from usecases.turnover import stakeholder_turnover

    settings.TIME_ZONE = "America/Chicago"
    moved = StakeholderFactory(name="Moved Person", role_title="Part B data manager")
    moved.role_title = "EDFacts coordinator"
    moved.save()
    evening = datetime.datetime(2026, 12, 7, 3, 0, tzinfo=datetime.UTC)  # 21:00 on the 6th
    moved.history.filter(history_type="~").update(history_date=evening)
    moved.history.filter(history_type="+").update(history_date=evening - datetime.timedelta(1))

    entries = stakeholder_turnover(sea_user, months_before(TODAY, 6), TODAY)

    assert [(e.name, e.on) for e in entries] == [("Moved Person", TODAY)]
