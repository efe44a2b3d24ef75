"""The evidence the parallel year gives: the latest complete run within tolerance.

Registered with ``rolloutplanner.evidence``.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from parallel.models import ReconciliationRun
from rolloutplanner.evidence import Evidence, evidence_kind


@evidence_kind("parallel_run_within_tolerance")
def parallel_run_within_tolerance(user, *, percent: int = 100) -> Evidence:
    """Met when, in the latest complete reconciliation run, at least ``percent``% of the LEAs
    the user may see are within tolerance."""
    asked = f"A parallel-year run with at least {percent}% of LEAs within tolerance"
    run = (
        ReconciliationRun.objects.restrict(user)
        .complete()
        .select_related("cycle")
        .order_by("-completed_at", "-created_at", "-pk")
        .first()
    )
    if run is None:
        return Evidence(
            asked=asked,
            met=False,
            found="No complete parallel-year run yet.",
            url=reverse("parallel:collectioncycle-list"),
        )
    tally = run.summaries.restrict(user).aggregate(
        total=Count("pk"), within=Count("pk", filter=Q(within_tolerance=True))
    )
    total, within = tally["total"], tally["within"]
    share = round(100 * within / total) if total else 0
    return Evidence(
        asked=asked,
        met=bool(total) and share >= percent,
        found=f"{run}: {within} of {total} LEAs within tolerance ({share}%).",
        url=run.get_absolute_url(),
    )
