"""Every difference explained: missing vs present-but-excluded (with the Ed-Fi values), the raw
Ed-Fi value and crosswalk entry of a mismatch, data-quality warnings, ignored legacy columns,
and definitions checked before they run."""

import json

import pytest

from parallel.errors import InputError
from parallel.models import DifferenceCause, Discrepancy, LEARunSummary, RunState
from parallel.services.reconcile import run_reconciliation

pytestmark = pytest.mark.django_db


def _edit(path, student: str, change) -> None:
    """Apply ``change`` to the JSON record(s) of ``student`` (None drops the line)."""
    lines = []
    for line in path.read_text().splitlines():
        record = json.loads(line)
        owner = record.get("studentUniqueId") or record["studentReference"]["studentUniqueId"]
        if owner == student:
            record = change(record)
        if record is not None:
            lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n")


def _students(collection) -> list[dict]:
    return collection.data.legacy_records


def test_only_in_legacy_says_missing_or_excluded_with_the_ed_fi_values(make_collection):
    collection = make_collection(students=40, rate=0, upload=False)
    first, second, third, fourth = (r["student_id"] for r in _students(collection)[:4])
    data = collection.data
    _edit(data.sepa, first, lambda r: {**r, "endDate": "2025-06-30"})
    _edit(data.students, second, lambda r: {**r, "birthDate": "2030-01-01"})
    _edit(data.sepa, third, lambda r: None)
    _edit(data.sepa, fourth, lambda r: {**r, "endDate": "2024-01-01"})
    collection.upload_all()
    run = collection.new_run()

    run_reconciliation(run=run)

    rows = {d.student_id: d for d in Discrepancy.objects.filter(run=run, kind="only_legacy")}
    assert set(rows) == {first, second, third, fourth}
    assert rows[first].cause == DifferenceCause.EXCLUDED
    assert rows[first].explanation == (
        "Present in Ed-Fi but not active on the snapshot date: beginDate 2024-08-20, "
        "endDate 2025-06-30"
    )
    assert rows[second].cause == DifferenceCause.EXCLUDED
    assert rows[second].explanation.startswith(
        "Present in Ed-Fi but age outside the report's range on the snapshot date: "
        "birthDate 2030-01-01 (age "
    )
    assert rows[third].cause == DifferenceCause.MISSING
    assert rows[third].explanation == "No Ed-Fi record of the student in this LEA"
    run.refresh_from_db()
    warnings = {w["code"]: w for w in run.warnings}
    assert warnings["birth_after_snapshot"]["count"] == 1
    assert warnings["birth_after_snapshot"]["examples"] == [second]
    assert warnings["end_before_begin"]["examples"] == [fourth]
    assert run.totals["only_in_legacy_excluded"] == 3
    lea = rows[first].lea
    summary = LEARunSummary.objects.get(run=run, lea=lea)
    assert summary.only_in_legacy_excluded == sum(
        1 for d in rows.values() if d.lea == lea and d.cause != DifferenceCause.MISSING
    )


def test_a_mismatch_keeps_the_raw_value_and_the_crosswalk_entry(make_collection):
    collection = make_collection(students=30, rate=0, upload=False)
    record = next(r for r in _students(collection) if r["sex"] == "F")
    student = record["student_id"]
    _edit(
        collection.data.seoa,
        student,
        lambda r: {**r, "sexDescriptor": "uri://ed-fi.org/SexDescriptor#Male"},
    )
    collection.upload_all()
    run = collection.new_run()

    run_reconciliation(run=run)

    (row,) = Discrepancy.objects.filter(run=run, kind="mismatch")
    assert (row.student_id, row.field, row.legacy_value, row.edfi_value, row.edfi_raw) == (
        student, "sex", "F", "M", "Male",
    )  # fmt: skip
    number = int(row.mapping_entry.removeprefix("crosswalk:"))
    entry = collection.cycle.report_definition.crosswalk[number - 1]
    assert (entry["field"], entry["edfi_code_value"], entry["code"]) == ("sex", "Male", "M")


