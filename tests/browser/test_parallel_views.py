"""The data team's parallel-year views in a real browser: charts with accessible names, trends,
the LEA list and the differences page, checked by axe (no serious or critical violation)."""

import datetime
import re

import pytest

from parallel.models import DiscrepancyKind, RunState
from rolloutplanner.roles import Role
from tests.parallel.factories import (
    CollectionCycleFactory,
    DiscrepancyFactory,
    DiscrepancyGroupFactory,
    LEARunSummaryFactory,
    ReconciliationRunFactory,
    shipped_definition,
)
from tests.support.browser import assert_accessible, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _history(world):
    """Run 1 complete, run 2 failed, run 3 (the next cycle) complete, with differences."""
    definition = shipped_definition()
    first = CollectionCycleFactory(report_definition=definition, name="Fall 2025",
                                   snapshot_date=datetime.date(2025, 10, 1))  # fmt: skip
    second = CollectionCycleFactory(report_definition=definition, name="Fall 2026",
                                    snapshot_date=datetime.date(2026, 10, 1))  # fmt: skip
    run1 = ReconciliationRunFactory(cycle=first, number=1)
    ReconciliationRunFactory(cycle=first, number=2, state=RunState.FAILED, errors=["bad file"])
    run3 = ReconciliationRunFactory(cycle=second, number=1)
    world.own_lea.urbanicity = "rural"
    world.own_lea.save()
    for run, own, other in ((run1, 90, 40), (run3, 97.5, 42.25)):
        LEARunSummaryFactory(run=run, lea=world.own_lea, match_rate=own, within_tolerance=True)
        LEARunSummaryFactory(run=run, lea=world.other_lea, match_rate=other)
    for lea, student in ((world.own_lea, "S1"), (world.other_lea, "S9")):
        group = DiscrepancyGroupFactory(run=run3, lea=lea, kind=DiscrepancyKind.FIELD_MISMATCH)
        DiscrepancyFactory(group=group, student_id=student)
    return second, run3


def test_dashboard_charts_have_accessible_names_and_pages_pass_axe(browser_page, world):
    cycle, run = _history(world)
    page = browser_page
    login_as(page, world.users[Role.SEA_TEAM])

    page.goto(f"/parallel/?cycle={cycle.pk}")

    for name in (
        "How many LEAs fall in each match-rate band",
        "The 2 LEAs with the lowest match rate",
        "Match rate by LEA urbanicity",
    ):
        chart = page.get_by_role("group", name=name)
        assert chart.is_visible()
        assert chart.locator("rect.bar").count() >= 1
    sparkline = page.get_by_role("img", name=re.compile(r"^Match rate trend of Own District"))
    assert "Fall 2025 run 2: Failed: no result" in sparkline.get_attribute("aria-label")
    assert sparkline.locator("polyline").count() == 2  # broken at the failed run
    page.get_by_text("Data behind this chart").first.click()
    assert page.get_by_role("table", name="How many LEAs fall in each match-rate band").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^LEA, sort ascending")).click()
    page.wait_for_url("**ordering=lea**")
    sorted_by = page.locator('th[aria-sort="ascending"]')
    assert sorted_by.get_by_role("link", name="LEA, sort descending", exact=True).is_visible()

    for url in (
        run.get_absolute_url(),
        f"/parallel/runs/{run.pk}/leas/{world.own_lea.pk}/",
        f"/parallel/runs/{run.pk}/differences/?kind=mismatch",
        cycle.get_absolute_url(),
    ):
        page.goto(url)
        assert_accessible(page)
    page.goto(f"/parallel/runs/{run.pk}/leas/{world.own_lea.pk}/")
    trend = page.get_by_role("img", name=re.compile("Trend: match rate across runs"))
    assert trend.is_visible()


def test_coordinator_charts_and_differences_hold_only_their_lea(browser_page, world):
    cycle, run = _history(world)
    page = browser_page
    login_as(page, world.users[Role.LEA_COORDINATOR])

    page.goto(f"/parallel/?cycle={cycle.pk}")
    worst = page.get_by_role("group", name=re.compile("LEAs with the lowest match rate"))
    assert world.own_lea.name in worst.text_content()
    assert world.other_lea.name not in page.content()
    assert_accessible(page)

    page.goto(f"/parallel/runs/{run.pk}/differences/")
    table = page.get_by_role("table", name=re.compile("Record pairs that differ"))
    assert "S1" in table.inner_text() and "S9" not in table.inner_text()
    assert_accessible(page)
