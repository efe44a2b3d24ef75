"""Retention: raw uploads and student-level rows are purged; aggregates and triage are kept."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from parallel.columnar.partitions import Spill
from parallel.models import Discrepancy, PurgeLog, ReconciliationRun, RunState, SubmissionFile
from parallel.staging import Staging


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
    _remove_abandoned_work()
    return PurgeLog.objects.create(
        at=now,
        cutoff=cutoff,
        files_purged=len(files),
        runs_purged=len(run_ids),
        discrepancies_deleted=deleted,
    )


def _remove_abandoned_work() -> None:
    """Staging tables and spill folders of runs no worker is running: a worker that died
    mid-run leaves them, and they hold student-level rows."""
    running = set(
        ReconciliationRun.objects.filter(state=RunState.RUNNING).values_list("pk", flat=True)
    )
    for run_id in Spill.runs_with_folders() - running:
        Spill.of_run(run_id).remove()
    for run_id in Staging.runs_with_tables() - running:
        Staging(run_id).drop_all()
