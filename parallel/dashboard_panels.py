"""The parallel-year panel on the leadership dashboard: is Ed-Fi converging on legacy?"""

from __future__ import annotations

from django.db.models import F, Sum
from django.urls import reverse

from parallel.models import LEARunSummary, RunState
from rolloutplanner.timeline.charts import BarChart, bar_chart
from rolloutplanner.timeline.dashboard import dashboard_panel

TREND_RUNS = 12


def match_rate_by_run(user, *, limit: int = TREND_RUNS) -> list[dict]:
    """Record-level match rate of the latest complete runs, oldest first, over the LEAs the
    user may see: matched records / records found on either side."""
    rows = (
        LEARunSummary.objects.restrict(user)
        .filter(run__state=RunState.COMPLETE)
        .values("run_id", "run__number", "run__cycle__name", "run__created_at")
        .annotate(
            matched=Sum("matched_records"),
            either_side=Sum(F("legacy_records") + F("edfi_records") - F("matched_records")),
        )
        .order_by("-run__created_at", "-run_id")[:limit]
    )
    trend = [
        {
            "run_id": row["run_id"],
            "label": f"{row['run__cycle__name']} run {row['run__number']}",
            "rate": round(100 * row["matched"] / row["either_side"], 1)
            if row["either_side"]
            else 0.0,
        }
        for row in rows
    ]
    trend.reverse()
    return trend


@dashboard_panel("parallel-match-rate", order=47)
def parallel_match_rate_trend(user) -> BarChart | None:
    """None until a comparison has completed."""
    trend = match_rate_by_run(user)
    if not trend:
        return None
    rows = [
        (
            point["label"],
            point["rate"],
            reverse("parallel:reconciliationrun-detail", args=[point["run_id"]]),
        )
        for point in trend
    ]
    first, last = trend[0]["rate"], trend[-1]["rate"]
    summary = (
        f"From {first}% to {last}% ({last - first:+.1f} points) over {len(trend)} runs. "
        + "; ".join(f"{label}: {value}%" for label, value, _ in rows)
    )
    return bar_chart(
        key="parallel-match-rate",
        title="Parallel year: records matching between the legacy and Ed-Fi submissions",
        summary=summary,
        rows=rows,
        unit="%",
        maximum=100,
        detail_url=reverse("parallel:dashboard"),
    )
