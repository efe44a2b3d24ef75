"""Reads that compose several models for the parallel-year pages and API."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Q, Sum

from leas.models import LEA, Capacity, PovertyLevel, Urbanicity
from parallel.models import (
    CollectionCycle,
    Discrepancy,
    LEARunSummary,
    ReconciliationRun,
    RunState,
    SubmissionFile,
)
from rolloutplanner.permissions import VIEW


def latest_complete_run(*, cycle: CollectionCycle) -> ReconciliationRun | None:
    return cycle.runs.filter(state=RunState.COMPLETE).order_by("-number").first()


def cycle_files(*, user, cycle: CollectionCycle):
    """The cycle's uploaded files the user may see (student-level data: not leadership)."""
    return SubmissionFile.objects.restrict(user, VIEW).filter(cycle=cycle)


def lea_trend(*, user, lea) -> list[LEARunSummary]:
    """The LEA's summaries across every complete run and cycle, oldest first."""
    return list(
        LEARunSummary.objects.restrict(user, VIEW)
        .filter(lea=lea, run__state=RunState.COMPLETE)
        .select_related("run__cycle")
        .order_by("run__cycle__snapshot_date", "run__number")
    )


def production_readiness(*, user, consecutive: int = 2) -> list[dict]:
    """Per LEA: how many of the latest cycles in a row it was within tolerance (latest run each).

    An LEA is ready when that streak reaches ``consecutive``.
    """
    cycles = list(CollectionCycle.objects.restrict(user, VIEW).order_by("snapshot_date"))
    latest = [run for run in (latest_complete_run(cycle=c) for c in cycles) if run]
    # Plain values, not model rows: 1,200 LEAs × several cycles would build thousands of objects.
    rows = (
        LEARunSummary.objects.restrict(user, VIEW)
        .filter(run__in=latest)
        .order_by("run__cycle__snapshot_date", "run__cycle_id")
        .values_list("lea_id", "within_tolerance")
    )
    by_id: dict = defaultdict(list)
    for lea_id, within in rows:
        by_id[lea_id].append(within)
    leas = LEA.objects.in_bulk(list(by_id))
    history = {leas[lea_id]: flags for lea_id, flags in by_id.items()}
    result = []
    for lea, flags in history.items():
        streak = 0
        for flag in reversed(flags):
            if not flag:
                break
            streak += 1
        result.append({"lea": lea, "streak": streak, "cycles": len(flags),
                       "ready": streak >= consecutive})  # fmt: skip
    return sorted(result, key=lambda r: (-r["ready"], -r["streak"], r["lea"].name))


# ---------------------------------------------------------------------------------------------
# The data team's views: charts of one run, paginated LEA lists, trends across runs.

# Match-rate bands of the distribution chart, upper bound exclusive (100 % is its own band):
# most LEAs sit above 90 %, where a data team needs the finer steps.
MATCH_RATE_BANDS = (
    (0, 50), (50, 80), (80, 90), (90, 95), (95, 98), (98, 99), (99, 100), (100, None),
)  # fmt: skip
STRATA = {
    "urbanicity": ("lea__urbanicity", Urbanicity),
    "poverty_level": ("lea__poverty_level", PovertyLevel),
    "capacity": ("lea__capacity", Capacity),
}
TREND_RUNS = 12  # runs a trend shows, newest last
# Runs that ended without results: shown as a gap with a note, never as 0 %.
UNPLOTTED_STATES = (RunState.FAILED, RunState.CANCELLED)


def band_label(low, high) -> str:
    return "100 %" if high is None else f"{low}–{high} % (under {high})"


def match_rate_distribution(summaries) -> list[dict]:
    """How many LEAs fall in each match-rate band (one query)."""
    aggregates = {}
    for low, high in MATCH_RATE_BANDS:
        condition = Q(match_rate__gte=low) & (Q(match_rate__lt=high) if high else Q())
        aggregates[f"b{low}"] = Count("pk", filter=condition)
    counts = summaries.order_by().aggregate(**aggregates)
    return [
        {"label": band_label(low, high), "leas": counts[f"b{low}"], "low": low, "high": high}
        for low, high in MATCH_RATE_BANDS
    ]


def worst_leas(summaries, *, limit: int = 10) -> list[LEARunSummary]:
    return list(summaries.select_related("lea").order_by("match_rate", "lea__name")[:limit])


