"""Retention: raw uploads and student-level rows are purged; aggregates and triage are kept."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from parallel.engine.workdir import RunFolder
from parallel.models import Discrepancy, PurgeLog, ReconciliationRun, RunState, SubmissionFile
from parallel.services.runs import end_unfinished_run, remove_run_work
from rolloutplanner.models import JobState

RUN_ABANDONED = (
    "The run stopped before it completed (its worker was killed or lost power); start a new run."
)


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
    _remove_abandoned_work(now=now)
    return PurgeLog.objects.create(
        at=now,
        cutoff=cutoff,
        files_purged=len(files),
        runs_purged=len(run_ids),
        discrepancies_deleted=deleted,
    )


def _remove_abandoned_work(*, now: datetime) -> None:
    """Spill folders of runs no live job is running (a worker killed mid-run leaves them,
    and they hold student-level rows); a run still marked running
    whose job ended, went stale or is gone is ended as failed."""
    spilled = RunFolder.runs_with_folders()
    # Read after the listing, in one statement each: work a job starts meanwhile is kept.
    live_job = Q(job__state=JobState.RUNNING, job__heartbeat_at__gte=now - settings.JOB_STALE_AFTER)
    stuck = ReconciliationRun.objects.filter(state=RunState.RUNNING).exclude(live_job)
    for run_id in stuck.values_list("pk", flat=True):
        end_unfinished_run(run_id=run_id, reason=RUN_ABANDONED)
    live = set(ReconciliationRun.objects.filter(live_job).values_list("pk", flat=True))
    for run_id in spilled - live:
        remove_run_work(run_id=run_id)
