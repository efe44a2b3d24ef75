"""Retention: uploads and student-level rows go; aggregates, triage and the purge log stay."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from parallel.engine.workdir import RunFolder
from parallel.errors import InputError
from parallel.models import (
    AggregateDifference,
    Discrepancy,
    DiscrepancyGroup,
    LEARunSummary,
    PurgeLog,
    ReconciliationRun,
    RunState,
    SubmissionFile,
)
from parallel.services.reconcile import run_reconciliation
from parallel.services.retention import RUN_ABANDONED, purge_student_data
from parallel.services.runs import JOB_KIND, end_unfinished_run
from parallel.tasks import purge_parallel_student_data
from rolloutplanner.models import Job, JobState

pytestmark = pytest.mark.django_db


def test_purge_after_the_retention_period(make_collection, settings):
    settings.DATA_RETENTION_DAYS = 30
    collection = make_collection(students=100, rate=0.2)
    run = collection.new_run()
    run_reconciliation(run=run)
    paths = [Path(f.file.path) for f in SubmissionFile.objects.all()]
    groups = DiscrepancyGroup.objects.filter(run=run).count()
    aggregates = AggregateDifference.objects.filter(run=run).count()

    nothing = purge_student_data(now=timezone.now() + timedelta(days=29))
    log = purge_student_data(now=timezone.now() + timedelta(days=31))

    assert nothing.files_purged == 0 and nothing.discrepancies_deleted == 0
    assert log.files_purged == 4 and log.runs_purged == 1 and log.discrepancies_deleted > 0
    assert not any(path.exists() for path in paths)
    assert not Discrepancy.objects.filter(run=run).exists()
    assert DiscrepancyGroup.objects.filter(run=run).count() == groups
    assert AggregateDifference.objects.filter(run=run).count() == aggregates
    assert LEARunSummary.objects.filter(run=run).exists()
    assert PurgeLog.objects.count() == 2
    purged = SubmissionFile.objects.first()
    assert purged.history.first().history_change_reason == "purged after the retention period"
    rerun = collection.new_run()
    with pytest.raises(InputError, match="purged after the retention period"):
        rerun.files.set(SubmissionFile.objects.all())
        run_reconciliation(run=rerun)


def test_beat_task_purges_with_the_configured_period(make_collection, settings):
    settings.DATA_RETENTION_DAYS = 0
    make_collection(students=5, rate=0)

    log = PurgeLog.objects.get(pk=purge_parallel_student_data())

    assert log.files_purged == 4
    assert "parallel-purge-student-data" in settings.CELERY_BEAT_SCHEDULE


def test_purge_removes_orphaned_student_work_but_never_a_live_runs(make_collection, settings,
                                                                      tmp_path):  # fmt: skip
    settings.PARALLEL_SPILL_DIR = tmp_path / "spill"
    collection = make_collection(students=5, rate=0)
    now = timezone.now()
    stale = now - settings.JOB_STALE_AFTER - timedelta(seconds=1)
    live = _run(collection, RunState.RUNNING, JobState.RUNNING, heartbeat_at=now)
    job_stale = _run(collection, RunState.RUNNING, JobState.RUNNING, heartbeat_at=stale)
    job_failed = _run(collection, RunState.RUNNING, JobState.FAILED, heartbeat_at=now)
    job_missing = _run(collection, RunState.RUNNING, None)
    complete = _run(collection, RunState.COMPLETE, JobState.SUCCEEDED, heartbeat_at=now)
    deleted_run_id = complete.pk + 1000
    for run_id in (live.pk, job_stale.pk, job_failed.pk, job_missing.pk, complete.pk,
                   deleted_run_id):  # fmt: skip
        _leave_student_work(run_id)

    purge_student_data()

    assert RunFolder.runs_with_folders() == {live.pk}
    live.refresh_from_db()
    assert live.state == RunState.RUNNING and live.errors == []
    for run in (job_stale, job_failed, job_missing):
        run.refresh_from_db()
        assert run.state == RunState.FAILED and run.errors == [RUN_ABANDONED]
    complete.refresh_from_db()
    assert complete.state == RunState.COMPLETE and complete.errors == []
    RunFolder.of_run(live.pk).remove()


def test_a_failed_runs_input_problems_are_kept_when_its_work_is_removed(make_collection, settings,
                                                                         tmp_path):  # fmt: skip
    settings.PARALLEL_SPILL_DIR = tmp_path / "spill"
    collection = make_collection(students=5, rate=0)
    run = _run(collection, RunState.FAILED, JobState.FAILED, heartbeat_at=timezone.now())
    run.errors = ["legacy.csv row 3: 'BOGUS' is not a permitted value"]
    run.save()
    _leave_student_work(run.pk)

    end_unfinished_run(run_id=run.pk, reason="ValueError: something else")

    run.refresh_from_db()
    assert run.errors == ["legacy.csv row 3: 'BOGUS' is not a permitted value"]
    assert run.pk not in RunFolder.runs_with_folders()


def _run(collection, state: str, job_state: str | None, **job_fields) -> ReconciliationRun:
    run = collection.new_run()
    run.state = state
    if job_state:
        run.job = Job.objects.create(kind=JOB_KIND, state=job_state, **job_fields)
    run.save()
    return run


def _leave_student_work(run_id: int) -> None:
    """A run folder with a DuckDB database of student rows, as a worker killed mid-run leaves."""
    import duckdb

    folder = RunFolder.of_run(run_id).create()
    with duckdb.connect(str(folder / "run.duckdb")) as con:
        con.execute("CREATE TABLE legacy AS SELECT 'S' || range AS student_id FROM range(3)")
