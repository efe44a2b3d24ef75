"""Job kinds that exist only for testing the job machinery (imported by test workers)."""

import time

from rolloutplanner.jobs import job_kind


@job_kind("test_slow", "Slow test job")
def slow_job(job, progress) -> dict:
    """Reports progress every ``interval`` seconds for ``steps`` steps."""
    steps = int(job.parameters.get("steps", 50))
    interval = float(job.parameters.get("interval", 0.2))
    for step in range(steps):
        progress(100 * step / steps, f"step {step + 1} of {steps}")
        time.sleep(interval)
    return {"steps": steps}


@job_kind("test_failing", "Failing test job")
def failing_job(job, progress) -> dict:
    progress(40, "about to fail")
    raise ValueError("row 7, column 'enrollment': not a number")
