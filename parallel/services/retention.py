"""Retention: raw uploads and student-level rows are purged; aggregates and triage are kept."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from parallel.models import Discrepancy, PurgeLog, ReconciliationRun, SubmissionFile


@transaction.atomic
def purge_student_data(*, now: datetime | None = None, days: int | None = None) -> PurgeLog:
    """Delete uploads and run discrepancies older than the retention period; log the purge."""
    now = now or timezone.now()
    days = settings.DATA_RETENTION_DAYS if days is None else days
    cutoff = now - timedelta(days=days)
    files = list(SubmissionFile.objects.filter(uploaded_at__lt=cutoff, purged_at__isnull=True))
    for submission in files:
        if submission.file:
            submission.file.delete(save=False)
        submission.file = ""
        submission.purged_at = now
        submission._change_reason = "purged after the retention period"
        submission.save()
    runs = ReconciliationRun.objects.filter(
        created_at__lt=cutoff, student_rows_purged_at__isnull=True
    )
    run_ids = list(runs.values_list("pk", flat=True))
    deleted, _ = Discrepancy.objects.filter(run_id__in=run_ids).delete()
    runs.update(student_rows_purged_at=now)
    return PurgeLog.objects.create(
        at=now,
        cutoff=cutoff,
        files_purged=len(files),
        runs_purged=len(run_ids),
        discrepancies_deleted=deleted,
    )
