"""Permission matrix for the timeline: shared read, LEA coordinators see statewide milestones
and their own LEA's (and waves') only, vendor contacts statewide and their vendor's; only the
SEA team (and administrators) change anything."""

import pytest
from django.urls import reverse

from rolloutplanner.roles import Role
from rolloutplanner.timeline.models import ChangeNotice, Phase
from tests.rolloutplanner.factories import (
    ChangeNoticeFactory,
    LEAMilestoneFactory,
    MilestoneDependencyFactory,
    MilestoneFactory,
    PhaseFactory,
    VendorMilestoneFactory,
    WaveFactory,
)
from tests.support.permission_matrix import ALL, Target, check_case, matrix_cases

UNRESTRICTED = {Role.SEA_TEAM: ALL, Role.ADMINISTRATOR: ALL}
EVERYBODY_VIEWS = {
    **UNRESTRICTED,
    Role.LEADERSHIP: "V",
    Role.LEA_COORDINATOR: "V",
    Role.VENDOR_CONTACT: "V",
}


def _milestone_form(world, milestone=None):
    phase = milestone.phase if milestone else Phase.objects.get_or_create(number=2)[0]
    payload = {
        "phase": phase.pk,
        "code": "X.1",
        "name": "Renamed milestone" if milestone else "New milestone",
        "kind": "milestone",
        "scope": milestone.scope if milestone else "statewide",
        "planned_start": "2027-05-03",
        "planned_end": "2027-05-28",
        "description": "Edited in the permission test.",
        "change_reason": "Permission test",
    }
    for field in ("lea", "vendor", "wave"):
        value = getattr(milestone, f"{field}_id", None) if milestone else None
        if value:
            payload[field] = value
    return payload


def _phase_form(world, phase=None):
    return {
        "number": phase.number if phase else 42,
        "name": "Renamed phase" if phase else "New phase",
        "description": "Edited",
    }


def _wave_form(world, wave=None):
    return {
        "name": "Renamed wave" if wave else "New wave",
        "leas": [world.own_lea.pk],
        "description": "Edited",
    }


def _own_wave_milestone(world):
    wave = WaveFactory()
    wave.leas.add(world.own_lea)
    return MilestoneFactory(scope="wave", wave=wave)


def _other_wave_milestone(world):
    wave = WaveFactory()
    wave.leas.add(world.other_lea)
    return MilestoneFactory(scope="wave", wave=wave)


def _milestone_target(name, make, allowed):
    return Target(
        name=name,
        make=make,
        api_basename="milestone",
        change_payload=_milestone_form,
        create_payload=_milestone_form,
        allowed=allowed,
    )


