"""CSV/XLSX exports of the LEA registry and readiness (what the user may see)."""

from __future__ import annotations

from leas.models import LEA, ReadinessItem
from rolloutplanner.exports import Table


def export_lea_registry(*, user) -> Table:
    """The LEAs the user may see, with choice labels the registry import reads back."""
    leas = (
        LEA.objects.restrict(user)
        .select_related("sis_vendor")
        .prefetch_related("source_systems")
        .order_by("state_lea_id")
    )
    header = [
        "state_lea_id",
        "name",
        "nces_id",
        "enrollment",
        "capacity",
        "urbanicity",
        "region",
        "poverty_level",
        "sis",
        "source_systems",
    ]
    rows = (
        [
            lea.state_lea_id,
            lea.name,
            lea.nces_id,
            lea.enrollment,
            # Labels, which the import reads back as well as the codes.
            lea.get_capacity_display(),
            lea.get_urbanicity_display(),
            lea.region,
            lea.get_poverty_level_display(),
            str(lea.sis_vendor) if lea.sis_vendor_id else "",
            "; ".join(str(v) for v in lea.source_systems.all()),
        ]
        for lea in leas
    )
    return Table("lea-registry", "LEA registry", header, rows)


def export_readiness(*, user) -> Table:
    """The readiness items the user may see, LEA by LEA in checklist order."""
    items = (
        ReadinessItem.objects.restrict(user)
        .select_related("lea")
        .order_by("lea__state_lea_id", "order", "key")
    )
    header = ["state_lea_id", "lea", "phase", "item", "status", "status_date", "evidence_note"]
    rows = (
        [
            item.lea.state_lea_id,
            item.lea.name,
            item.get_phase_display(),
            item.title,
            item.get_status_display(),
            item.status_on.isoformat() if item.status_on else "",
            item.evidence_note,
        ]
        for item in items
    )
    return Table("lea-readiness", "Readiness", header, rows)
