"""The ``has_program`` field source: whether the student has an association with a program of
one type active on the snapshot date, in the record's LEA (at the LEA itself or at one of its
schools), as the report's yes/no code; a mismatch shows the associations it was decided from."""

import copy
import json

import pytest

from parallel.engine import vocabulary
from parallel.models import Discrepancy, ReportDefinition, RunState, Side
from parallel.services.reconcile import run_reconciliation
from rolloutplanner.roles import Role
from tests.parallel.conftest import Collection
from tests.parallel.factories import CollectionCycleFactory, shipped_definition

pytestmark = pytest.mark.django_db

PROGRAM_TYPE = "uri://ed-fi.org/ProgramTypeDescriptor#"
GRADE = "uri://ed-fi.org/GradeLevelDescriptor#Fifth grade"
IDEA = {
    "source": "has_program",
    "resource": "studentSpecialEducationProgramAssociations",
    "program_path": "programReference.programTypeDescriptor",
    "program": "Special Education",
    "begin": "beginDate",
    "end": "endDate",
    "yes": "Y",
    "no": "N",
}


def _membership_with_idea(field: dict | None = None) -> ReportDefinition:
    """Enrolment on the snapshot date with one compared field: served under IDEA (Y/N)."""
    enrolment = shipped_definition("enrolment")
    source = copy.deepcopy(enrolment.edfi_source)
    source.pop("joins")
    source["fields"] = {"idea": field or IDEA}
    return ReportDefinition.objects.create(
        code="membership-idea-test", name="Membership with IDEA (test)", derivation="enrolment",
        columns=[
            {"column": "LEA_ID", "field": "lea_id", "label": "LEA", "category": "",
             "permitted_values": []},
            {"column": "STUDENT_ID", "field": "student_id", "label": "Student", "category": "",
             "permitted_values": []},
            {"column": "IDEA", "field": "idea", "label": "Served under IDEA",
             "category": "IDEAIND", "permitted_values": ["Y", "N"]},
        ],
        record_key=["lea_id", "student_id"],
        compared_fields=["idea"],
        category_sets=[{"code": "IDEA", "name": "By IDEA", "fields": ["idea"]}],
        crosswalk=[],
        edfi_source=source,
    )  # fmt: skip


def _school(school_id: int, lea: str) -> dict:
    return {"schoolId": school_id, "nameOfInstitution": f"School {school_id}",
            "gradeLevels": [], "educationOrganizationCategories": [],
            "localEducationAgencyReference": {"localEducationAgencyId": int(lea)}}  # fmt: skip


def _enrolled(student: str, school: int) -> dict:
    return {"studentReference": {"studentUniqueId": student},
            "schoolReference": {"schoolId": school}, "entryDate": "2025-08-20",
            "entryGradeLevelDescriptor": GRADE}  # fmt: skip


def _program(student: str, at: int, begin: str, end: str | None = None, *,
             kind: str = "Special Education", name: str = "IDEA Part B") -> dict:  # fmt: skip
    record = {"studentReference": {"studentUniqueId": student},
              "educationOrganizationReference": {"educationOrganizationId": at},
              "programReference": {"educationOrganizationId": at, "programName": name,
                                   "programTypeDescriptor": PROGRAM_TYPE + kind},
              "beginDate": begin}  # fmt: skip
    if end:
        record["endDate"] = end
    return record


def _reconcile(world, tmp_path, definition, *, legacy: dict, files: dict):
    cycle = CollectionCycleFactory(report_definition=definition)
    cycle.leas.set([world.own_lea, world.other_lea])
    lea = world.own_lea.state_lea_id
    path = tmp_path / "membership.csv"
    path.write_text(
        "LEA_ID,STUDENT_ID,IDEA\n" + "".join(f"{lea},{s},{c}\n" for s, c in legacy.items())
    )
    collection = Collection(cycle=cycle, data=None, user=world.users[Role.SEA_TEAM])
    collection.upload(path, Side.LEGACY)
    for resource, records in files.items():
        extract = tmp_path / f"{resource}.jsonl"
        extract.write_text("".join(json.dumps(r) + "\n" for r in records))
        collection.upload(extract, Side.EDFI)
    run = collection.new_run()
    run_reconciliation(run=run)
    run.refresh_from_db()
    return run


