"""The parallel-year panel on the leadership dashboard: is Ed-Fi converging on legacy?"""

from __future__ import annotations

from django.db.models import F, Sum
from django.urls import reverse

from parallel.filtersets import DiscrepancyGroupFilterSet
from parallel.models import (
    DiscrepancyGroup,
    LEARunSummary,
    ResponsibleParty,
    RunState,
    TriageStatus,
)
from rolloutplanner.charts import BarChart, bar_chart
from rolloutplanner.dashboard import dashboard_panel
from rolloutplanner.home import LEA_HOME, SEA_HOME, VENDOR_HOME, Tile, TileEntry, counted, home_tile
from rolloutplanner.roles import Role, role_of

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


# Home tiles -------------------------------------------------------------------------------


@home_tile("parallel-match-rate", order=60, roles=SEA_HOME)
def latest_match_rate(user) -> Tile | None:
    """The latest run's match rate, its trend, and the discrepancy groups it left open."""
    trend = match_rate_by_run(user)
    if not trend:
        return None
    latest = trend[-1]
    groups = DiscrepancyGroup.objects.restrict(user)
    steps = " → ".join(f"{point['rate']}%" for point in trend)
    change = latest["rate"] - trend[0]["rate"]
    return Tile(
        key="parallel-match-rate",
        title=f"Parallel year: {latest['rate']}% of records match",
        summary=(
            f"Latest: {latest['label']}. Trend over {len(trend)} runs: {steps} "
            f"({change:+.1f} points)."
        ),
        counts=(
            counted(
                "Open discrepancy groups in the latest run",
                "parallel:discrepancygroup-list",
                DiscrepancyGroupFilterSet,
                groups,
                user=user,
                run=latest["run_id"],
                status=TriageStatus.OPEN,
            ),
        ),
        more_url=reverse("parallel:dashboard"),
        more_label="Open the parallel-year dashboard",
    )


@home_tile("discrepancies-assigned", order=35, roles=LEA_HOME | VENDOR_HOME)
def discrepancies_assigned(user) -> Tile:
    """Open discrepancy groups the SEA assigned to the user's LEA or vendor."""
    party = (
        ResponsibleParty.VENDOR if role_of(user) == Role.VENDOR_CONTACT else ResponsibleParty.LEA
    )
    groups = DiscrepancyGroup.objects.restrict(user)
    count = counted(
        "Open discrepancy groups assigned to you",
        "parallel:discrepancygroup-list",
        DiscrepancyGroupFilterSet,
        groups,
        user=user,
        status=TriageStatus.OPEN,
        responsible_party=party,
    )
    listed = (
        groups.filter(status=TriageStatus.OPEN, responsible_party=party)
        .select_related("lea", "run__cycle")
        .order_by("-count", "pk")[:5]
    )
    return Tile(
        key="discrepancies-assigned",
        title="Parallel-year discrepancies assigned to you",
        summary=(
            "Differences between the legacy and Ed-Fi submissions "
            "waiting for your explanation or fix."
        ),
        counts=(count,),
        entries=tuple(
            TileEntry(
                label=f"{group} at {group.lea}",
                url=group.get_absolute_url(),
                note=f"{group.count} records, {group.run}",
            )
            for group in listed
        ),
    )
