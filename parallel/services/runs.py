"""Starting a reconciliation run of a collection cycle, and ending one its job left unfinished."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max

from parallel.engine.workdir import RunFolder
from parallel.models import CollectionCycle, ReconciliationRun, RunState, Side, SubmissionFile
from parallel.services.contract_checks import queue_outdated_checks
from parallel.services.definitions import run_problems
from rolloutplanner.jobs import enqueue_job
from rolloutplanner.roles import UNRESTRICTED_ROLES, role_of

JOB_KIND = "parallel_reconcile"
PULL_JOB_KIND = "parallel_edfi_pull"


def current_files(*, cycle: CollectionCycle) -> list[SubmissionFile]:
    """The files a new run compares: the newest of each Ed-Fi resource, and on the legacy side
    the newest statewide file or, when there is none, the newest file of each LEA."""
    chosen: dict[tuple[str, str, int | None], SubmissionFile] = {}
    unpurged = SubmissionFile.objects.filter(cycle=cycle, purged_at__isnull=True)
    for submission in unpurged.select_related("lea").order_by("-uploaded_at", "-pk"):
        lea_id = submission.lea_id if submission.side == Side.LEGACY else None
        chosen.setdefault((submission.side, submission.resource, lea_id), submission)
    if (Side.LEGACY, "", None) in chosen:
        chosen = {key: f for key, f in chosen.items() if f.side != Side.LEGACY or key[2] is None}
    return sorted(chosen.values(), key=lambda f: (f.side, f.resource, f.lea_id or 0))


@transaction.atomic
def start_reconciliation(*, cycle: CollectionCycle, user, queue: bool = True) -> ReconciliationRun:
    """Create run N+1 over the cycle's current files and queue the job that reconciles it.

    Refused (ValidationError, in words) when the cycle cannot run: its files are missing, or
    its definition does not compile or lacks codes for a descriptor field that the cycle's
    mapping plan does not give either (:func:`~parallel.services.definitions.run_problems`).

    With ``queue=False`` no job is queued: the caller reconciles the run in its own process
    with :func:`parallel.services.reconcile.run_reconciliation` (the demo seeding does).
    Otherwise the Ed-Fi files checked under an older contract version are queued for a new
    check too (:func:`~parallel.services.contract_checks.queue_outdated_checks`).
    """
    if role_of(user) not in UNRESTRICTED_ROLES:
        raise PermissionDenied("Only the SEA team runs reconciliations.")
    if problems := run_problems(cycle=cycle):
        raise ValidationError(problems)
    files = current_files(cycle=cycle)
    if not any(f.side == Side.LEGACY for f in files):
        raise ValidationError("Upload the legacy file first.")
    if not any(f.side == Side.EDFI for f in files):
        raise ValidationError("Upload the Ed-Fi extract first.")
    if connection.vendor != "postgresql":
        raise ValidationError(
            "Reconciliation writes its results with PostgreSQL's COPY: set DATABASE_URL to a "
            "PostgreSQL database (the embedded SQLite mode cannot run it)."
        )
    CollectionCycle.objects.select_for_update().get(pk=cycle.pk)
    number = (cycle.runs.aggregate(n=Max("number"))["n"] or 0) + 1
    run = ReconciliationRun.objects.create(cycle=cycle, number=number, created_by=user)
    run.files.set(files)
    if not queue:
        return run
    run.job = enqueue_job(kind=JOB_KIND, user=user, parameters={"run_id": run.pk})
    run.save(update_fields=["job"])
    # After the run's job: the run checks such a file itself, and is not kept waiting.
    queue_outdated_checks(files=files, user=user)
    return run


def end_unfinished_run(*, run_id: int, reason: str, cancelled: bool = False) -> None:
    """End a run whose job stopped without completing it, and remove its student-level work.

    An unfinished run is marked cancelled, or failed with ``reason`` (input problems already
    recorded are kept); a complete run is left as it is. Its spill folder is removed whatever
    its state (FERPA: student-level files never outlive their run).
    Idempotent; called by the job's clean-up and by the retention purge.
    """
    with transaction.atomic():
        run = ReconciliationRun.objects.select_for_update().filter(pk=run_id).first()
        if run is not None and run.state in (RunState.QUEUED, RunState.RUNNING):
            run.state = RunState.CANCELLED if cancelled else RunState.FAILED
            run._change_reason = "cancelled" if cancelled else "stopped before it completed"
            if not cancelled and not run.errors:
                run.errors = [reason]
            run.save(update_fields=["state", "errors"])
        elif run is not None and run.state == RunState.FAILED and not run.errors:
            run.errors = [reason]
            run._change_reason = "failure reason recorded"
            run.save(update_fields=["errors"])
    remove_run_work(run_id=run_id)


def remove_run_work(*, run_id: int) -> None:
    """Remove a run's spill folder (what a worker killed mid-run leaves)."""
    RunFolder.of_run(run_id).remove()