def test_an_active_association_of_the_program_is_the_yes_code(world, tmp_path):
    lea, other = int(world.own_lea.state_lea_id), int(world.other_lea.state_lea_id)
    students = {
        "S1": [_program("S1", lea, "2025-08-20")],  # active at the LEA
        "S2": [_program("S2", lea, "2024-08-20", "2025-06-30")],  # ended before the snapshot
        "S3": [_program("S3", lea, "2025-08-20", kind="Gifted and Talented", name="GT")],
        "S4": [_program("S4", 101, "2025-09-02")],  # active, recorded at one of its schools
        "S5": [],  # no association at all
        "S6": [_program("S6", lea, "2025-08-20", "2026-06-30")],  # active, legacy says no
        "S7": [_program("S7", lea, "2024-08-20", "2025-06-30")],  # ended, legacy says yes
        "S8": [_program("S8", other, "2025-08-20")],  # active, but in another LEA
        "S9": [_program("S9", lea, "2025-10-02")],  # begins after the snapshot date
    }
    legacy = {"S1": "Y", "S2": "N", "S3": "N", "S4": "Y", "S5": "Y", "S6": "N", "S7": "Y",
              "S8": "N", "S9": "N"}  # fmt: skip
    files = {
        "schools": [
            _school(101, world.own_lea.state_lea_id),
            _school(201, world.other_lea.state_lea_id),
        ],  # fmt: skip
        "studentSchoolAssociations": [_enrolled(s, 101) for s in students],
        "studentSpecialEducationProgramAssociations": [
            a for found in students.values() for a in found
        ],
    }

    run = _reconcile(world, tmp_path, _membership_with_idea(), legacy=legacy, files=files)

    assert run.state == RunState.COMPLETE, run.errors
    found = {(d.kind, d.student_id, d.field, d.legacy_value, d.edfi_value, d.edfi_raw)
             for d in Discrepancy.objects.filter(run=run)}  # fmt: skip
    assert found == {
        ("mismatch", "S5", "idea", "Y", "N", "no association in this LEA"),
        ("mismatch", "S6", "idea", "N", "Y",
         f"educationOrganizationId {lea}, beginDate 2025-08-20, endDate 2026-06-30"),
        ("mismatch", "S7", "idea", "Y", "N",
         f"educationOrganizationId {lea}, beginDate 2024-08-20, endDate 2025-06-30"),
    }  # fmt: skip
    assert run.totals["field_mismatches"] == 3
    assert run.totals["matched_records"] == 6


def test_an_association_without_an_end_path_counts_from_its_begin_date(world, tmp_path):
    lea = int(world.own_lea.state_lea_id)
    field = {k: v for k, v in IDEA.items() if k != "end"}
    files = {
        "schools": [_school(101, world.own_lea.state_lea_id)],
        "studentSchoolAssociations": [_enrolled("S1", 101), _enrolled("S2", 101)],
        "studentSpecialEducationProgramAssociations": [
            _program("S1", lea, "2025-08-20"), _program("S2", lea, "2025-10-02"),
        ],
    }  # fmt: skip

    run = _reconcile(world, tmp_path, _membership_with_idea(field),
                     legacy={"S1": "Y", "S2": "Y"}, files=files)  # fmt: skip

    assert run.state == RunState.COMPLETE, run.errors
    (row,) = Discrepancy.objects.filter(run=run)
    assert (row.student_id, row.legacy_value, row.edfi_value, row.edfi_raw) == (
        "S2", "Y", "N", f"educationOrganizationId {lea}, beginDate 2025-10-02",
    )  # fmt: skip


def test_an_association_recorded_anywhere_counts_when_the_definition_says_so(world, tmp_path):
    lea, sea = int(world.own_lea.state_lea_id), 9900
    files = {
        "schools": [_school(101, world.own_lea.state_lea_id)],
        "studentSchoolAssociations": [_enrolled("S1", 101), _enrolled("S2", 101)],
        "studentSpecialEducationProgramAssociations": [
            _program("S1", sea, "2025-08-20"), _program("S2", lea, "2024-08-20", "2025-06-30"),
        ],
    }  # fmt: skip

    run = _reconcile(world, tmp_path, _membership_with_idea({**IDEA, "at": "any"}),
                     legacy={"S1": "Y", "S2": "Y"}, files=files)  # fmt: skip

    assert run.state == RunState.COMPLETE, run.errors
    (row,) = Discrepancy.objects.filter(run=run)
    assert (row.student_id, row.edfi_value) == ("S2", "N")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda f: f.pop("program"), "idea: has_program needs \"program\" (the program type or "
         "name its associations must have)."),
        (lambda f: f.update(resource="students"), "idea: has_program reads a program "
         "association resource, not 'students'."),
        (lambda f: f.update(program_path="programReference.programColour"),
         "studentSpecialEducationProgramAssociations has no member "
         "'programReference.programColour'."),
        (lambda f: f.update(at="school"), "idea: has_program \"at\" is \"lea\" (the record's LEA "
         "or one of its schools) or \"any\", not 'school'."),
        (lambda f: f.update(no="Y"), "idea: has_program needs different \"yes\" and \"no\" "
         "codes."),
    ],
)  # fmt: skip
def test_a_has_program_source_is_checked_before_it_runs(change, problem):
    field = copy.deepcopy(IDEA)
    change(field)
    source = copy.deepcopy(shipped_definition("enrolment").edfi_source)
    source["fields"] = {"idea": field}

    assert problem in vocabulary.validate(source, ["idea"])


def test_the_default_reads_the_schools_to_place_an_association(world):
    source = copy.deepcopy(shipped_definition().edfi_source)
    source["fields"]["idea"] = IDEA

    assert "schools" in vocabulary.required_resources(source)
    source["fields"]["idea"] = {**IDEA, "at": "any"}
    assert "schools" not in vocabulary.required_resources(source)
