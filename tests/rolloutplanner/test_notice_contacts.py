"""Change notices reach an LEA's recorded contacts whose role is told, not only user accounts,
and every address once."""

from datetime import date, timedelta

import pytest
from django.core import mail

from leas.models import NOTIFIED_REPORTING_ROLES, ReportingRole
from rolloutplanner.roles import Role
from rolloutplanner.timeline import services
from tests.leas.factories import LEAPersonFactory
from tests.rolloutplanner.factories import (
    LEAMilestoneFactory,
    MilestoneFactory,
    VendorMilestoneFactory,
)

pytestmark = pytest.mark.django_db


def _move(milestone, days=5):
    services.update_milestone(
        milestone=milestone,
        user=None,
        changes={"planned_end": milestone.planned_end + timedelta(days=days)},
        reason="Vendor patch late",
    )


def _outbox() -> dict[str, str]:
    by_address = {}
    for message in mail.outbox:
        (address,) = message.to
        assert address.lower() not in by_address, f"{address} got two messages"
        by_address[address.lower()] = message.body
    return by_address


def test_the_told_roles_are_the_ones_who_run_or_sign_off_reporting():
    assert {
        ReportingRole.DATA_STEWARD,
        ReportingRole.SIS_ADMIN,
        ReportingRole.SUPERINTENDENT,
    } == NOTIFIED_REPORTING_ROLES


def test_an_lea_notice_reaches_its_contacts_whose_role_is_told(world):
    told = {
        role: LEAPersonFactory(lea=world.own_lea, reporting_role=role, email=f"{role}@own.k12.us")
        for role in NOTIFIED_REPORTING_ROLES
    }
    not_told = [
        LEAPersonFactory(lea=world.own_lea, reporting_role=ReportingRole.IT, email="it@own.us"),
        LEAPersonFactory(lea=world.own_lea, reporting_role=ReportingRole.OTHER, email="o@own.us"),
        LEAPersonFactory(lea=world.own_lea, reporting_role=ReportingRole.DATA_STEWARD, email=""),
        LEAPersonFactory(
            lea=world.own_lea,
            reporting_role=ReportingRole.DATA_STEWARD,
            email="left@own.k12.us",
            left_on=date.today() - timedelta(days=30),
        ),
        LEAPersonFactory(
            lea=world.other_lea, reporting_role=ReportingRole.DATA_STEWARD, email="ds@other.k12.us"
        ),
    ]
    _move(LEAMilestoneFactory(lea=world.own_lea, name="Own onboarding"))
    coordinator = world.users[Role.LEA_COORDINATOR]
    assert services.send_change_notice_digests() == 1 + len(told)
    outbox = _outbox()
    assert set(outbox) == {coordinator.email.lower()} | {p.email for p in told.values()}
    for person in told.values():
        body = outbox[person.email]
        assert body.startswith(f"Hello {person.name},") and "Own onboarding" in body
    for person in not_told:
        assert not person.email or person.email not in outbox


def test_a_contact_with_a_user_account_gets_one_message(world):
    coordinator = world.users[Role.LEA_COORDINATOR]
    LEAPersonFactory(
        lea=world.own_lea,
        reporting_role=ReportingRole.DATA_STEWARD,
        email=coordinator.email.upper(),
    )
    _move(LEAMilestoneFactory(lea=world.own_lea, name="Own onboarding"))
    _move(LEAMilestoneFactory(lea=world.own_lea, name="Own loads"))
    assert services.send_change_notice_digests() == 1
    (body,) = _outbox().values()
    assert body.count("Own onboarding") == 1 and body.count("Own loads") == 1
    name = coordinator.get_full_name() or coordinator.get_username()
    assert body.startswith(f"Hello {name},")


def test_statewide_notices_reach_every_lea_s_told_contacts_and_vendor_notices_none(world):
    own = LEAPersonFactory(
        lea=world.own_lea, reporting_role=ReportingRole.SUPERINTENDENT, email="sup@own.k12.us"
    )
    other = LEAPersonFactory(
        lea=world.other_lea, reporting_role=ReportingRole.SIS_ADMIN, email="sis@other.k12.us"
    )
    _move(VendorMilestoneFactory(vendor=world.own_vendor, name="Vendor certification"))
    _move(MilestoneFactory(name="Statewide cut-over"))
    services.send_change_notice_digests()
    outbox = _outbox()
    for person in (own, other):
        assert "Statewide cut-over" in outbox[person.email]
        assert "Vendor certification" not in outbox[person.email]
    assert "Vendor certification" in outbox[world.users[Role.VENDOR_CONTACT].email.lower()]
