"""Exports of discrepancy lists. Every export of student-level rows is logged."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from parallel.models import DownloadLog
from rolloutplanner.roles import UNRESTRICTED_ROLES, Role, role_of

DISCREPANCY_HEADER = [
    "LEA_ID",
    "STUDENT_ID",
    "KIND",
    "FIELD",
    "LEGACY_VALUE",
    "EDFI_VALUE",
    "EDFI_RAW_VALUE",
    "PRODUCED_BY",
    "CAUSE",
    "EXPLANATION",
    "FIRST_SEEN_RUN",
]


def for_export(queryset):
    """A filtered discrepancy queryset in the download's order (LEA, kind, field, student)."""
    return queryset.select_related("lea", "first_seen_run").order_by(
        "lea__state_lea_id", "kind", "field", "student_id"
    )


def describe_filters(filterset) -> str:
    """The filters of a download, for its log entry (" (kind=mismatch, field=disability)")."""
    if not filterset.is_bound or not filterset.is_valid():
        return ""
    shown = [
        f"{name}={value.pk if hasattr(value, 'pk') else value}"
        for name, value in filterset.form.cleaned_data.items()
        if value not in (None, "") and name in ("kind", "field", "value")
    ]
    return f" ({', '.join(shown)})" if shown else ""


def may_export(*, user, lea=None) -> bool:
    """Student-level rows: the SEA team, and coordinators for their own LEA(s) only."""
    role = role_of(user)
    if role in UNRESTRICTED_ROLES:
        return True
    if role != Role.LEA_COORDINATOR:
        return False
    return lea is None or lea.pk in user.profile.lea_ids()


@transaction.atomic
def log_download(*, user, run, lea, file_format: str, row_count: int, what: str) -> DownloadLog:
    """Record who downloaded which student-level data, and when."""
    if not may_export(user=user, lea=lea):
        raise PermissionDenied("You may not download student-level data.")
    return DownloadLog.objects.create(
        user=user, run=run, lea=lea, file_format=file_format, row_count=row_count, what=what
    )


def as_table(queryset):
    for d in queryset.iterator(chunk_size=2000):
        yield [
            d.lea.state_lea_id,
            d.student_id,
            d.get_kind_display(),
            d.field,
            d.legacy_value,
            d.edfi_value,
            d.edfi_raw,
            d.mapping_entry,
            d.get_cause_display() if d.cause else "",
            d.explanation,
            d.first_seen_run.number if d.first_seen_run else "",
        ]