def test_a_student_in_two_leas_is_a_warning_and_the_other_lea_is_named(make_collection, world):
    collection = make_collection(students=30, rate=0, upload=False)
    record = next(r for r in _students(collection) if r["lea_id"] == world.own_lea.state_lea_id)
    student, other = record["student_id"], world.other_lea.state_lea_id
    data = collection.data
    for path in (data.sepa, data.seoa):
        lines = path.read_text().splitlines()
        for line in lines:
            copy = json.loads(line)
            if copy["studentReference"]["studentUniqueId"] == student:
                copy["educationOrganizationReference"]["educationOrganizationId"] = int(other)
                if "programReference" in copy:
                    copy["programReference"]["educationOrganizationId"] = int(other)
                lines.append(json.dumps(copy))
                break
        path.write_text("\n".join(lines) + "\n")
    collection.upload_all()
    run = collection.new_run()

    run_reconciliation(run=run)

    (row,) = Discrepancy.objects.filter(run=run)
    assert (row.kind, row.lea, row.student_id) == ("only_edfi", world.other_lea, student)
    assert row.cause == DifferenceCause.OTHER_LEA
    assert row.explanation == f"The legacy file reports the student in LEA {record['lea_id']}"
    run.refresh_from_db()
    (warning,) = run.warnings
    assert (warning["code"], warning["count"]) == ("several_leas", 1)
    assert warning["examples"] == [student]


def test_legacy_columns_outside_the_layout_are_ignored_and_listed(make_collection):
    collection = make_collection(students=20, rate=0.2, upload=False)
    lines = collection.data.legacy.read_text().splitlines()
    lines = [lines[0] + ",NOTES"] + [line + ",free text" for line in lines[1:]]
    collection.data.legacy.write_text("\n".join(lines) + "\n")
    collection.upload_all()
    run = collection.new_run()

    run_reconciliation(run=run)

    run.refresh_from_db()
    assert run.state == RunState.COMPLETE
    assert run.messages == ["legacy.csv: column(s) not in the layout, ignored: NOTES."]
    found = {(d.kind, d.lea.state_lea_id, d.student_id, d.field)
             for d in Discrepancy.objects.filter(run=run).select_related("lea")}  # fmt: skip
    assert found == collection.data.truth


def test_an_optional_layout_column_may_be_absent(make_collection):
    from parallel.importers.legacy_csv import check_header

    collection = make_collection(students=5, rate=0, upload=False)
    definition = collection.cycle.report_definition
    header = [c["column"] for c in definition.columns if c["field"] != "english_learner"]
    with pytest.raises(InputError, match="missing column"):
        check_header(header, definition, name="a.csv")
    for column in definition.columns:
        column["optional"] = column["field"] == "english_learner"

    assert check_header(header, definition, name="a.csv") == [
        c["field"] for c in definition.columns if c["field"] != "english_learner"
    ]


def test_a_definition_naming_an_unknown_member_fails_before_reading(make_collection):
    collection = make_collection(students=5, rate=0)
    definition = collection.cycle.report_definition
    definition.edfi_source["fields"]["sex"] = {"source": "descriptor", "path": "edorg.sexDescr"}
    definition.save()
    run = collection.new_run()

    with pytest.raises(InputError) as caught:
        run_reconciliation(run=run)

    assert caught.value.problems == [
        f"Report definition {definition.code}: studentEducationOrganizationAssociations has no "
        "member 'sexDescr'."
    ]


def test_the_generated_sql_binds_values_and_quotes_names(make_collection):
    from parallel.engine.compare import derive_sql
    from parallel.engine.sql import quote

    collection = make_collection(students=5, rate=0, upload=False)
    definition = collection.cycle.report_definition
    compiled = derive_sql(definition, collection.cycle.snapshot_date)

    assert collection.cycle.snapshot_date in compiled.params
    assert '"studentReference.studentUniqueId"' in compiled.sql
    assert quote('a"b') == '"a""b"'
    with pytest.raises(ValueError):
        quote("")
