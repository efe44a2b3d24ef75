"""Jobs run in a real Celery worker process over the configured broker (Redis in CI)."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from rolloutplanner import jobs
from rolloutplanner.models import Job, JobState
from rolloutplanner.roles import Role
from tests.factories import LEAFactory, make_user
from tests.support.celery_worker import start_worker, use_queue, wait_for


def _finished(job):
    job.refresh_from_db()
    return job if job.is_finished else None


@pytest.mark.celery_worker
def test_state_summary_job_started_from_the_page_runs_in_the_worker(client, celery_worker):
    LEAFactory.create_batch(3, urbanicity="rural", enrollment=100)
    LEAFactory(urbanicity="city", enrollment=5000)
    client.force_login(make_user(Role.SEA_TEAM))

    response = client.post(reverse("job-start-state-summary"))

    job = Job.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    wait_for(lambda: _finished(job), message=f"job did not finish:\n{celery_worker.log()}")
    assert job.state == JobState.SUCCEEDED, job.error
    assert job.progress == 100 and job.attempts == 1
    assert job.result["lea_count"] == 4
    assert job.result["total_enrollment"] == 5300
    by_urbanicity = {row["value"]: row["leas"] for row in job.result["strata"]["urbanicity"]}
    assert by_urbanicity == {"city": 1, "rural": 3}


@pytest.mark.celery_worker
def test_failed_job_records_the_error_and_leaves_earlier_results_intact(celery_worker):
    user = make_user(Role.SEA_TEAM)
    earlier = jobs.enqueue_job(kind="state_summary", user=user)
    wait_for(lambda: _finished(earlier))
    earlier_result = earlier.result

    failing = jobs.enqueue_job(kind="test_failing", user=user)
    wait_for(lambda: _finished(failing))

    assert failing.state == JobState.FAILED
    assert "row 7, column 'enrollment': not a number" in failing.error
    earlier.refresh_from_db()
    assert earlier.state == JobState.SUCCEEDED and earlier.result == earlier_result


@pytest.mark.celery_worker
def test_running_job_can_be_cancelled(client, celery_worker):
    user = make_user(Role.SEA_TEAM)
    job = jobs.enqueue_job(kind="test_slow", user=user, parameters={"steps": 100, "interval": 0.1})
    wait_for(lambda: Job.objects.filter(pk=job.pk, state=JobState.RUNNING, progress__gt=0).exists())
    client.force_login(user)

    client.post(reverse("job-cancel", args=[job.pk]))

    wait_for(lambda: _finished(job))
    assert job.state == JobState.CANCELLED
    assert job.progress < 100


@pytest.mark.celery_worker
def test_job_whose_worker_is_killed_is_marked_failed_and_cleaned_up(transactional_db, tmp_path):
    marker = tmp_path / "cleanup.log"
    worker = start_worker(tmp_path)
    try:
        with use_queue(worker.queue):
            job = jobs.enqueue_job(
                kind="test_slow",
                parameters={"steps": 500, "interval": 0.1, "cleanup_marker": str(marker)},
            )
        wait_for(lambda: Job.objects.filter(pk=job.pk, progress__gt=0).exists())
        worker.kill()
    finally:
        worker.stop()
    job.refresh_from_db()
    assert job.state == JobState.RUNNING  # nobody could record anything else

    marked = jobs.fail_stale_jobs(now=timezone.now() + timedelta(hours=1))

    job.refresh_from_db()
    assert marked == 1
    assert job.state == JobState.FAILED
    assert job.error == jobs.WORKER_LOST
    assert marker.read_text() == f"failed: {jobs.WORKER_LOST}\n"
    assert jobs.fail_stale_jobs(now=timezone.now() + timedelta(hours=1)) == 0


@pytest.mark.celery_worker
def test_failed_and_cancelled_jobs_call_their_kinds_cleanup(celery_worker, tmp_path):
    failing_marker, slow_marker = tmp_path / "failing.log", tmp_path / "slow.log"
    failing = jobs.enqueue_job(
        kind="test_failing", parameters={"cleanup_marker": str(failing_marker)}
    )
    slow = jobs.enqueue_job(
        kind="test_slow",
        parameters={"steps": 100, "interval": 0.1, "cleanup_marker": str(slow_marker)},
    )
    wait_for(lambda: Job.objects.filter(pk=slow.pk, progress__gt=0).exists())

    jobs.request_cancel(job=slow)

    wait_for(lambda: _finished(failing) and _finished(slow), message=celery_worker.log())
    error = "ValueError: row 7, column 'enrollment': not a number"
    assert failing_marker.read_text() == f"failed: {error}\n"
    assert slow_marker.read_text() == "cancelled: Cancelled by a user.\n"


@pytest.mark.django_db
def test_a_job_cancelled_before_it_starts_calls_its_kinds_cleanup(tmp_path):
    marker = tmp_path / "cleanup.log"
    job = Job.objects.create(kind="test_slow", parameters={"cleanup_marker": str(marker)})

    jobs.request_cancel(job=job)

    assert marker.read_text() == "cancelled: Cancelled before it started.\n"


@pytest.mark.django_db
def test_a_failing_cleanup_is_logged_and_the_job_still_ends_failed(caplog):
    def broken_cleanup(job):
        raise RuntimeError("the clean-up could not reach the disk")

    jobs.job_kind("test_broken_cleanup", "Broken clean-up", cleanup=broken_cleanup)(
        lambda job, progress: 1 / 0
    )
    job = Job.objects.create(kind="test_broken_cleanup")

    jobs.execute_job(job.pk)

    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error == "ZeroDivisionError: division by zero"
    assert "Clean-up of job" in caplog.text and "could not reach the disk" in caplog.text


@pytest.mark.django_db
def test_a_lost_job_delivered_again_is_retried_once_from_scratch(tmp_path):
    marker = tmp_path / "cleanup.log"
    job = Job.objects.create(
        kind="test_slow",
        parameters={"steps": 1, "interval": 0, "cleanup_marker": str(marker)},
        state=JobState.FAILED,
        error=jobs.WORKER_LOST,
        attempts=1,
    )

    jobs.execute_job(job.pk)  # the unacknowledged task, delivered again after the stale sweep

    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and job.attempts == 2 and job.error == ""
    assert job.result == {"steps": 1} and not marker.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("stale", [True, False], ids=["still running", "failed by the sweep"])
def test_a_job_lost_twice_is_not_retried_again_and_keeps_the_reason(settings, tmp_path, stale):
    marker = tmp_path / "cleanup.log"
    long_ago = timezone.now() - settings.JOB_STALE_AFTER - timedelta(seconds=1)
    job = Job.objects.create(
        kind="test_slow",
        parameters={"steps": 1, "interval": 0, "cleanup_marker": str(marker)},
        state=JobState.RUNNING if stale else JobState.FAILED,
        error="" if stale else jobs.WORKER_LOST,
        heartbeat_at=long_ago,
        attempts=jobs.MAX_ATTEMPTS,
    )

    jobs.execute_job(job.pk)

    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error == jobs.WORKER_LOST
    assert job.attempts == jobs.MAX_ATTEMPTS and job.result == {}
    assert marker.exists() == stale  # the sweep already cleaned up the other one


@pytest.mark.django_db
def test_a_job_that_failed_for_a_reason_of_its_own_is_not_rerun_when_delivered_again():
    job = Job.objects.create(
        kind="test_slow",
        parameters={"steps": 1, "interval": 0},
        state=JobState.FAILED,
        error="ValueError: row 7, column 'enrollment': not a number",
        attempts=1,
    )

    jobs.execute_job(job.pk)

    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.attempts == 1


@pytest.mark.django_db
def test_execute_job_leaves_a_finished_job_alone():
    job = Job.objects.create(kind="state_summary", state=JobState.SUCCEEDED, result={"kept": True})

    jobs.execute_job(job.pk)

    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and job.result == {"kept": True} and job.attempts == 0


@pytest.mark.django_db
def test_fresh_running_job_is_not_taken_over_but_a_stale_one_is_rerun(settings):
    now = timezone.now()
    fresh = Job.objects.create(kind="state_summary", state=JobState.RUNNING, heartbeat_at=now)
    stale = Job.objects.create(
        kind="state_summary",
        state=JobState.RUNNING,
        heartbeat_at=now - settings.JOB_STALE_AFTER - timedelta(seconds=1),
        attempts=1,
    )

    jobs.execute_job(fresh.pk)
    jobs.execute_job(stale.pk)

    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert fresh.state == JobState.RUNNING and fresh.attempts == 0
    assert stale.state == JobState.SUCCEEDED and stale.attempts == 2
    assert stale.finished_at > stale.started_at


@pytest.mark.django_db
def test_queued_job_cancelled_before_it_starts():
    job = Job.objects.create(kind="state_summary")

    jobs.request_cancel(job=job)
    jobs.execute_job(job.pk)

    job.refresh_from_db()
    assert job.state == JobState.CANCELLED and job.started_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.LEADERSHIP, Role.LEA_COORDINATOR, Role.VENDOR_CONTACT])
def test_only_the_sea_team_starts_jobs(client, api_client, world, role):
    user = world.users[role]
    client.force_login(user)
    api_client.force_authenticate(user)

    page = client.post(reverse("job-start-state-summary"))
    api = api_client.post(reverse("api:job-list"), {"kind": "state_summary"}, format="json")

    assert page.status_code == 403 and api.status_code == 403
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_job_of_another_lea_is_not_found_for_a_coordinator(client, api_client, world):
    other = Job.objects.create(kind="state_summary", lea=world.other_lea)
    own = Job.objects.create(kind="state_summary", lea=world.own_lea)
    coordinator = world.users[Role.LEA_COORDINATOR]
    client.force_login(coordinator)
    api_client.force_authenticate(coordinator)

    assert client.get(reverse("job-detail", args=[other.pk])).status_code == 404
    assert api_client.get(reverse("api:job-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("job-detail", args=[own.pk])).status_code == 200
    assert api_client.post(reverse("api:job-cancel", args=[own.pk])).status_code == 403
    listed = api_client.get(reverse("api:job-list")).json()["results"]
    assert [row["id"] for row in listed] == [own.pk]


@pytest.mark.django_db
def test_progress_fragment_is_served_to_htmx_polls(client, world):
    job = Job.objects.create(kind="state_summary", state=JobState.RUNNING, progress=40)
    client.force_login(world.users[Role.SEA_TEAM])

    fragment = client.get(reverse("job-detail", args=[job.pk]), HTTP_HX_REQUEST="true")

    html = fragment.content.decode()
    assert '<progress id="job-progress-bar" value="40"' in html
    assert "<html" not in html and 'hx-trigger="every 1s"' in html


@pytest.mark.django_db
def test_progress_is_written_at_most_every_interval_and_still_notices_cancellation(monkeypatch):
    job = Job.objects.create(kind="test_slow", state=JobState.RUNNING)
    clock = [100.0]
    monkeypatch.setattr(jobs.time, "monotonic", lambda: clock[0])
    progress = jobs.JobProgress(job)

    progress(1, "Reading")
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    for percent in range(2, 50):
        progress(percent, "Reading")  # within the interval: neither written nor checked
    job.refresh_from_db()
    assert (job.progress, job.progress_message) == (1, "Reading")

    clock[0] += jobs.JobProgress.INTERVAL
    with pytest.raises(jobs.JobCancelled):
        progress(50, "Comparing")
    job.refresh_from_db()
    assert (job.progress, job.progress_message) == (50, "Comparing")


def test_timed_records_each_steps_seconds_even_when_it_fails(monkeypatch):
    clock = iter([10.0, 10.25, 20.0, 21.5004])
    monkeypatch.setattr(jobs, "time", SimpleNamespace(perf_counter=lambda: next(clock)))
    timings: dict[str, float] = {}

    with jobs.timed(timings, "load_seconds"):
        pass
    with pytest.raises(ValueError), jobs.timed(timings, "compare_seconds"):
        raise ValueError("bad input")

    assert timings == {"load_seconds": 0.25, "compare_seconds": 1.5}
