"""The evidence the mapping gives: the latest coverage run at or above a threshold.

Registered with ``rolloutplanner.evidence``.
"""

from __future__ import annotations

from django.urls import reverse

from mapping.models import CoverageRun
from rolloutplanner.evidence import Evidence, evidence_kind


@evidence_kind("coverage_above")
def coverage_above(user, *, percent: int) -> Evidence:
    """Met when the latest coverage run (counting approved mappings only) maps at least
    ``percent``% of the elements; an earlier better run does not count, coverage can fall."""
    asked = f"Mapping coverage of at least {percent}%"
    run = (
        CoverageRun.objects.restrict(user)
        .counting_approved()
        .select_related("plan")
        .order_by("-created_at", "-pk")
        .first()
    )
    if run is None:
        return Evidence(
            asked=asked,
            met=False,
            found="No coverage run yet.",
            url=reverse("mapping:mappingplan-list"),
        )
    return Evidence(
        asked=asked,
        met=run.mapped_percent >= percent,
        found=f"{run.mapped_percent}% of {run.element_count} elements mapped ({run}).",
        url=run.get_absolute_url(),
    )
