"""Coverage counts only approved mappings as mapped, and every place shows the same numbers."""

import pytest
from django.urls import reverse

from mapping.dashboard_panels import mapping_coverage_trend
from mapping.models import ElementMapping, MappingKind, MappingStatus, StateElement
from mapping.selectors import plan_coverage
from mapping.services.coverage import record_coverage_run
from rolloutplanner.roles import Role
from tests.mapping import factories as f

pytestmark = pytest.mark.django_db

# The reported plan: 87 rows, 30 approved, all but one with a kind. Counting every row with a
# kind as mapped gave 98.9 %; approved rows are 30 / 87 = 34.5 %.
ROWS = (
    [(MappingKind.ONE_TO_ONE, MappingStatus.APPROVED)] * 24
    + [(MappingKind.CLOSE, MappingStatus.APPROVED)] * 4
    + [(MappingKind.RETIRE, MappingStatus.APPROVED)] * 2
    + [(MappingKind.ONE_TO_ONE, MappingStatus.IN_REVIEW)] * 20
    + [(MappingKind.CLOSE, MappingStatus.DRAFT)] * 15
    + [(MappingKind.EXTENSION, MappingStatus.DRAFT)] * 12
    + [(MappingKind.RETIRE, MappingStatus.DRAFT)] * 9
    + [(MappingKind.NOT_MAPPED, MappingStatus.DRAFT)] * 1
)


@pytest.fixture
def reported_plan():
    plan = f.MappingPlanFactory()
    collection = f.StateCollectionFactory(plan=plan, name="Fall Child Count")
    elements = StateElement.objects.bulk_create(
        StateElement(
            collection=collection, name=f"Element {i:02}", definition="", data_type="string"
        )
        for i in range(len(ROWS))
    )
    ElementMapping.objects.bulk_create(
        ElementMapping(element=element, kind=kind, status=status)
        for element, (kind, status) in zip(elements, ROWS, strict=True)
    )
    return plan


def test_only_approved_mappings_count_as_mapped(reported_plan):
    overall = plan_coverage(plan=reported_plan)["overall"]

    assert (overall["elements"], overall["mapped"], overall["mapped_percent"]) == (87, 30, 34.5)
    assert {s: row["count"] for s, row in overall["by_status"].items()} == {
        "approved": 30,
        "in_review": 20,
        "draft": 36,
        "not_mapped": 1,
    }
    assert {k: (row["count"], row["approved"]) for k, row in overall["by_kind"].items()} == {
        "one_to_one": (44, 24),
        "close": (19, 4),
        "extension": (12, 0),
        "retire": (11, 2),
        "not_mapped": (1, 0),
    }


def test_an_element_without_a_mapping_row_counts_as_not_mapped(reported_plan):
    collection = reported_plan.collections.get()
    f.StateElementFactory(collection=collection)

    overall = plan_coverage(plan=reported_plan)["overall"]

    assert overall["elements"] == 88 and overall["by_status"]["not_mapped"]["count"] == 2


def test_plan_page_job_result_dashboard_and_api_show_the_same_coverage(
    client, api_client, world, reported_plan
):
    sea = world.users[Role.SEA_TEAM]
    client.force_login(sea)
    api_client.force_authenticate(sea)
    live = plan_coverage(plan=reported_plan)

    run = record_coverage_run(plan=reported_plan)
    page = client.get(reported_plan.get_absolute_url())
    api = api_client.get(reverse("api:mappingplan-coverage", args=[reported_plan.pk]))
    run_api = api_client.get(reverse("api:coveragerun-detail", args=[run.pk]))
    panel = mapping_coverage_trend(world.users[Role.LEADERSHIP])

    assert run.result["overall"] == live["overall"] and float(run.mapped_percent) == 34.5
    assert page.context["coverage"] == live
    html = page.content.decode()
    assert "30 of 87 elements (34.5%) have an approved mapping" in html
    assert '<th scope="row">In review</th><td>20</td>' in html
    assert api.status_code == 200 and api.json() == live
    assert run_api.json()["result"]["overall"] == live["overall"]
    assert run_api.json()["mapped_percent"] == "34.5"
    assert [bar.value for bar in panel.bars] == [34.5]


def test_the_dashboard_trend_leaves_out_runs_that_counted_drafts_as_mapped(world, reported_plan):
    f.CoverageRunFactory(plan=reported_plan, mapped_percent=98.9, result={})
    record_coverage_run(plan=reported_plan)

    panel = mapping_coverage_trend(world.users[Role.LEADERSHIP])

    assert [bar.value for bar in panel.bars] == [34.5]


def test_coverage_api_follows_the_plan_permissions(api_client, world, reported_plan):
    api_client.force_authenticate(world.users[Role.LEA_COORDINATOR])
    url = reverse("api:mappingplan-coverage", args=[reported_plan.pk])

    assert api_client.get(url).status_code == 200  # the statewide plan is shared
    api_client.force_authenticate(None)
    assert api_client.get(url).status_code in (401, 403)
