"""The reconciliation runs as a job in a real Celery worker process."""

import pytest
from django.urls import reverse

from parallel.models import Discrepancy, ReconciliationRun, RunState
from rolloutplanner.jobs import request_cancel
from rolloutplanner.models import JobState
from rolloutplanner.roles import Role
from tests.support.celery_worker import wait_for


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
