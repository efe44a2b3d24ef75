"""The mapping panel on the leadership dashboard: coverage trend of the plan last measured."""

from __future__ import annotations

from django.db.models import Subquery

from mapping.filtersets import ElementMappingFilterSet, MappingFeedbackFilterSet
from mapping.models import (
    CoverageRun,
    ElementMapping,
    FeedbackStatus,
    MappingFeedback,
    MappingStatus,
)
from rolloutplanner.charts import BarChart, bar_chart
from rolloutplanner.dashboard import dashboard_panel
from rolloutplanner.home import SEA_HOME, Tile, counted, home_tile

TREND_RUNS = 12


@dashboard_panel("mapping-coverage", order=45)
def mapping_coverage_trend(user) -> BarChart | None:
    """The last coverage runs of the plan measured most recently, oldest first; None before
    the first run."""
    # Runs from before only approved mappings counted would make a false drop in the trend.
    visible = CoverageRun.objects.restrict(user).counting_approved()
    latest_plan = visible.order_by("-created_at", "-pk").values("plan_id")[:1]
    runs = list(
        visible.filter(plan_id=Subquery(latest_plan))
        .select_related("plan")
        .order_by("-created_at", "-pk")[:TREND_RUNS]
    )
    if not runs:
        return None
    runs.reverse()
    plan = runs[-1].plan
    rows = [
        (f"{run.created_at:%Y-%m-%d %H:%M}", float(run.mapped_percent), run.get_absolute_url())
        for run in runs
    ]
    change = float(runs[-1].mapped_percent - runs[0].mapped_percent)
    trend = (
        f"From {runs[0].mapped_percent}% to {runs[-1].mapped_percent}% "
        f"({change:+.1f} points) over {len(runs)} runs"
    )
    return bar_chart(
        key="mapping-coverage",
        title=f"Mapping coverage trend: {plan} (share of elements with an approved mapping)",
        summary=f"{trend}. " + "; ".join(f"{label}: {value}%" for label, value, _ in rows),
        rows=rows,
        unit="%",
        maximum=100,
        detail_url=plan.get_absolute_url(),
    )


@home_tile("mapping-reviews", order=52, roles=SEA_HOME)
def mapping_reviews(user) -> Tile:
    """Mapping rows waiting for a reviewer, and LEAs' and vendors' feedback not yet answered."""
    return Tile(
        key="mapping-reviews",
        title="Mapping reviews and feedback waiting for the team",
        summary="Rows submitted for review, and remarks from LEAs and vendors to answer.",
        counts=(
            counted(
                "Mapping rows in review",
                "mapping:elementmapping-list",
                ElementMappingFilterSet,
                ElementMapping.objects.restrict(user),
                user=user,
                status=MappingStatus.IN_REVIEW,
            ),
            counted(
                "Feedback not answered",
                "mapping:mappingfeedback-list",
                MappingFeedbackFilterSet,
                MappingFeedback.objects.restrict(user),
                user=user,
                status=FeedbackStatus.OPEN,
            ),
        ),
    )
