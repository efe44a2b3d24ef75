"""The reconciliation runs as a job in a real Celery worker process."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parallel.engine.workdir import RunFolder
from parallel.models import Discrepancy, ReconciliationRun, RunState
from parallel.services.runs import JOB_KIND, start_reconciliation
from rolloutplanner.jobs import (
    MAX_ATTEMPTS,
    WORKER_LOST,
    enqueue_job,
    execute_job,
    fail_stale_jobs,
    request_cancel,
)
from rolloutplanner.models import Job, JobState
from rolloutplanner.roles import Role
from rolloutplanner.tasks import run_job
from tests.support.celery_worker import start_worker, use_queue, wait_for


def _finished(job):
    job.refresh_from_db()
    return job if job.is_finished else None


@pytest.mark.celery_worker
def test_run_started_from_the_page_completes_in_the_worker(client, celery_worker, make_collection):
    collection = make_collection(students=300, rate=0.1)
    client.force_login(collection.user)

    response = client.post(reverse("parallel:cycle-run", args=[collection.cycle.pk]))

    run = ReconciliationRun.objects.get()
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    job = wait_for(lambda: _finished(run.job), message=f"not finished:\n{celery_worker.log()}")
    assert job.state == JobState.SUCCEEDED, job.error
    assert job.progress == 100 and job.result["url"] == run.get_absolute_url()
    run.refresh_from_db()
    assert run.state == RunState.COMPLETE
    found = {
        (d.kind, d.lea.state_lea_id, d.student_id, d.field)
        for d in Discrepancy.objects.filter(run=run).select_related("lea")
    }
    assert found == collection.data.truth
    page = client.get(run.get_absolute_url())
    assert page.status_code == 200 and b"Per LEA, worst match rate first" in page.content


@pytest.mark.celery_worker
def test_bad_input_fails_the_job_with_the_reason(celery_worker, make_collection):
    collection = make_collection(students=20, rate=0, upload=False)
    lines = collection.data.legacy.read_text().splitlines()
    parts = lines[1].split(",")
    parts[3] = "BOGUS"
    lines[1] = ",".join(parts)
    collection.data.legacy.write_text("\n".join(lines) + "\n")
    collection.upload_all()
    from parallel.services.runs import start_reconciliation

    run = start_reconciliation(cycle=collection.cycle, user=collection.user)

    job = wait_for(lambda: _finished(run.job), message=celery_worker.log())
    run.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "'BOGUS' is not a permitted value" in job.error
    assert run.state == RunState.FAILED and "BOGUS" in run.errors[0]


@pytest.mark.celery_worker
def test_cancelled_run_leaves_no_results_and_earlier_runs_intact(celery_worker, make_collection):
    from parallel.services.runs import start_reconciliation

    collection = make_collection(students=200, rate=0.1)
    first = start_reconciliation(cycle=collection.cycle, user=collection.user)
    wait_for(lambda: _finished(first.job), message=celery_worker.log())
    kept = Discrepancy.objects.filter(run=first).count()

    second = start_reconciliation(cycle=collection.cycle, user=collection.user)
    request_cancel(job=second.job)
    job = wait_for(lambda: _finished(second.job), message=celery_worker.log())

    assert job.state == JobState.CANCELLED
    second.refresh_from_db()
    assert second.state_label == "Cancelled"
    assert not Discrepancy.objects.filter(run=second).exists()
    assert Discrepancy.objects.filter(run=first).count() == kept > 0


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.LEADERSHIP, Role.LEA_COORDINATOR, Role.VENDOR_CONTACT])
def test_only_the_sea_team_starts_runs(client, world, make_collection, role):
    collection = make_collection(students=5, rate=0)
    client.force_login(world.users[role])

    response = client.post(reverse("parallel:cycle-run", args=[collection.cycle.pk]))

    assert response.status_code == 403
    assert not ReconciliationRun.objects.exists()


@pytest.mark.django_db
def test_a_run_is_refused_with_the_reason_without_postgresql(make_collection, monkeypatch):
    from django.core.exceptions import ValidationError
    from django.db import connection

    from parallel.services.runs import start_reconciliation

    collection = make_collection(students=10, rate=0)
    monkeypatch.setattr(connection, "vendor", "sqlite")

    with pytest.raises(ValidationError, match="set DATABASE_URL to a PostgreSQL database"):
        start_reconciliation(cycle=collection.cycle, user=collection.user)
    assert not collection.cycle.runs.exists()


def _held_run(collection, queue: str, hold_at: str, **parameters):
    """A run whose job holds at the step ``hold_at`` (see tests/support/job_kinds.py)."""
    run = collection.new_run()
    with use_queue(queue):
        run.job = enqueue_job(
            kind="test_reconcile_held",
            user=collection.user,
            parameters={"run_id": run.pk, "hold_at": hold_at, **parameters},
        )
    run.save(update_fields=["job"])
    return run


def _student_work(run) -> bool:
    """Whether the run's spill folder (DuckDB's database and temporary files) exists."""
    return RunFolder.of_run(run.pk).folder.exists()


# The step a worker is killed at, and the student-level work that exists there: the engine's
# folder, while it compares records and while results are written.
HOLDS = [("Comparing records", True), ("Writing results", True)]


@pytest.mark.celery_worker
@pytest.mark.parametrize(("hold_at", "work_at_kill"), HOLDS)
def test_killed_worker_fails_its_run_removes_its_student_files_and_is_retried_once_redelivered(
    celery_worker, make_collection, shared_media_root, tmp_path, hold_at, work_at_kill
):
    collection = make_collection(students=300, rate=0.1)
    doomed = start_worker(tmp_path, extra_env={"MEDIA_ROOT": str(shared_media_root)})
    try:
        run = _held_run(collection, doomed.queue, hold_at)
        wait_for(
            lambda: (
                Job.objects.filter(pk=run.job.pk, progress_message=hold_at).exists()
                and _student_work(run) == work_at_kill
            ),
            message=doomed.log(),
        )
        doomed.kill()
    finally:
        doomed.stop()
    run.refresh_from_db()
    assert run.state == RunState.RUNNING  # the killed worker could record nothing else

    marked = fail_stale_jobs(now=timezone.now() + timedelta(hours=1))

    job = Job.objects.get(pk=run.job.pk)
    run.refresh_from_db()
    assert run.state == RunState.FAILED and run.errors == [WORKER_LOST]
    assert not _student_work(run)
    assert marked == 1
    assert job.state == JobState.FAILED and job.error == WORKER_LOST

    run_job.delay(job.pk)  # what the broker does with the unacknowledged task (acks_late)

    retried = Job.objects.filter(pk=job.pk, attempts=2, finished_at__isnull=False)
    job = wait_for(retried.first, message=celery_worker.log())
    run.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    assert run.state == RunState.COMPLETE and run.errors == []
    found = {
        (d.kind, d.lea.state_lea_id, d.student_id, d.field)
        for d in Discrepancy.objects.filter(run=run).select_related("lea")
    }
    assert found == collection.data.truth
    assert not _student_work(run)


@pytest.mark.celery_worker
def test_cancelled_run_ends_cancelled_without_its_student_files(celery_worker, make_collection):
    collection = make_collection(students=200, rate=0.1)
    first = start_reconciliation(cycle=collection.cycle, user=collection.user)
    wait_for(lambda: _finished(first.job), message=celery_worker.log())
    kept = Discrepancy.objects.filter(run=first).count()
    second = _held_run(collection, celery_worker.queue, "Comparing records")
    wait_for(lambda: _student_work(second), message=celery_worker.log())

    request_cancel(job=second.job)

    job = wait_for(lambda: _finished(second.job), message=celery_worker.log())
    second.refresh_from_db()
    assert job.state == JobState.CANCELLED
    assert second.state == RunState.CANCELLED and second.errors == []
    assert not _student_work(second)
    assert not Discrepancy.objects.filter(run=second).exists()
    assert Discrepancy.objects.filter(run=first).count() == kept > 0


@pytest.mark.celery_worker
def test_failed_run_records_the_reason_without_its_student_files(celery_worker, make_collection):
    collection = make_collection(students=200, rate=0.1)
    first = start_reconciliation(cycle=collection.cycle, user=collection.user)
    wait_for(lambda: _finished(first.job), message=celery_worker.log())
    kept = Discrepancy.objects.filter(run=first).count()

    second = _held_run(collection, celery_worker.queue, "Writing results", fail=True)

    job = wait_for(lambda: _finished(second.job), message=celery_worker.log())
    second.refresh_from_db()
    assert job.state == JobState.FAILED
    assert second.state == RunState.FAILED
    assert second.errors == [
        "The run stopped on an unexpected error (OSError: No space left on device: the spill "
        "folder's disk is full) and stored nothing; run it again, and tell the SEA team if it "
        "fails the same way."
    ]
    assert not _student_work(second)
    assert Discrepancy.objects.filter(run=first).count() == kept > 0


@pytest.mark.django_db
def test_a_run_whose_job_is_lost_twice_stays_failed_with_the_reason(make_collection, settings):
    collection = make_collection(students=5, rate=0)
    run = collection.new_run()
    run.state = RunState.RUNNING
    run.job = Job.objects.create(
        kind=JOB_KIND,
        parameters={"run_id": run.pk},
        state=JobState.RUNNING,
        attempts=MAX_ATTEMPTS,
        heartbeat_at=timezone.now() - settings.JOB_STALE_AFTER - timedelta(seconds=1),
    )
    run.save()
    RunFolder.of_run(run.pk).create()

    execute_job(run.job.pk)  # the task delivered again after the second loss

    run.refresh_from_db()
    run.job.refresh_from_db()
    assert run.job.state == JobState.FAILED and run.job.error == WORKER_LOST
    assert run.job.attempts == MAX_ATTEMPTS
    assert run.state == RunState.FAILED and run.errors == [WORKER_LOST]
    assert not _student_work(run)
