"""Starting a reconciliation run of a collection cycle."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from parallel.models import CollectionCycle, ReconciliationRun, Side, SubmissionFile
from rolloutplanner.jobs import enqueue_job
from rolloutplanner.roles import UNRESTRICTED_ROLES, role_of

JOB_KIND = "parallel_reconcile"
PULL_JOB_KIND = "parallel_edfi_pull"


def current_files(*, cycle: CollectionCycle) -> list[SubmissionFile]:
    """The newest unpurged legacy file and the newest file of each Ed-Fi resource."""
    chosen: dict[tuple[str, str], SubmissionFile] = {}
    for submission in SubmissionFile.objects.filter(cycle=cycle, purged_at__isnull=True).order_by(
        "-uploaded_at", "-pk"
    ):
        chosen.setdefault((submission.side, submission.resource), submission)
    return sorted(chosen.values(), key=lambda f: (f.side, f.resource))


@transaction.atomic
def start_reconciliation(*, cycle: CollectionCycle, user) -> ReconciliationRun:
    """Create run N+1 over the cycle's current files and queue the job that reconciles it."""
    if role_of(user) not in UNRESTRICTED_ROLES:
        raise PermissionDenied("Only the SEA team runs reconciliations.")
    files = current_files(cycle=cycle)
    if not any(f.side == Side.LEGACY for f in files):
        raise ValidationError("Upload the legacy file first.")
    if not any(f.side == Side.EDFI for f in files):
        raise ValidationError("Upload the Ed-Fi extract first.")
    CollectionCycle.objects.select_for_update().get(pk=cycle.pk)
    number = (cycle.runs.aggregate(n=Max("number"))["n"] or 0) + 1
    run = ReconciliationRun.objects.create(cycle=cycle, number=number, created_by=user)
    run.files.set(files)
    run.job = enqueue_job(kind=JOB_KIND, user=user, parameters={"run_id": run.pk})
    run.save(update_fields=["job"])
    return run
