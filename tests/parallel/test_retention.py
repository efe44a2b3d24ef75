"""Retention: uploads and student-level rows go; aggregates, triage and the purge log stay."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from parallel.models import (
    AggregateDifference,
    Discrepancy,
    DiscrepancyGroup,
    LEARunSummary,
    PurgeLog,
    SubmissionFile,
)
from parallel.services.reconcile import run_reconciliation
from parallel.services.retention import purge_student_data
from parallel.staging import InputError
from parallel.tasks import purge_parallel_student_data

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


def test_purge_removes_what_a_dead_worker_left_but_not_a_running_runs(make_collection, settings,
                                                                      tmp_path):  # fmt: skip
    from django.db import connection

    from parallel.columnar.partitions import Spill
    from parallel.models import RunState
    from parallel.staging import Staging

    settings.PARALLEL_SPILL_DIR = tmp_path / "spill"
    collection = make_collection(students=5, rate=0)
    died, running = collection.new_run(), collection.new_run()
    running.state = RunState.RUNNING
    running.save()
    for run in (died, running):
        spill = Spill.for_run(run.pk, 2)
        spill.write("students", _students())
        spill.finish_writing()
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE UNLOGGED TABLE "{Staging(run.pk).table("legacy")}" (x int)')

    purge_student_data()

    assert Spill.runs_with_folders() == {running.pk}
    assert Staging.runs_with_tables() == {running.pk}
    Staging(running.pk).drop_all()


def _students():
    import pyarrow as pa

    return pa.table({"student_id": ["S1", "S2", "S3"]})
