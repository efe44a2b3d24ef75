"""Every shipped report definition is built from its sources, passes the definition check,
compiles, and finds exactly the differences injected into small generated files."""

import importlib.util
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from parallel.definitions import DEFINITIONS_FILE, shipped_definitions
from parallel.engine.compare import show_sql
from parallel.models import AggregateDifference, Discrepancy, RunState
from parallel.services.definitions import check_definition
from parallel.services.reconcile import run_reconciliation
from tests.parallel.factories import shipped_definition
from tests.parallel.test_reconcile import _cells, found

pytestmark = pytest.mark.django_db

CODES = [d["code"] for d in shipped_definitions()]
MEMBERSHIP = "fall-membership"


def _build_definitions():
    path = Path(DEFINITIONS_FILE).with_name("build_definitions.py")
    spec = importlib.util.spec_from_file_location("build_definitions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_file_is_what_build_definitions_writes():
    assert shipped_definitions() == _build_definitions().build()
    assert {"idea-child-count-school-age", "idea-child-count-early-childhood", "enrolment",
            MEMBERSHIP} <= set(CODES)  # fmt: skip


@pytest.mark.parametrize("code", CODES)
def test_a_shipped_definition_passes_the_check_and_compiles(code):
    definition = shipped_definition(code)

    check_definition(definition)

    sql = show_sql(definition, date(2025, 10, 1))
    assert sql.startswith("CREATE OR REPLACE VIEW chosen")
    assert "CREATE OR REPLACE TABLE derived" in sql
    for name in definition.compared_fields:
        assert f'AS "{name}"' in sql


@pytest.mark.parametrize("code", CODES)
def test_a_shipped_definition_finds_exactly_the_injected_differences(make_collection, code):
    collection = make_collection(code=code, students=400, rate=0.15, seed=5)
    run = collection.new_run()

    totals = run_reconciliation(run=run)

    run.refresh_from_db()
    assert run.state == RunState.COMPLETE
    assert found(run) == collection.data.truth
    kinds = Counter(kind for kind, *_ in collection.data.truth)
    assert kinds["only_legacy"] and kinds["only_edfi"] and kinds["mismatch"]
    assert totals["legacy_records"] == len(collection.data.legacy_records)
    assert totals["edfi_records"] == len(collection.data.edfi_records)
    assert run.missing_mappings == []
    if causes := getattr(collection.data, "causes", None):
        stored = {
            (d.kind, d.lea.state_lea_id, d.student_id): d.cause
            for d in Discrepancy.objects.filter(run=run).exclude(kind="mismatch")
        }
        assert stored == causes


def test_fall_membership_compares_dates_within_the_tolerance_and_school_and_grade(
    make_collection,
):
    collection = make_collection(code=MEMBERSHIP, students=600, rate=0.2, seed=3)
    run = collection.new_run()

    run_reconciliation(run=run)

    data = collection.data
    assert found(run) == data.truth
    fields = {field for kind, _, _, field in data.truth if kind == "mismatch"}
    assert {"school_id", "grade_level", "entry_date", "exit_date", "birth_date"} <= fields
    assert set(data.causes.values()) == {"missing", "excluded", "other_lea"}
    # Dates moved within the tolerance, and blank legacy exit dates, are no difference.
    assert data.tolerated
    assert not {d.student_id for d in Discrepancy.objects.filter(run=run)} & (
        data.tolerated - {student for _, _, student, _ in data.truth}
    )
    assert any(not r["exit_date"] for r in data.legacy_records)
    stored, expected = _stored_and_counted_cells(run, data)
    assert stored == expected


def test_fall_membership_reads_a_legacy_file_without_exit_dates(make_collection):
    collection = make_collection(code=MEMBERSHIP, students=200, rate=0.2, exit_column=False)
    assert "EXIT_DATE" not in collection.data.legacy.read_text().splitlines()[0]
    run = collection.new_run()

    run_reconciliation(run=run)

    run.refresh_from_db()
    assert run.state == RunState.COMPLETE
    assert found(run) == collection.data.truth


def test_fall_membership_and_enrolment_share_one_grade_crosswalk():
    def grades(code):
        return [
            (e["edfi_code_value"], e["code"])
            for e in shipped_definition(code).crosswalk
            if e["field"] == "grade_level"
        ]

    assert grades(MEMBERSHIP) == grades("enrolment")
    codes = dict(grades(MEMBERSHIP))
    assert {codes[v] for v in ("Preschool/Prekindergarten", "Prekindergarten", "Preschool")} == {
        "PK"
    }
    assert codes["Kindergarten"] == "KG" and codes["Twelfth grade"] == "12"


def test_the_early_childhood_count_says_it_cannot_tell_kindergarten_at_age_five():
    definition = shipped_definition("idea-child-count-early-childhood")

    assert definition.population["age_codes"] == {"5": "AGE05NOTK"}
    assert "AGE05NOTK" in definition.source and "no grade level" in definition.source


def test_a_date_category_counts_both_sides_in_full(make_collection):
    """Cells come from the differing records alone unless a category is a date: two dates within
    the tolerance are no difference between the records but two different cells."""
    collection = make_collection(code=MEMBERSHIP, students=300, rate=0.15, seed=5)
    definition = collection.cycle.report_definition
    definition.category_sets = [
        *definition.category_sets,
        {"code": "ENTRY", "name": "By entry date", "fields": ["entry_date"]},
    ]
    definition.save(update_fields=["category_sets"])
    run = collection.new_run()

    run_reconciliation(run=run)

    data = collection.data
    assert data.tolerated
    stored, expected = _stored_and_counted_cells(run, data)
    assert any(key[1] == "ENTRY" for key in expected)
    assert stored == expected


def _stored_and_counted_cells(run, data) -> tuple[dict, dict]:
    """The run's stored cells, and the differing cells (and totals) counted from the generated
    records of both sides."""
    definition = run.cycle.report_definition
    legacy = _cells(data.legacy_records, definition.category_sets, definition.compared_fields)
    edfi = _cells(data.edfi_records, definition.category_sets, definition.compared_fields)
    stored = {
        (a.lea.state_lea_id, a.category_set,
         tuple((f, a.categories[f]) for f in definition.compared_fields if f in a.categories)):
        (a.legacy_count, a.edfi_count)
        for a in AggregateDifference.objects.filter(run=run).select_related("lea")
    }  # fmt: skip
    counted = {
        key: (legacy[key], edfi[key])
        for key in set(legacy) | set(edfi)
        if legacy[key] != edfi[key] or not key[2]
    }
    return stored, counted
