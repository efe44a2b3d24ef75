"""Reads for the home page: what each role sees first."""

from __future__ import annotations

from django.db.models import Count

from leas.models import LEA, Urbanicity
from rolloutplanner.models import Job
from rolloutplanner.roles import Role, role_of
from vendors.models import ProductType, Vendor


def home_summary(user) -> dict:
    """Counts and recent jobs visible to ``user``; never more than their scope."""
    leas = LEA.objects.restrict(user)
    vendors = Vendor.objects.restrict(user)
    return {
        "role": role_of(user),
        "lea_count": leas.count(),
        "vendor_count": vendors.count(),
        "leas_by_urbanicity": _labelled_counts(leas, "urbanicity", Urbanicity),
        "vendors_by_type": _labelled_counts(vendors, "product_type", ProductType),
        "recent_jobs": list(Job.objects.restrict(user).select_related("created_by")[:5]),
    }


def _labelled_counts(queryset, field: str, choices) -> list[dict]:
    labels = dict(choices.choices)
    rows = queryset.values(field).annotate(count=Count("pk")).order_by(field)
    return [
        {"label": labels.get(row[field], "Not recorded"), "count": row["count"]} for row in rows
    ]


def landing_object(user):
    """The one organisation a scoped user's home is about (linked from it), if they have
    exactly one."""
    role = role_of(user)
    if role == Role.LEA_COORDINATOR:
        leas = list(LEA.objects.restrict(user)[:2])
        return leas[0] if len(leas) == 1 else None
    if role == Role.VENDOR_CONTACT:
        return Vendor.objects.restrict(user).filter(pk__in=user.profile.vendor_ids()).first()
    return None
