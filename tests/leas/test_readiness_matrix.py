"""The readiness matrix: LEAs × items, filtered and paginated by LEA; a coordinator updates
several items of their own district at once, all or nothing; export is scoped and safe."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from leas.models import CohortKind, ReadinessItem, ReadinessStatus
from leas.services import (
    ReadinessChange,
    ensure_readiness_checklist,
    save_cohort_version,
    update_readiness_items,
)
from rolloutplanner.roles import Role
from tests.factories import LEAFactory
from tests.leas.factories import CohortFactory

pytestmark = pytest.mark.django_db

MATRIX = "leas:readiness-matrix"


@pytest.fixture
def checklists(world):
    ensure_readiness_checklist(leas=[world.own_lea, world.other_lea])


def item(lea, key) -> ReadinessItem:
    return ReadinessItem.objects.get(lea=lea, key=key)


def test_coordinator_bulk_update_of_own_district_goes_through_the_service(world, checklists):
    coordinator = world.users[Role.LEA_COORDINATOR]
    first, second = item(world.own_lea, "sis-configured"), item(world.own_lea, "first-data-sent")
    saved = update_readiness_items(
        user=coordinator,
        changes=[
            ReadinessChange(first.pk, ReadinessStatus.DONE),
            ReadinessChange(second.pk, ReadinessStatus.BLOCKED),
        ],
        note="Vendor call 4 Nov",
    )
    assert len(saved) == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("done", "blocked")
    assert first.evidence_note == "Vendor call 4 Nov" and first.status_on is not None
    assert first.history.first().history_change_reason == "bulk update: done"


def test_a_batch_naming_another_districts_item_saves_nothing(world, checklists):
    coordinator = world.users[Role.LEA_COORDINATOR]
    own, other = item(world.own_lea, "sis-configured"), item(world.other_lea, "sis-configured")
    with pytest.raises(PermissionDenied, match="Other District"):
        update_readiness_items(
            user=coordinator,
            changes=[ReadinessChange(own.pk, "done"), ReadinessChange(other.pk, "done")],
        )
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.status == other.status == "not_started"


def test_leadership_may_not_update_readiness(world, checklists):
    own = item(world.own_lea, "sis-configured")
    with pytest.raises(PermissionDenied):
        update_readiness_items(
            user=world.users[Role.LEADERSHIP], changes=[ReadinessChange(own.pk, "done")]
        )


def test_matrix_page_shows_status_words_and_offers_only_own_cells_to_edit(
    client, world, checklists
):
    client.force_login(world.users[Role.LEA_COORDINATOR])
    page = client.get(reverse(MATRIX))
    body = page.content.decode()
    assert page.status_code == 200
    own = item(world.own_lea, "sis-configured")
    assert f'name="status-{own.pk}"' in body
    assert "Other District" not in body  # out of scope: not even a row
    assert "Not started" in body and "rs-not_started" in body


def test_coordinator_bulk_update_on_the_page(client, world, checklists):
    client.force_login(world.users[Role.LEA_COORDINATOR])
    first, second = item(world.own_lea, "sis-configured"), item(world.own_lea, "first-data-sent")
    response = client.post(
        reverse(MATRIX) + "?phase=connect",
        {f"status-{first.pk}": "done", f"status-{second.pk}": "in_progress", "note": "ok"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?phase=connect")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("done", "in_progress")


def test_coordinator_bulk_update_naming_another_district_is_refused_on_the_page(
    client, world, checklists
):
    client.force_login(world.users[Role.LEA_COORDINATOR])
    own, other = item(world.own_lea, "sis-configured"), item(world.other_lea, "sis-configured")
    response = client.post(
        reverse(MATRIX), {f"status-{own.pk}": "done", f"status-{other.pk}": "done"}
    )
    assert response.status_code == 403
    assert "Nothing was saved" in response.content.decode()
    own.refresh_from_db()
    assert own.status == "not_started"


def test_leadership_may_not_post_the_bulk_form(client, world, checklists):
    client.force_login(world.users[Role.LEADERSHIP])
    own = item(world.own_lea, "sis-configured")
    assert client.get(reverse(MATRIX)).status_code == 200
    assert client.post(reverse(MATRIX), {f"status-{own.pk}": "done"}).status_code == 403
    own.refresh_from_db()
    assert own.status == "not_started"


def test_bulk_update_by_api_is_all_or_nothing(api_client, world, checklists):
    api_client.force_authenticate(world.users[Role.LEA_COORDINATOR])
    url = reverse("api:readinessitem-bulk-update")
    own, other = item(world.own_lea, "sis-configured"), item(world.other_lea, "sis-configured")
    refused = api_client.post(
        url,
        {"changes": [{"id": own.pk, "status": "done"}, {"id": other.pk, "status": "done"}]},
        format="json",
    )
    assert refused.status_code == 403
    own.refresh_from_db()
    assert own.status == "not_started"
    allowed = api_client.post(url, {"changes": [{"id": own.pk, "status": "done"}]}, format="json")
    assert allowed.status_code == 200 and allowed.json()[0]["status"] == "done"


def test_single_edit_by_api_dates_the_status_through_the_service(api_client, world, checklists):
    api_client.force_authenticate(world.users[Role.LEA_COORDINATOR])
    own = item(world.own_lea, "sis-configured")
    response = api_client.patch(
        reverse("api:readinessitem-detail", args=[own.pk]), {"status": "done"}, format="json"
    )
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.status == "done" and own.status_on is not None


def test_matrix_filters_by_name_stratum_cohort_and_phase(client, world, sea_user, checklists):
    rural = LEAFactory(name="Prairie Rural", urbanicity="rural")
    ensure_readiness_checklist(leas=[rural])
    cohort = CohortFactory(kind=CohortKind.PILOT)
    save_cohort_version(cohort=cohort, leas=[world.own_lea], user=sea_user, explanation={})
    client.force_login(sea_user)

    def shown(**params):
        body = client.get(reverse(MATRIX), params).content.decode()
        return {n for n in ("Own District", "Other District", "Prairie Rural") if n in body}

    assert shown() == {"Own District", "Other District", "Prairie Rural"}
    assert shown(q="prairie") == {"Prairie Rural"}
    assert shown(urbanicity="rural") == {"Prairie Rural"}
    assert shown(cohort=cohort.pk) == {"Own District"}
    body = client.get(reverse(MATRIX), {"phase": "parallel"}).content.decode()
    assert '<th scope="col">Parallel-year sign-off' in body
    assert '<th scope="col">API credentials received' not in body


def test_matrix_is_paginated_by_lea(client, sea_user):
    leas = [LEAFactory(name=f"District {n:02}") for n in range(30)]
    ensure_readiness_checklist(leas=leas)
    client.force_login(sea_user)
    body = client.get(reverse(MATRIX), {"q": "District "}).content.decode()
    assert "District 00" in body and "District 29" not in body and "Page 1 of 2" in body
    body = client.get(reverse(MATRIX), {"q": "District ", "page": 2}).content.decode()
    assert "District 29" in body and "District 00" not in body


def test_matrix_export_is_scoped_filtered_and_formula_safe(client, world, checklists):
    world.own_lea.name = '=HYPERLINK("http://x")'
    world.own_lea.save()
    own = item(world.own_lea, "parallel-sign-off")
    own.status = "blocked"
    own.save()
    client.force_login(world.users[Role.LEA_COORDINATOR])
    response = client.get(
        reverse("leas:readiness-matrix-export"), {"format": "csv", "phase": "parallel"}
    )
    assert response["Content-Disposition"] == 'attachment; filename="readiness-matrix.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == [
        "state_lea_id",
        "lea",
        "Parallel-year reports reconciled (Phase 4 – Parallel)",
        "Parallel-year sign-off (Phase 4 – Parallel)",
    ]
    assert rows[1:] == [
        [world.own_lea.state_lea_id, '\'=HYPERLINK("http://x")', "Not started", "Blocked"]
    ]
    xlsx = client.get(reverse("leas:readiness-matrix-export"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 2 and len(values[0]) == 2 + 9
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_heat_map_rows_lead_to_the_matrix_filtered_by_cohort(client, world, sea_user, checklists):
    from leas.dashboard_panels import readiness_heat_map

    cohort = CohortFactory(kind=CohortKind.PILOT, name="Pilot 2026")
    save_cohort_version(cohort=cohort, leas=[world.own_lea], user=sea_user, explanation={})
    heat_map = readiness_heat_map(sea_user).heat_map
    links = {label: url for label, url, _ in heat_map.linked_rows}
    assert links["Pilot 2026"] == f"{reverse(MATRIX)}?cohort={cohort.pk}"
    client.force_login(sea_user)
    body = client.get(links["Pilot 2026"]).content.decode()
    assert "Own District" in body and "Other District" not in body
    assert links["All LEAs"] == reverse(MATRIX)
