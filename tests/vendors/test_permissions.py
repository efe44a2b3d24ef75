"""Permission matrix for the vendor app: engagement, claim sets and API credentials.

Vendor contacts see their own vendor's engagement, enter and update its timelines and
update its follow-ups; LEA coordinators see timelines, market events and credentials of their LEA.
"""

import pytest

from rolloutplanner.roles import Role
from tests.support.permission_matrix import ALL, Target, check_case, matrix_cases
from tests.vendors.factories import (
    APICredentialFactory,
    CertificationFactory,
    ClaimSetFactory,
    DeploymentTimelineFactory,
    FollowUpFactory,
    MarketEventFactory,
    TouchpointFactory,
)

UNRESTRICTED = {Role.SEA_TEAM: ALL, Role.ADMINISTRATOR: ALL}
OTHER = {**UNRESTRICTED, Role.LEADERSHIP: "V"}


def _vendor(world, side):
    return world.own_vendor if side == "own" else world.other_vendor


def _lea(world, side):
    return world.own_lea if side == "own" else world.other_lea


def _certification(side):
    def payload(world, obj=None):
        return {
            "vendor": _vendor(world, side).pk,
            "certification": "SIS",
            "version": "Data Standard 5.2",
            "status": "in_progress",
        }

    return payload


def _touchpoint(side):
    def payload(world, obj=None):
        return {
            "vendor": _vendor(world, side).pk,
            "held_on": "2026-10-05",
            "attendees": "Vendor and SEA",
            "decisions": "Ship in spring.",
        }

    return payload


def _follow_up(side):
    def change(world, obj):
        return {
            "touchpoint": obj.touchpoint_id,
            "description": "Share QA schedule",
            "owner": "Vendor PM",
            "due_on": "2026-11-15",
            "done_on": "2026-11-10",
        }

    def create(world):
        touchpoint = TouchpointFactory(vendor=_vendor(world, side))
        return {
            "touchpoint": touchpoint.pk,
            "description": "New follow-up",
            "owner": "Vendor PM",
            "due_on": "2026-11-15",
        }

    return change, create


def _timeline(side):
    def change(world, obj):
        return {
            "vendor": obj.vendor_id,
            "lea": obj.lea_id,
            "development_on": "2026-11-01",
            "qa_on": "2026-12-15",
            "deployment_on": "2027-01-10",
        }

    def create(world):
        return {
            "vendor": _vendor(world, side).pk,
            "lea": _lea(world, side).pk,
            "development_on": "2026-11-01",
        }

    return change, create


def _market_event(side):
    def payload(world, obj=None):
        return {
            "vendor": _vendor(world, side).pk,
            "kind": "entering",
            "announced_on": "2026-09-01",
            "affected_leas": [_lea(world, side).pk],
            "handoff_plan": "Onboard in spring.",
        }

    return payload


def _claim_set(world, obj=None):
    return {"name": "Renamed claim set" if obj else "New claim set"}


def _credential(side):
    def payload(world, obj=None):
        claim_set = obj.claim_set if obj else ClaimSetFactory()
        return {
            "application_name": "SIS sync",
            "key": obj.key if obj else "newkey0001",
            "vendor": _vendor(world, side).pk,
            "leas": [_lea(world, side).pk],
            "claim_set": claim_set.pk,
            "data_standard": "5.2",
            "school_year": 2027,
            "issued_on": "2026-07-01",
            "expires_on": "2027-06-30",
        }

    return payload


own_follow_up_change, own_follow_up_create = _follow_up("own")
other_follow_up_change, other_follow_up_create = _follow_up("other")
own_timeline_change, own_timeline_create = _timeline("own")
other_timeline_change, other_timeline_create = _timeline("other")

TARGETS = [
    Target(
        "own-certification",
        lambda w: CertificationFactory(vendor=w.own_vendor),
        "certification",
        _certification("own"),
        _certification("own"),
        {**OTHER, Role.VENDOR_CONTACT: "V"},
    ),
    Target(
        "other-certification",
        lambda w: CertificationFactory(vendor=w.other_vendor),
        "certification",
        _certification("other"),
        _certification("other"),
        OTHER,
    ),
    Target(
        "own-touchpoint",
        lambda w: TouchpointFactory(vendor=w.own_vendor),
        "touchpoint",
        _touchpoint("own"),
        _touchpoint("own"),
        {**OTHER, Role.VENDOR_CONTACT: "V"},
    ),
    Target(
        "other-touchpoint",
        lambda w: TouchpointFactory(vendor=w.other_vendor),
        "touchpoint",
        _touchpoint("other"),
        _touchpoint("other"),
        OTHER,
    ),
    Target(
        "own-follow-up",
        lambda w: FollowUpFactory(touchpoint=TouchpointFactory(vendor=w.own_vendor)),
        "followup",
        own_follow_up_change,
        own_follow_up_create,
        {**OTHER, Role.VENDOR_CONTACT: "VC"},
    ),
    Target(
        "other-follow-up",
        lambda w: FollowUpFactory(touchpoint=TouchpointFactory(vendor=w.other_vendor)),
        "followup",
        other_follow_up_change,
        other_follow_up_create,
        OTHER,
    ),
    Target(
        "own-timeline",
        lambda w: DeploymentTimelineFactory(vendor=w.own_vendor, lea=w.own_lea),
        "deploymenttimeline",
        own_timeline_change,
        own_timeline_create,
        {**OTHER, Role.VENDOR_CONTACT: "VCA", Role.LEA_COORDINATOR: "V"},
    ),
    Target(
        "other-timeline",
        lambda w: DeploymentTimelineFactory(vendor=w.other_vendor, lea=w.other_lea),
        "deploymenttimeline",
        other_timeline_change,
        other_timeline_create,
        OTHER,
    ),
    Target(
        "own-market-event",
        lambda w: MarketEventFactory(vendor=w.own_vendor, affected_leas=[w.own_lea]),
        "marketevent",
        _market_event("own"),
        _market_event("own"),
        {**OTHER, Role.VENDOR_CONTACT: "V", Role.LEA_COORDINATOR: "V"},
    ),
    Target(
        "other-market-event",
        lambda w: MarketEventFactory(vendor=w.other_vendor, affected_leas=[w.other_lea]),
        "marketevent",
        _market_event("other"),
        _market_event("other"),
        OTHER,
    ),
    Target(
        "claim-set",
        lambda w: ClaimSetFactory(),
        "claimset",
        _claim_set,
        _claim_set,
        {**OTHER, Role.VENDOR_CONTACT: "V", Role.LEA_COORDINATOR: "V"},
    ),
    Target(
        "own-credential",
        lambda w: APICredentialFactory(vendor=w.own_vendor, leas=[w.own_lea]),
        "apicredential",
        _credential("own"),
        _credential("own"),
        {**OTHER, Role.VENDOR_CONTACT: "V", Role.LEA_COORDINATOR: "V"},
    ),
    Target(
        "other-credential",
        lambda w: APICredentialFactory(vendor=w.other_vendor, leas=[w.other_lea]),
        "apicredential",
        _credential("other"),
        _credential("other"),
        OTHER,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("target", "role", "action", "allowed"), matrix_cases(TARGETS))
def test_permission_matrix(client, api_client, world, target, role, action, allowed):
    check_case(client, api_client, world, target, role, action, allowed)
