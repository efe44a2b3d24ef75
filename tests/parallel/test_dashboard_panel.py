"""The match-rate trend on the leadership dashboard, from completed reconciliation runs."""

import pytest
from django.db.models import Sum
from django.urls import reverse

from parallel.dashboard_panels import match_rate_by_run, parallel_match_rate_trend
from parallel.models import LEARunSummary
from parallel.services.reconcile import run_reconciliation
from rolloutplanner.roles import Role

pytestmark = pytest.mark.django_db


def _expected_rate(run, **lea_filter) -> float:
    totals = LEARunSummary.objects.filter(run=run, **lea_filter).aggregate(
        matched=Sum("matched_records"),
        legacy=Sum("legacy_records"),
        edfi=Sum("edfi_records"),
    )
    union = totals["legacy"] + totals["edfi"] - totals["matched"]
    return round(100 * totals["matched"] / union, 1)


def test_no_panel_before_a_comparison_has_completed(world):
    assert parallel_match_rate_trend(world.users[Role.LEADERSHIP]) is None


def test_trend_shows_each_completed_run_oldest_first(make_collection, world):
    collection = make_collection(students=120, rate=0.2)
    first = collection.new_run()
    run_reconciliation(run=first)
    second = collection.new_run()
    run_reconciliation(run=second)

    trend = match_rate_by_run(world.users[Role.LEADERSHIP])

    assert [point["run_id"] for point in trend] == [first.pk, second.pk]
    assert trend[0]["rate"] == _expected_rate(first)
    assert 0 < trend[0]["rate"] < 100  # the synthetic files carry injected discrepancies
    chart = parallel_match_rate_trend(world.users[Role.LEADERSHIP])
    assert chart.detail_url == reverse("parallel:dashboard")
    assert f"{trend[-1]['rate']}%" in chart.summary


def test_a_coordinator_sees_the_rate_of_their_own_lea_only(make_collection, world):
    collection = make_collection(students=120, rate=0.2)
    run = collection.new_run()
    run_reconciliation(run=run)

    trend = match_rate_by_run(world.users[Role.LEA_COORDINATOR])

    assert trend[0]["rate"] == _expected_rate(run, lea=world.own_lea)


def test_the_dashboard_page_shows_the_panel(make_collection, world, client):
    collection = make_collection(students=60, rate=0.2)
    run_reconciliation(run=collection.new_run())
    client.force_login(world.users[Role.LEADERSHIP])

    page = client.get(reverse("rolloutplanner:timeline-dashboard"))

    assert page.status_code == 200
    assert "Parallel year: records matching" in page.content.decode()