def match_rate_by_stratum(summaries, *, stratum: str = "urbanicity") -> list[dict]:
    """Per value of an LEA stratum: LEAs, mean LEA match rate, pooled record match rate and
    LEAs within tolerance. LEAs without a value form their own row ("Not recorded")."""
    path, choices = STRATA.get(stratum, STRATA["urbanicity"])
    rows = (
        summaries.order_by()
        .values(path)
        .annotate(
            leas=Count("pk"),
            mean_rate=Avg("match_rate"),
            matched=Sum("matched_records"),
            compared=Sum(F("legacy_records") + F("only_in_edfi")),
            within=Count("pk", filter=Q(within_tolerance=True)),
        )
    )
    labels = dict(choices.choices)
    order = {value: index for index, value in enumerate(labels)}
    result = [
        {
            "value": row[path],
            "label": labels.get(row[path], "Not recorded"),
            "leas": row["leas"],
            "mean_rate": round(float(row["mean_rate"] or 0), 2),
            "pooled_rate": _rate(row["matched"], row["compared"]),
            "within": row["within"],
        }
        for row in rows
    ]
    return sorted(result, key=lambda r: order.get(r["value"], len(order)))


def _rate(matched, compared) -> float:
    return 100.0 if not compared else round(100.0 * (matched or 0) / compared, 2)


def run_match_rate(summaries) -> float | None:
    """Records matched over records compared, all LEAs of the queryset pooled."""
    totals = summaries.order_by().aggregate(
        matched=Sum("matched_records"), compared=Sum(F("legacy_records") + F("only_in_edfi"))
    )
    if totals["compared"] is None:
        return None
    return _rate(totals["matched"], totals["compared"])


def definition_runs(*, user, definition, limit: int = TREND_RUNS) -> list[ReconciliationRun]:
    """The latest runs of every cycle of one report definition, oldest first.

    Queued and running runs have no result yet and are left out; failed and cancelled ones
    stay, so a trend can show them as gaps.
    """
    runs = (
        ReconciliationRun.objects.restrict(user, VIEW)
        .filter(cycle__report_definition=definition)
        .exclude(state__in=(RunState.QUEUED, RunState.RUNNING))
        .select_related("cycle")
        .order_by("-cycle__snapshot_date", "-cycle_id", "-number")[:limit]
    )
    return list(reversed(runs))


@dataclass
class TrendPoint:
    run: ReconciliationRun
    rate: float | None  # None: nothing to plot (the run failed, or the LEA was not in it)
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.run.cycle.name} run {self.run.number}"


def lea_trends(*, user, leas, runs: list[ReconciliationRun]) -> dict[int, list[TrendPoint]]:
    """Per LEA id: its match rate in each of ``runs`` (one query). Failed and cancelled runs
    and runs the LEA had no result in are points without a rate, with a note saying why."""
    lea_ids = [getattr(lea, "pk", lea) for lea in leas]
    rates = {
        (row["lea_id"], row["run_id"]): float(row["match_rate"])
        for row in LEARunSummary.objects.restrict(user, VIEW)
        .filter(lea_id__in=lea_ids, run__in=[r.pk for r in runs])
        .values("lea_id", "run_id", "match_rate")
    }
    trends = {}
    for lea_id in lea_ids:
        points = []
        for run in runs:
            if run.state in UNPLOTTED_STATES:
                points.append(TrendPoint(run, None, f"{run.get_state_display()}: no result"))
            elif (lea_id, run.pk) in rates:
                points.append(TrendPoint(run, rates[(lea_id, run.pk)]))
            else:
                points.append(TrendPoint(run, None, "Not in this run"))
        trends[lea_id] = points
    return trends


def statewide_trend(*, user, runs: list[ReconciliationRun]) -> list[TrendPoint]:
    """The pooled match rate of each run over the LEAs the user may see."""
    visible = LEARunSummary.objects.restrict(user, VIEW)
    pooled = {
        row["run_id"]: _rate(row["matched"], row["compared"])
        for row in visible.filter(run__in=[r.pk for r in runs])
        .order_by()
        .values("run_id")
        .annotate(
            matched=Sum("matched_records"), compared=Sum(F("legacy_records") + F("only_in_edfi"))
        )
    }
    points = []
    for run in runs:
        if run.state in UNPLOTTED_STATES:
            points.append(TrendPoint(run, None, f"{run.get_state_display()}: no result"))
        else:
            note = "" if run.pk in pooled else "No LEA results"
            points.append(TrendPoint(run, pooled.get(run.pk), note))
    return points


def run_differences(*, user, run, data=None):
    """The run's differences the user may see, filtered by LEA, kind, field and value."""
    from parallel.filtersets import DiscrepancyFilterSet

    leas = LEA.objects.restrict(user, VIEW).order_by("name")
    queryset = (
        Discrepancy.objects.restrict(user, VIEW)
        .filter(run=run)
        .select_related("lea", "first_seen_run", "run__cycle__report_definition")
        .order_by("lea__name", "kind", "field", "student_id")
    )
    filterset = DiscrepancyFilterSet(data or None, queryset=queryset, leas=leas)
    if filterset.is_bound and filterset.is_valid():
        return filterset, filterset.qs
    if filterset.is_bound:
        return filterset, queryset.none()
    return filterset, queryset
