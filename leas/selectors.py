"""Reads that compose several models for the LEA pages."""

from __future__ import annotations

from django.db.models import Prefetch

from leas.models import LEA, Cohort, LEAPerson, ReadinessItem
from leas.services.cohorts import coverage
from rolloutplanner.permissions import CHANGE, restriction_for, user_can_add_model


def lea_detail_sections(*, lea: LEA, user) -> dict:
    """The people, readiness, support and networks shown on an LEA's page, and what the user
    may do with them (a fixed number of queries)."""
    readiness = list(ReadinessItem.objects.restrict(user).filter(lea=lea).order_by("order", "key"))
    can_change_readiness = restriction_for(user, ReadinessItem, CHANGE) is not None
    return {
        "people": list(
            LEAPerson.objects.restrict(user).filter(lea=lea).order_by("left_on", "name")
        ),
        "readiness": readiness,
        "readiness_done": sum(1 for item in readiness if item.status == "done"),
        "support_requests": list(lea.support_requests.restrict(user)[:20]),
        "support_networks": list(lea.support_networks.restrict(user)),
        "source_systems": list(lea.source_systems.all()),
        "can_change_readiness": can_change_readiness,
        # Whoever sees this LEA and may add these rows at all may add them for this LEA (a
        # coordinator sees only their own LEAs); the save itself is checked by enforce_owner.
        "can_add_person": user_can_add_model(user, LEAPerson),
        "can_add_support": user_can_add_model(user, lea.support_requests.model),
        "can_add_network": user_can_add_model(user, lea.support_networks.model),
    }


def cohort_versions(*, cohort: Cohort) -> dict:
    versions = list(
        cohort.versions.select_related("created_by").prefetch_related(
            Prefetch("leas", queryset=LEA.objects.select_related("sis_vendor"))
        )
    )
    current = versions[0] if versions else None
    state = list(LEA.objects.select_related("sis_vendor"))
    return {
        "versions": versions,
        "current_version": current,
        "coverage": coverage(state=state, cohort=list(current.leas.all())) if current else [],
    }


def cohort_builder(*, state: list[LEA], cohort: list[LEA]) -> dict:
    rows = coverage(state=state, cohort=cohort)
    return {
        "state_count": len(state),
        "cohort_leas": cohort,
        "coverage": rows,
        "strata_total": sum(len(c.rows) for c in rows),
        "strata_covered": sum(c.covered_count for c in rows),
    }
