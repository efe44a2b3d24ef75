"""Background jobs: a registry of job kinds and the services that start, run and end them.

A job kind is a plain function ``run(job, progress) -> dict`` registered with
:func:`job_kind`. It must be idempotent and write its results inside a transaction, so a
failure or a re-run never leaves half a result marked complete. The Celery task that runs
it (``rolloutplanner.tasks.run_job``) only calls :func:`execute_job`. The registry of kinds
is :mod:`rolloutplanner.job_registry` (the ``Job`` model reads kind labels from it), so the
modules import one way: tasks → jobs → models → job_registry.

A job kind may also register a ``cleanup(job)``: it is called once the job has ended without
succeeding (failed, cancelled, or found stale because its worker was killed), with the job's
state and error saying why. It is where a domain marks its own record ended and removes what
an interrupted run left behind. The platform calls it and knows nothing of the domain.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rolloutplanner.celery import app as celery_app
from rolloutplanner.job_registry import (  # noqa: F401 - apps register their kinds from here
    _REGISTRY,
    JobKind,
    get_job_kind,
    job_kind,
    job_kind_label,
)
from rolloutplanner.models import TERMINAL_JOB_STATES, Job, JobState

logger = logging.getLogger(__name__)


class JobCancelled(Exception):
    """Raised inside a running job when a user asked to cancel it."""


class JobRejected(Exception):
    """Raised by a job whose input was refused: the job fails and its page lists ``problems``."""

    MAX_PROBLEMS = 200  # kept on the job row; the rest are counted

    def __init__(self, message: str, problems: list[str], *, url: str = ""):
        super().__init__(message)
        self.problems, self.url = list(problems), url

    def as_result(self) -> dict:
        shown = self.problems[: self.MAX_PROBLEMS]
        if len(self.problems) > len(shown):
            shown.append(f"… and {len(self.problems) - len(shown)} more problems.")
        return {"problems": shown, "url": self.url}


# A job whose worker was lost (killed, out of memory, power cut) is tried once more from
# scratch when its task is delivered again (acks_late): job kinds are idempotent. A second
# loss is final, so a job that kills its worker every time does not loop.
MAX_ATTEMPTS = 2
RUN_JOB_TASK = "rolloutplanner.tasks.run_job"
WORKER_LOST = (
    "The worker stopped while running this job (it was killed or lost power); start it again."
)


@contextmanager
def timed(timings: dict[str, float], key: str) -> Iterator[None]:
    """Store the seconds the block took (to the millisecond) as ``timings[key]``.

    Written even when the block raises, so a failed run still shows how far each step got;
    a job keeps ``timings`` in its result (or its run row) to show where the time went.
    """
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[key] = round(time.perf_counter() - started, 3)


class JobProgress:
    """Reports progress of one job and notices cancellation; also the job's heartbeat.

    Written at most every ``INTERVAL`` seconds: a job may report once per chunk of a file, a
    thousand times a minute, and each report is two queries and a commit on the job's critical
    path. Progress on the page is then at most that much behind, and so is a cancellation.
    """

    INTERVAL = 0.5

    def __init__(self, job: Job):
        self.job = job
        self._written_at: float | None = None

    def __call__(self, percent: float, message: str = "") -> None:
        clock = time.monotonic()
        if self._written_at is not None and clock - self._written_at < self.INTERVAL:
            return
        self._written_at = clock
        percent = max(0, min(100, int(percent)))
        now = timezone.now()
        Job.objects.filter(pk=self.job.pk).update(
            progress=percent, progress_message=message[:255], heartbeat_at=now
        )
        self.job.progress, self.job.progress_message = percent, message
        if Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
            raise JobCancelled


def enqueue_job(
    *, kind: str, user=None, parameters: dict | None = None, lea=None, vendor=None
) -> Job:
    """Create a queued job and hand it to the worker once the transaction commits."""
    get_job_kind(kind)
    job = Job.objects.create(
        kind=kind, parameters=parameters or {}, created_by=user, lea=lea, vendor=vendor
    )
    # Sent by the task's name: the task (rolloutplanner/tasks.py) calls this module, which
    # therefore does not import it.
    transaction.on_commit(lambda: celery_app.send_task(RUN_JOB_TASK, args=[job.pk]))
    return job


def _claim(job_id: int) -> Job | None:
    """Mark the job running, unless it is finished or another worker holds it.

    A job whose worker was lost (still running but stale, or failed as such by the stale
    sweep) is claimed again while it has attempts left: its task is then a redelivery.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return None
        if job.state == JobState.RUNNING:
            if not _is_stale(job):
                return None
            _finish(job, JobState.FAILED, error=WORKER_LOST)
        if job.state in TERMINAL_JOB_STATES and not _may_retry(job):
            return None
        if job.cancel_requested:
            error = "Cancelled by a user." if job.attempts else "Cancelled before it started."
            _finish(job, JobState.CANCELLED, error=error)
            return None
        now = timezone.now()
        job.state, job.started_at, job.heartbeat_at = JobState.RUNNING, now, now
        job.progress, job.progress_message, job.error = 0, "Starting", ""
        job.finished_at = None
        job.attempts += 1
        job.save()
        return job


