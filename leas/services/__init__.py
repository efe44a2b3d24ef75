"""Writes of the LEA app: registry import, readiness checklists, cohorts."""

from leas.services.cohorts import save_cohort_version, suggest_cohort
from leas.services.readiness import (
    READINESS_CHECKLIST,
    ReadinessChange,
    ensure_readiness_checklist,
    update_readiness_item,
    update_readiness_items,
)
from leas.services.registry import import_leas, start_lea_import

__all__ = [
    "READINESS_CHECKLIST",
    "ReadinessChange",
    "update_readiness_item",
    "update_readiness_items",
    "ensure_readiness_checklist",
    "import_leas",
    "start_lea_import",
    "save_cohort_version",
    "suggest_cohort",
]
