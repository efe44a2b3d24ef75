"""The evidence the LEA registry gives: a pilot cohort saved, a share of LEAs ready on an item.

Registered with ``rolloutplanner.evidence`` so that ``usecases`` and the timeline name these
kinds without importing this app.
"""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse

from leas.models import LEA, CohortKind, CohortVersion, ReadinessStatus
from rolloutplanner.evidence import Evidence, evidence_kind
from rolloutplanner.home import list_url


@evidence_kind("pilot_cohort_saved")
def pilot_cohort_saved(user) -> Evidence:
    """Met when a pilot cohort has a saved membership version."""
    asked = "The pilot cohort saved"
    version = (
        CohortVersion.objects.restrict(user)
        .filter(cohort__kind=CohortKind.PILOT)
        .select_related("cohort")
        .annotate(lea_count=Count("leas"))
        .order_by("-created_at", "-pk")
        .first()
    )
    if version is None:
        return Evidence(
            asked=asked,
            met=False,
            found="No pilot cohort has a saved membership yet.",
            url=reverse("leas:cohort-builder"),
        )
    return Evidence(
        asked=asked,
        met=True,
        found=f"{version} saved with {version.lea_count} LEAs.",
        url=version.cohort.get_absolute_url(),
    )


@evidence_kind("readiness_share")
def readiness_share(user, *, key: str, percent: int, pilot_only: bool = False) -> Evidence:
    """Met when at least ``percent``% of the visible LEAs (of the pilot cohorts' latest saved
    memberships, with ``pilot_only``) have readiness item ``key`` done."""
    whose = "pilot LEAs" if pilot_only else "LEAs"
    asked = f"At least {percent}% of {whose} done with readiness item “{key}”"
    leas = LEA.objects.restrict(user)
    if pilot_only:
        latest = CohortVersion.objects.filter(cohort=OuterRef("cohort")).order_by("-number")
        pilots = CohortVersion.objects.filter(
            cohort__kind=CohortKind.PILOT, pk=Subquery(latest.values("pk")[:1])
        )
        leas = leas.filter(pk__in=pilots.values("leas"))
    tally = leas.aggregate(
        total=Count("pk", distinct=True),
        done=Count(
            "readiness_items",
            filter=Q(readiness_items__key=key, readiness_items__status=ReadinessStatus.DONE),
            distinct=True,
        ),
    )
    total, done = tally["total"], tally["done"]
    share = round(100 * done / total) if total else 0
    return Evidence(
        asked=asked,
        met=bool(total) and share >= percent,
        found=f"{done} of {total} {whose} done ({share}%).",
        url=list_url("leas:readiness-matrix", item=key),
    )