def _may_retry(job: Job) -> bool:
    return job.state == JobState.FAILED and job.error == WORKER_LOST and job.attempts < MAX_ATTEMPTS


def _is_stale(job: Job) -> bool:
    last_sign = job.heartbeat_at or job.started_at or job.created_at
    return last_sign < timezone.now() - settings.JOB_STALE_AFTER


def _finish(job: Job, state: str, *, result: dict | None = None, error: str = "", now=None) -> None:
    """End the job in ``state``; one that did not succeed has its kind's clean-up called."""
    job.state, job.finished_at, job.error = state, now or timezone.now(), error
    if result is not None:
        job.result = result
        job.result_url = result.get("url", "") if isinstance(result, dict) else ""
    if state == JobState.SUCCEEDED:
        job.progress, job.progress_message = 100, "Done"
    job.save()
    if state != JobState.SUCCEEDED:
        _clean_up(job)


def _clean_up(job: Job) -> None:
    """Call the job kind's clean-up; its failure is logged and never changes how the job ended."""
    kind = _REGISTRY.get(job.kind)
    if kind is None or kind.cleanup is None:
        return
    try:
        with transaction.atomic():
            kind.cleanup(job)
    except Exception:  # noqa: BLE001 - the job has ended; a clean-up error must not hide that
        logger.exception("Clean-up of job %s (%s) failed", job.pk, job.kind)


def execute_job(job_id: int) -> None:
    """Run a queued job to a terminal state. Safe to call twice for the same job."""
    job = _claim(job_id)
    if job is None:
        return
    kind = get_job_kind(job.kind)
    try:
        result = kind.run(job, JobProgress(job))
    except JobCancelled:
        _finish(job, JobState.CANCELLED, error="Cancelled by a user.")
    except JobRejected as exc:
        _finish(job, JobState.FAILED, result=exc.as_result(), error=str(exc))
    except Exception as exc:  # noqa: BLE001 - any failure must end the job visibly
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(job, JobState.FAILED, error=f"{type(exc).__name__}: {exc}")
    else:
        _finish(job, JobState.SUCCEEDED, result=result or {})


def request_cancel(*, job: Job) -> Job:
    """Ask a job to stop; a queued job is cancelled at once, a running one at its next step."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.is_finished:
            return job
        job.cancel_requested = True
        if job.state == JobState.QUEUED:
            _finish(job, JobState.CANCELLED, error="Cancelled before it started.")
        else:
            job.save(update_fields=["cancel_requested"])
    return job


def fail_stale_jobs(*, now=None) -> int:
    """Mark running jobs whose worker stopped reporting as failed, calling each kind's
    clean-up; returns how many. A job whose task is delivered again is then retried once."""
    now = now or timezone.now()
    cutoff = now - settings.JOB_STALE_AFTER
    stale = Job.objects.filter(state=JobState.RUNNING, heartbeat_at__lt=cutoff)
    marked = 0
    for job_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            job = stale.select_for_update(skip_locked=True).filter(pk=job_id).first()
            if job is None:  # it reported again, ended, or another sweep holds it
                continue
            _finish(job, JobState.FAILED, error=WORKER_LOST, now=now)
            marked += 1
    return marked
