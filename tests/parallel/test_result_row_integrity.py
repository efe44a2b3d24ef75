"""A run's cells and student rows carry no per-row database constraint (see the note on result
rows in parallel/models.py): what keeps their references sound is tested here."""

import pytest
from django.db import connection

from parallel.models import AggregateDifference, Discrepancy, LEARunSummary
from parallel.services.reconcile import run_reconciliation

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed_run(make_collection):
    collection = make_collection(students=300, rate=0.2, seed=11)
    run = collection.new_run()
    run_reconciliation(run=run)
    assert Discrepancy.objects.filter(run=run).exists()
    assert AggregateDifference.objects.filter(run=run).exists()
    return run


def _lea_ids(model, run) -> set[int]:
    return set(model.objects.filter(run=run).values_list("lea_id", flat=True))


def test_every_lea_with_result_rows_has_a_summary_whose_constraints_guard_them(completed_run):
    summaries = _lea_ids(LEARunSummary, completed_run)
    assert _lea_ids(AggregateDifference, completed_run) <= summaries
    assert _lea_ids(Discrepancy, completed_run) <= summaries
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname FROM pg_constraint c JOIN pg_attribute a "
            "ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) "
            "WHERE c.contype = 'f' AND c.conrelid = %s::regclass",
            [LEARunSummary._meta.db_table],
        )
        guarded = {row[0] for row in cursor.fetchall()}
    assert {"run_id", "lea_id"} <= guarded


def _orphans(model) -> int:
    with connection.cursor() as cursor:
        table = model._meta.db_table
        cursor.execute(
            f"SELECT count(*) FROM {table} t WHERE NOT EXISTS "
            "(SELECT 1 FROM leas_lea l WHERE l.id = t.lea_id) OR NOT EXISTS "
            f"(SELECT 1 FROM parallel_reconciliationrun r WHERE r.id = t.run_id)"
        )
        return cursor.fetchone()[0]


def test_deleting_an_lea_deletes_its_cells_and_student_rows(completed_run):
    lea_id = next(iter(_lea_ids(Discrepancy, completed_run)))
    from leas.models import LEA

    LEA.objects.get(pk=lea_id).delete()

    assert not AggregateDifference.objects.filter(lea_id=lea_id).exists()
    assert not Discrepancy.objects.filter(lea_id=lea_id).exists()
    assert _orphans(AggregateDifference) == 0
    assert _orphans(Discrepancy) == 0


def test_deleting_a_run_deletes_its_cells_and_student_rows(completed_run):
    run_id = completed_run.pk

    completed_run.delete()

    assert not AggregateDifference.objects.filter(run_id=run_id).exists()
    assert not Discrepancy.objects.filter(run_id=run_id).exists()
    assert _orphans(AggregateDifference) == 0
    assert _orphans(Discrepancy) == 0