TARGETS = [
    _milestone_target("statewide-milestone", lambda w: MilestoneFactory(), EVERYBODY_VIEWS),
    _milestone_target(
        "own-lea-milestone",
        lambda w: LEAMilestoneFactory(lea=w.own_lea),
        {**UNRESTRICTED, Role.LEADERSHIP: "V", Role.LEA_COORDINATOR: "V"},
    ),
    _milestone_target(
        "other-lea-milestone",
        lambda w: LEAMilestoneFactory(lea=w.other_lea),
        {**UNRESTRICTED, Role.LEADERSHIP: "V"},
    ),
    _milestone_target(
        "own-wave-milestone",
        _own_wave_milestone,
        {**UNRESTRICTED, Role.LEADERSHIP: "V", Role.LEA_COORDINATOR: "V"},
    ),
    _milestone_target(
        "other-wave-milestone", _other_wave_milestone, {**UNRESTRICTED, Role.LEADERSHIP: "V"}
    ),
    _milestone_target(
        "own-vendor-milestone",
        lambda w: VendorMilestoneFactory(vendor=w.own_vendor),
        {**UNRESTRICTED, Role.LEADERSHIP: "V", Role.VENDOR_CONTACT: "V"},
    ),
    _milestone_target(
        "other-vendor-milestone",
        lambda w: VendorMilestoneFactory(vendor=w.other_vendor),
        {**UNRESTRICTED, Role.LEADERSHIP: "V"},
    ),
    Target(
        name="phase",
        make=lambda w: PhaseFactory(number=7, name="Sustain"),
        api_basename="phase",
        change_payload=_phase_form,
        create_payload=_phase_form,
        allowed=EVERYBODY_VIEWS,
    ),
    Target(
        name="wave",
        make=lambda w: WaveFactory(),
        api_basename="wave",
        change_payload=_wave_form,
        create_payload=_wave_form,
        allowed=EVERYBODY_VIEWS,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("target", "role", "action", "allowed"), matrix_cases(TARGETS))
def test_permission_matrix(client, api_client, world, target, role, action, allowed):
    check_case(client, api_client, world, target, role, action, allowed)


# Read-only and service-backed models, checked role by role.
NOTICE_VISIBILITY = [
    # (role, statewide, own LEA, other LEA, own vendor, other vendor)
    (Role.SEA_TEAM, True, True, True, True, True),
    (Role.ADMINISTRATOR, True, True, True, True, True),
    (Role.LEADERSHIP, True, True, True, True, True),
    (Role.LEA_COORDINATOR, True, True, False, False, False),
    (Role.VENDOR_CONTACT, True, False, False, True, False),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", NOTICE_VISIBILITY, ids=[row[0] for row in NOTICE_VISIBILITY])
def test_change_notices_are_seen_only_by_those_they_concern(client, api_client, world, row):
    role, *expected = row
    notices = [
        ChangeNoticeFactory(),
        ChangeNoticeFactory(lea=world.own_lea),
        ChangeNoticeFactory(lea=world.other_lea),
        ChangeNoticeFactory(vendor=world.own_vendor),
        ChangeNoticeFactory(vendor=world.other_vendor),
    ]
    user = world.users[role]
    client.force_login(user)
    api_client.force_authenticate(user)
    for notice, visible in zip(notices, expected, strict=True):
        page = client.get(reverse("rolloutplanner:changenotice-detail", args=[notice.pk]))
        api = api_client.get(reverse("api:changenotice-detail", args=[notice.pk]))
        assert (page.status_code, api.status_code) == ((200, 200) if visible else (404, 404))
    listed = {n["id"] for n in api_client.get(reverse("api:changenotice-list")).data["results"]}
    assert listed == {n.pk for n, v in zip(notices, expected, strict=True) if v}
    assert ChangeNotice.objects.restrict(user, "change").exists() is (role in UNRESTRICTED)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(EVERYBODY_VIEWS))
def test_only_the_sea_team_adds_dependencies_and_baselines(api_client, world, role):
    a, b = MilestoneFactory(), MilestoneFactory()
    api_client.force_authenticate(world.users[role])
    allowed = role in UNRESTRICTED
    dep = api_client.post(
        reverse("api:milestonedependency-list"),
        {"predecessor": a.pk, "successor": b.pk},
        format="json",
    )
    assert dep.status_code == (201 if allowed else 403)
    baseline = api_client.post(reverse("api:baseline-list"), {"name": "Plan"}, format="json")
    assert baseline.status_code == (201 if allowed else 403)


@pytest.mark.django_db
def test_dependency_of_another_lea_is_not_found_for_a_coordinator(api_client, world):
    other = MilestoneDependencyFactory(successor=LEAMilestoneFactory(lea=world.other_lea))
    own = MilestoneDependencyFactory(successor=LEAMilestoneFactory(lea=world.own_lea))
    api_client.force_authenticate(world.users[Role.LEA_COORDINATOR])
    assert (
        api_client.get(reverse("api:milestonedependency-detail", args=[own.pk])).status_code == 200
    )
    url = reverse("api:milestonedependency-detail", args=[other.pk])
    assert api_client.get(url).status_code == 404
    assert api_client.delete(url).status_code == 404
    own_url = reverse("api:milestonedependency-detail", args=[own.pk])
    assert api_client.delete(own_url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(EVERYBODY_VIEWS))
def test_page_actions_are_denied_to_everyone_but_the_sea_team(client, world, role):
    milestone, predecessor = MilestoneFactory(), MilestoneFactory()
    client.force_login(world.users[role])
    allowed = role in UNRESTRICTED
    add = client.post(
        reverse("rolloutplanner:milestone-dependency-add", args=[milestone.pk]),
        {"predecessor": predecessor.pk},
    )
    assert add.status_code == (302 if allowed else 403)
    save = client.post(reverse("rolloutplanner:baseline-save"), {"name": "Plan"})
    assert save.status_code == (302 if allowed else 403)
    assert milestone.predecessors.exists() is allowed
