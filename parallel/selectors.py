"""Reads that compose several models for the parallel-year pages and API."""

from __future__ import annotations

from collections import defaultdict

from parallel.models import (
    CollectionCycle,
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
    rows = (
        LEARunSummary.objects.restrict(user, VIEW)
        .filter(run__in=latest)
        .select_related("lea", "run__cycle")
        .order_by("run__cycle__snapshot_date")
    )
    history: dict = defaultdict(list)
    for row in rows:
        history[row.lea].append(row.within_tolerance)
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
