"""Permission matrix for the LEA app: people, readiness, support, cohorts.

LEA coordinators keep their own LEA's people, support log and readiness status, and nobody
else's (404 out of scope, 403 for actions they lack); vendor contacts see none of it.
"""

import pytest

from rolloutplanner.roles import Role
from tests.leas.factories import (
    CohortFactory,
    LEAPersonFactory,
    ReadinessItemFactory,
    SupportNetworkFactory,
    SupportRequestFactory,
)
from tests.support.permission_matrix import ALL, Target, check_case, matrix_cases

UNRESTRICTED = {Role.SEA_TEAM: ALL, Role.ADMINISTRATOR: ALL}


def _person(lea_attr):
    def payload(world, obj=None):
        return {
            "lea": getattr(world, lea_attr).pk,
            "name": "Renamed Person" if obj else "New Person",
            "title": "Data coordinator",
            "reporting_role": "data_steward",
            "hours_period": "week",
            "state_data_hours": "6.5",
        }

    return payload


def _readiness_change(world, obj):
    return {"status": "done", "status_on": "2026-10-01", "evidence_note": "Ticket 4411 closed."}


def _readiness_create(lea_attr):
    def payload(world):
        return {
            "lea": getattr(world, lea_attr).pk,
            "phase": "send",
            "key": "extra-check",
            "title": "Extra check",
            "order": 20,
            "status": "not_started",
        }

    return payload


def _support(lea_attr):
    def payload(world, obj=None):
        return {
            "lea": getattr(world, lea_attr).pk,
            "kind": "working_session",
            "topic": "Enrollment edits" if obj else "New topic",
            "held_on": "2026-09-20",
            "participants": "LEA and SEA",
            "outcome": "Resolved",
        }

    return payload


def _network(lea_attr):
    def payload(world, obj=None):
        return {"lea": getattr(world, lea_attr).pk, "kind": "user_group", "name": "SIS users"}

    return payload


def _cohort(world, obj=None):
    return {"name": "Renamed pilot" if obj else "Spring pilot", "kind": "pilot"}


OWN_EDITS = {**UNRESTRICTED, Role.LEADERSHIP: "V", Role.LEA_COORDINATOR: ALL}
OTHER = {**UNRESTRICTED, Role.LEADERSHIP: "V"}

TARGETS = [
    Target(
        "own-person",
        lambda w: LEAPersonFactory(lea=w.own_lea),
        "leaperson",
        _person("own_lea"),
        _person("own_lea"),
        OWN_EDITS,
    ),
    Target(
        "other-person",
        lambda w: LEAPersonFactory(lea=w.other_lea),
        "leaperson",
        _person("other_lea"),
        _person("other_lea"),
        OTHER,
    ),
    Target(
        "own-readiness",
        lambda w: ReadinessItemFactory(lea=w.own_lea),
        "readinessitem",
        _readiness_change,
        _readiness_create("own_lea"),
        {**UNRESTRICTED, Role.LEADERSHIP: "V", Role.LEA_COORDINATOR: "VC"},
    ),
    Target(
        "other-readiness",
        lambda w: ReadinessItemFactory(lea=w.other_lea),
        "readinessitem",
        _readiness_change,
        _readiness_create("other_lea"),
        OTHER,
    ),
    Target(
        "own-support-request",
        lambda w: SupportRequestFactory(lea=w.own_lea),
        "supportrequest",
        _support("own_lea"),
        _support("own_lea"),
        OWN_EDITS,
    ),
    Target(
        "other-support-request",
        lambda w: SupportRequestFactory(lea=w.other_lea),
        "supportrequest",
        _support("other_lea"),
        _support("other_lea"),
        OTHER,
    ),
    Target(
        "own-support-network",
        lambda w: SupportNetworkFactory(lea=w.own_lea),
        "supportnetwork",
        _network("own_lea"),
        _network("own_lea"),
        OWN_EDITS,
    ),
    Target(
        "other-support-network",
        lambda w: SupportNetworkFactory(lea=w.other_lea),
        "supportnetwork",
        _network("other_lea"),
        _network("other_lea"),
        OTHER,
    ),
    Target("cohort", lambda w: CohortFactory(), "cohort", _cohort, _cohort, OTHER),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("target", "role", "action", "allowed"), matrix_cases(TARGETS))
def test_permission_matrix(client, api_client, world, target, role, action, allowed):
    check_case(client, api_client, world, target, role, action, allowed)
