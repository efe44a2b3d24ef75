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

    # The values of the definition are bound; the snapshot date, a date and no text, is a
    # literal of the chosen view (a view takes no parameters).
    assert "disability" in compiled.params
    assert "'disability'" not in compiled.sql
    assert f"DATE '{collection.cycle.snapshot_date.isoformat()}'" in compiled.sql
    assert '"studentReference.studentUniqueId"' in compiled.sql
    assert quote('a"b') == '"a""b"'
    with pytest.raises(ValueError):
        quote("")


def _fall_membership(enrolment):
    """A report comparing dates (with a tolerance), school, grade and a boolean as a code."""
    from parallel.models import ReportDefinition

    columns = [
        ("LEA_ID", "lea_id"), ("STUDENT_ID", "student_id"), ("SCHOOL_ID", "school_id"),
        ("ENTRY_DATE", "entry_date"), ("GRADE_LEVEL", "grade_level"), ("REPEATER", "repeater"),
    ]  # fmt: skip
    grade = next(c for c in enrolment.columns if c["field"] == "grade_level")
    return ReportDefinition.objects.create(
        code="fall-membership-test", name="Fall membership (test)", derivation="enrolment",
        columns=[
            {"column": c, "field": f, "label": c, "category": "",
             "permitted_values": grade["permitted_values"] if f == "grade_level" else []}
            for c, f in columns
        ],
        record_key=["lea_id", "student_id"],
        compared_fields=["school_id", "entry_date", "grade_level", "repeater"],
        category_sets=[{"code": "TOT", "name": "Total", "fields": []}],
        crosswalk=[e for e in enrolment.crosswalk if e["field"] == "grade_level"],
        edfi_source={
            "record": {
                "resource": "studentSchoolAssociations",
                "student": "studentReference.studentUniqueId",
                "lea": "school.localEducationAgencyReference.localEducationAgencyId",
                "through": [{"as": "school", "resource": "schools",
                             "on": {"schoolReference.schoolId": "schoolId"}}],
                "active": {"begin": "entryDate", "end": "exitWithdrawDate"},
                "prefer": [{"path": "entryDate", "descending": True}],
            },
            "fields": {
                "school_id": {"source": "member", "path": "record.schoolReference.schoolId"},
                "entry_date": {"source": "date", "path": "record.entryDate",
                               "tolerance_days": 3},
                "grade_level": {"source": "descriptor",
                                "path": "record.entryGradeLevelDescriptor"},
                "repeater": {"source": "boolean_code", "path": "record.repeatGradeIndicator",
                             "true": "Y", "false": "N"},
            },
        },
    )  # fmt: skip


def test_a_report_defined_as_data_compares_dates_schools_grades_and_codes(world, tmp_path):
    from parallel.models import Side
    from rolloutplanner.roles import Role
    from tests.parallel.conftest import Collection
    from tests.parallel.factories import CollectionCycleFactory, shipped_definition

    definition = _fall_membership(shipped_definition("enrolment"))
    cycle = CollectionCycleFactory(report_definition=definition)
    cycle.leas.set([world.own_lea])
    lea = world.own_lea.state_lea_id
    grade = "uri://ed-fi.org/GradeLevelDescriptor#"
    schools = [{"schoolId": s, "nameOfInstitution": "S", "gradeLevels": [],
                "educationOrganizationCategories": [],
                "localEducationAgencyReference": {"localEducationAgencyId": int(lea)}}
               for s in (101, 102)]  # fmt: skip

    def ssa(student, school, entry, repeat=False):
        return {"studentReference": {"studentUniqueId": student},
                "schoolReference": {"schoolId": school}, "entryDate": entry,
                "entryGradeLevelDescriptor": grade + "Fifth grade",
                "repeatGradeIndicator": repeat}  # fmt: skip

    files = {
        "schools": schools,
        "studentSchoolAssociations": [
            ssa("S1", 101, "2025-08-20"), ssa("S2", 101, "2025-08-22"),
            ssa("S3", 101, "2025-09-10"), ssa("S4", 102, "2025-08-20", repeat=True),
            ssa("S5", 101, "2025-10-15"),  # enters after the snapshot date: excluded
        ],
    }  # fmt: skip
    legacy = tmp_path / "fall.csv"
    legacy.write_text(
        "LEA_ID,STUDENT_ID,SCHOOL_ID,ENTRY_DATE,GRADE_LEVEL,REPEATER\n"
        f"{lea},S1,101,2025-08-20,05,N\n{lea},S2,101,2025-08-20,05,N\n"
        f"{lea},S3,101,2025-08-20,05,N\n{lea},S4,101,2025-08-20,05,N\n"
        f"{lea},S5,101,2025-08-20,05,N\n"
    )
    collection = Collection(cycle=cycle, data=None, user=world.users[Role.SEA_TEAM])
    collection.upload(legacy, Side.LEGACY)
    for resource, records in files.items():
        path = tmp_path / f"{resource}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
        collection.upload(path, Side.EDFI)
    run = collection.new_run()

    run_reconciliation(run=run)

    found = {(d.kind, d.student_id, d.field, d.legacy_value, d.edfi_value, d.cause)
             for d in Discrepancy.objects.filter(run=run)}  # fmt: skip
    assert found == {
        ("mismatch", "S3", "entry_date", "2025-08-20", "2025-09-10", ""),  # beyond 3 days
        ("mismatch", "S4", "school_id", "101", "102", ""),
        ("mismatch", "S4", "repeater", "N", "Y", ""),
        ("only_legacy", "S5", "", "", "", "excluded"),
    }  # S2 is 2 days off: within the tolerance
