from celery import shared_task

from rolloutplanner import jobs


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_job(job_id: int) -> None:
    """Run one Job row to a terminal state (idempotent: a finished job is left alone).

    Delivered again after its worker was lost (``acks_late``), it retries the job once from
    scratch, or leaves it failed with that reason when the retry was lost too.
    """
    jobs.execute_job(job_id)


@shared_task
def fail_stale_jobs() -> int:
    """Beat task: a job whose worker died is marked failed (and cleaned up by its kind)
    instead of running forever."""
    return jobs.fail_stale_jobs()
