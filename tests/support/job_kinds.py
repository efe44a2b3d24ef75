"""Job kinds that exist only for testing the job machinery (imported by test workers)."""

import time
from pathlib import Path

from parallel.job_kinds import end_reconciliation, reconcile
from rolloutplanner.jobs import job_kind


def record_cleanup(job) -> None:
    """Appends ``<state>: <error>`` to the file ``cleanup_marker`` names, when it names one."""
    if marker := job.parameters.get("cleanup_marker"):
        with Path(marker).open("a") as handle:
            handle.write(f"{job.state}: {job.error}\n")


@job_kind("test_slow", "Slow test job", cleanup=record_cleanup)
def slow_job(job, progress) -> dict:
    """Reports progress every ``interval`` seconds for ``steps`` steps."""
    steps = int(job.parameters.get("steps", 50))
    interval = float(job.parameters.get("interval", 0.2))
    for step in range(steps):
        progress(100 * step / steps, f"step {step + 1} of {steps}")
        time.sleep(interval)
    return {"steps": steps}


@job_kind("test_failing", "Failing test job", cleanup=record_cleanup)
def failing_job(job, progress) -> dict:
    progress(40, "about to fail")
    raise ValueError("row 7, column 'enrollment': not a number")


@job_kind("test_reconcile_held", "Reconciliation held at one step", cleanup=end_reconciliation)
def reconcile_held(job, progress) -> dict:
    """The reconciliation job, which on its first attempt holds at the step whose progress
    message is ``hold_at`` (still reporting, so a cancel is noticed) until its worker is
    killed; with ``fail`` set it raises there instead."""

    def held(percent: float, message: str = "") -> None:
        progress(percent, message)
        if message != job.parameters["hold_at"] or job.attempts > 1:
            return
        if job.parameters.get("fail"):
            raise OSError("No space left on device: the spill folder's disk is full")
        while True:
            time.sleep(0.1)
            progress(percent, message)

    return reconcile(job, held)
