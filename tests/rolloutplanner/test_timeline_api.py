"""``/api/v1/timeline/``: filters, status, predecessors, conditional requests, date changes."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rolloutplanner.roles import Role
from rolloutplanner.timeline.models import ChangeNotice, Milestone
from tests.rolloutplanner.factories import (
    LEAMilestoneFactory,
    MilestoneDependencyFactory,
    MilestoneFactory,
    PhaseFactory,
    VendorMilestoneFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/timeline/"


def _ids(response) -> set[int]:
    return {row["id"] for row in response.data["results"]}


def test_timeline_url_is_the_milestone_list():
    assert reverse("api:milestone-list") == URL


def test_filters_by_phase_lea_vendor_status_and_dates(api_client, world):
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    pilot, parallel = PhaseFactory(number=3, name="Pilot"), PhaseFactory(number=4, name="Parallel")
    today = date.today()
    statewide = MilestoneFactory(phase=pilot)
    own = LEAMilestoneFactory(lea=world.own_lea, phase=parallel)
    other = LEAMilestoneFactory(lea=world.other_lea, phase=parallel)
    vendor = VendorMilestoneFactory(vendor=world.own_vendor, phase=pilot)
    late = MilestoneFactory(
        phase=pilot, planned_start=today - timedelta(30), planned_end=today - timedelta(2)
    )
    assert _ids(api_client.get(URL, {"phase": pilot.pk})) == {statewide.pk, vendor.pk, late.pk}
    assert _ids(api_client.get(URL, {"lea": world.own_lea.pk})) == {statewide.pk, own.pk, late.pk}
    assert other.pk not in _ids(api_client.get(URL, {"lea": world.own_lea.pk}))
    assert _ids(api_client.get(URL, {"vendor": world.own_vendor.pk})) == {
        statewide.pk,
        vendor.pk,
        late.pk,
    }
    assert _ids(api_client.get(URL, {"status": "late"})) == {late.pk}
    window = {"starts_after": today.isoformat(), "ends_before": today.isoformat()}
    assert _ids(api_client.get(URL, window)) == set()
    window = {"starts_after": (today - timedelta(5)).isoformat()}
    assert late.pk in _ids(api_client.get(URL, window))
    row = api_client.get(reverse("api:milestone-detail", args=[late.pk])).data
    assert row["status"] == "late"
    assert row["status_rule"].startswith("Late:")
    assert row["phase_name"] == "Pilot"


def test_predecessors_are_listed_but_only_visible_ones(api_client, world):
    successor = LEAMilestoneFactory(lea=world.own_lea)
    statewide = MilestoneFactory()
    hidden = LEAMilestoneFactory(lea=world.other_lea)
    MilestoneDependencyFactory(predecessor=statewide, successor=successor)
    MilestoneDependencyFactory(predecessor=hidden, successor=successor)
    url = reverse("api:milestone-detail", args=[successor.pk])
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    assert set(api_client.get(url).data["predecessors"]) == {statewide.pk, hidden.pk}
    api_client.force_authenticate(world.users[Role.LEA_COORDINATOR])
    assert api_client.get(url).data["predecessors"] == [statewide.pk]


def test_etag_and_last_modified_make_polling_cheap(
    api_client, world, django_assert_max_num_queries
):
    api_client.force_authenticate(world.users[Role.LEADERSHIP])
    milestone = MilestoneFactory()
    first = api_client.get(URL)
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]
    with django_assert_max_num_queries(6):
        again = api_client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert api_client.get(URL, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    milestone.name = "Renamed"
    milestone.updated_at = timezone.now() + timedelta(seconds=2)
    Milestone.objects.filter(pk=milestone.pk).update(
        name="Renamed", updated_at=timezone.now() + timedelta(seconds=2)
    )
    changed = api_client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert api_client.get(URL, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200
    detail = reverse("api:milestone-detail", args=[milestone.pk])
    tag = api_client.get(detail)["ETag"]
    assert api_client.get(detail, HTTP_IF_NONE_MATCH=tag).status_code == 304


def test_deleting_a_milestone_changes_the_etag(api_client, world):
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    MilestoneFactory()
    doomed = MilestoneFactory()
    etag = api_client.get(URL)["ETag"]
    doomed.delete()
    assert api_client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_changed_since_returns_only_recent_changes(api_client, world):
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    old = MilestoneFactory()
    Milestone.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=3))
    recent = MilestoneFactory()
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert _ids(api_client.get(URL, {"changed_since": since})) == {recent.pk}


def test_date_change_needs_a_reason_and_creates_notices(api_client, world):
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    milestone = LEAMilestoneFactory(lea=world.own_lea)
    url = reverse("api:milestone-detail", args=[milestone.pk])
    new_end = (milestone.planned_end + timedelta(days=10)).isoformat()
    refused = api_client.patch(url, {"planned_end": new_end}, format="json")
    assert refused.status_code == 400
    assert "change_reason" in refused.data["error"]["fields"]
    moved = api_client.patch(
        url, {"planned_end": new_end, "change_reason": "Vendor patch late"}, format="json"
    )
    assert moved.status_code == 200
    assert moved.data["planned_end"] == new_end
    notice = ChangeNotice.objects.get(milestone=milestone)
    assert notice.lea == world.own_lea and notice.reason == "Vendor patch late"
    assert milestone.history.first().history_change_reason == "Vendor patch late"


def test_invalid_scope_is_a_400_not_a_crash(api_client, world):
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    phase = PhaseFactory(number=2, name="Planning")
    response = api_client.post(
        URL,
        {
            "phase": phase.pk,
            "name": "Orphan",
            "scope": "lea",
            "planned_start": "2027-01-01",
            "planned_end": "2027-01-05",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "lea" in response.data["error"]["fields"]


def test_timeline_is_in_the_openapi_schema(client, world):
    client.force_login(world.users[Role.SEA_TEAM])
    schema = client.get(reverse("schema")).content.decode()
    assert "/api/v1/timeline/" in schema
    assert "changed_since" in schema
    assert "If-None-Match" in schema


def test_list_query_count_does_not_grow_with_rows(api_client, world, django_assert_max_num_queries):
    api_client.force_authenticate(world.users[Role.LEA_COORDINATOR])
    for _ in range(3):
        MilestoneDependencyFactory(successor=LEAMilestoneFactory(lea=world.own_lea))
    with django_assert_max_num_queries(20) as few:
        api_client.get(URL)
    for _ in range(30):
        MilestoneDependencyFactory(successor=LEAMilestoneFactory(lea=world.own_lea))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = api_client.get(URL)
    assert response.data["count"] == 66


def test_a_phase_with_milestones_is_not_deleted(client, api_client, world):
    milestone = MilestoneFactory()
    phase = milestone.phase
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    response = api_client.delete(reverse("api:phase-detail", args=[phase.pk]))
    assert response.status_code == 400
    client.force_login(world.users[Role.SEA_TEAM])
    page = client.post(reverse("rolloutplanner:phase-delete", args=[phase.pk]))
    assert page.status_code == 302
    assert type(phase).objects.filter(pk=phase.pk).exists()


def test_a_milestones_etag_serves_both_polling_and_if_match(api_client, world):
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    milestone = MilestoneFactory(description="first")
    detail = f"{URL}{milestone.pk}/"
    etag = api_client.get(detail)["ETag"]
    assert api_client.get(detail, HTTP_IF_NONE_MATCH=etag).status_code == 304

    saved = api_client.patch(detail, {"description": "second"}, format="json", HTTP_IF_MATCH=etag)
    assert saved.status_code == 200, saved.data

    stale = api_client.patch(detail, {"description": "third"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    milestone.refresh_from_db()
    assert milestone.description == "second"
