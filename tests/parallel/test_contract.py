"""Ed-Fi extracts are checked against the Ed-Fi API contract (types, required members, lengths,
dates) the same way record by record and column-wise."""

import json

import pyarrow as pa
import pytest

from parallel import contract
from parallel.derivations import RESOURCES
from parallel.importers import edfi_arrow
from parallel.importers.edfi_json import stage_resource, validate_resource
from parallel.staging import Staging

pytestmark = pytest.mark.django_db

SEPA = RESOURCES["studentSpecialEducationProgramAssociations"]
D = "uri://ed-fi.org/"


def sepa(**members) -> dict:
    record = {
        "studentReference": {"studentUniqueId": "S1", "link": {"rel": "Student", "href": "/s"}},
        "educationOrganizationReference": {"educationOrganizationId": 255901},
        "programReference": {
            "educationOrganizationId": 255901,
            "programName": "Special Education",
            "programTypeDescriptor": D + "ProgramTypeDescriptor#Special Education",
        },
        "beginDate": "2024-08-20",
        "specialEducationSettingDescriptor": D + "SpecialEducationSettingDescriptor#Home",
        "disabilities": [{"disabilityDescriptor": D + "DisabilityDescriptor#Autism"}],
        # Optional members the report does not read are still checked.
        "ideaEligibility": True,
        "iepBeginDate": "2024-09-01",
        "schoolHoursPerWeek": 27.5,
        "specialEducationProgramServices": [],
    }
    record.update(members)
    return record


@pytest.fixture(params=["whole file", "first record"])
def sample(request, monkeypatch):
    """The column-wise reader fits its schema to a sample of the file: all of it, or only the
    first record (so the breaching record is parsed past the sample)."""
    if request.param == "first record":
        monkeypatch.setattr(edfi_arrow, "SAMPLE_BYTES", len(json.dumps(sepa())) + 1)
        monkeypatch.setattr(edfi_arrow, "SAMPLE_SLICES", 1)


@pytest.fixture
def staging():
    staging = Staging(765432)
    yield staging
    staging.drop_all()


def stage(tmp_path, staging, records) -> tuple[bool, list[str]]:
    path = tmp_path / "sepa.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    flat, exact_lines = stage_resource(path=path, name=path.name, resource=SEPA, staging=staging)
    return exact_lines, validate_resource(flat=flat, name=path.name, resource=SEPA)


def test_a_record_keeping_the_contract_is_read_column_wise(tmp_path, staging):
    exact_lines, problems = stage(tmp_path, staging, [sepa(), sepa(beginDate="2024-08-21")])

    assert exact_lines is False and problems == []


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        ({"ideaEligibility": "yes"}, "ideaEligibility is not a boolean"),
        ({"schoolHoursPerWeek": "27"}, "schoolHoursPerWeek is not a number"),
        ({"iepBeginDate": "2024-02-31x"}, "iepBeginDate is not a date between 1900 and 2099"),
        (
            {"programReference": {"educationOrganizationId": 255901, "programName": "P" * 61,
                                  "programTypeDescriptor": D + "ProgramTypeDescriptor#X"}},
            "programReference.programName is longer than 60 characters",
        ),
        (
            {"programReference": {"educationOrganizationId": 255901, "programName": "P"}},
            "required member programReference.programTypeDescriptor is missing",
        ),
        (
            {"disabilities": [{"orderOfDisability": 1}]},
            "required member disabilities[].disabilityDescriptor is missing",
        ),
        ({"disabilities": ["Autism"]}, "disabilities[] is not an object"),
        ({"specialEducationProgramServices": {}},
         "specialEducationProgramServices is not an array"),
        ({"educationOrganizationReference": {"educationOrganizationId": True}},
         "educationOrganizationReference.educationOrganizationId is not an integer"),
    ],
)  # fmt: skip
def test_contract_breaches_are_named_with_their_line(tmp_path, staging, sample, members, reason):
    second = sepa(studentReference={"studentUniqueId": "S2"}, **members)
    exact_lines, problems = stage(tmp_path, staging, [sepa(), second])

    assert exact_lines is True  # the column-wise reader refused the file
    assert len(problems) == 1 and problems[0].startswith("sepa.jsonl line 2: "), problems
    assert reason in problems[0]


def test_both_paths_read_the_same_members():
    """The record-by-record path checks no member the column-wise reader does not parse."""
    for endpoint in contract.contract():
        spec = contract.spec_of(endpoint)
        schema = contract.arrow_schema(spec)
        assert set(schema.names) == {
            name for name, member in spec["properties"].items() if contract.arrow_type(member)
        }
        assert set(spec["required"]) <= set(schema.names)


STUDENTS = RESOURCES["students"]


def student(number: int, **members) -> dict:
    return {"studentUniqueId": f"S{number}", "birthDate": "2014-05-01", "lastSurname": "Doe",
            "firstName": "Ann", "link": {"rel": "Student"}, **members}  # fmt: skip


def write_lines(path, records) -> int:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path.stat().st_size


def test_the_fitted_schema_builds_only_the_members_the_sample_carries(tmp_path):
    path = tmp_path / "students.jsonl"
    write_lines(path, [student(1), student(2)])

    schema = edfi_arrow.fitted_options(path, STUDENTS).explicit_schema

    # Of the contract's 23 members, the four the records carry; "link" is not in the contract.
    assert set(schema.names) == {"studentUniqueId", "birthDate", "lastSurname", "firstName", "link"}
    assert len(edfi_arrow.schema_of(STUDENTS)) > 20


def test_records_past_the_sample_are_read_as_the_full_schema_reads_them(tmp_path, monkeypatch):
    path = tmp_path / "students.jsonl"
    first = student(1)
    later = [student(2, middleName="Lee", birthCity="Ames"), student(3, link={"rel": 7, "x": 1})]
    size = write_lines(path, [first, *later])
    monkeypatch.setattr(edfi_arrow, "SAMPLE_BYTES", len(json.dumps(first)) + 1)
    monkeypatch.setattr(edfi_arrow, "SAMPLE_SLICES", 1)
    fitted = edfi_arrow.fitted_options(path, STUDENTS)
    assert "middleName" not in fitted.explicit_schema.names

    by_fitted = list(edfi_arrow.flat_chunk(path, STUDENTS, 0, size, fitted))
    by_contract = list(edfi_arrow.flat_chunk(path, STUDENTS, 0, size, None))

    assert by_fitted == by_contract
    assert by_fitted[0].column("student_id").to_pylist() == ["S1", "S2", "S3"]


def test_a_breach_past_the_sample_in_a_member_it_lacks_is_still_refused(tmp_path, monkeypatch):
    path = tmp_path / "students.jsonl"
    size = write_lines(path, [student(1), student(2, birthCity=12)])
    monkeypatch.setattr(edfi_arrow, "SAMPLE_BYTES", len(json.dumps(student(1))) + 1)
    monkeypatch.setattr(edfi_arrow, "SAMPLE_SLICES", 1)
    fitted = edfi_arrow.fitted_options(path, STUDENTS)

    with pytest.raises(pa.ArrowInvalid, match="birthCity"):
        list(edfi_arrow.flat_chunk(path, STUDENTS, 0, size, fitted))


def test_the_sample_is_taken_from_all_over_the_file(tmp_path, monkeypatch):
    """A statewide file, LEA after LEA: only the later LEAs' system writes middleName."""
    path = tmp_path / "students.jsonl"
    first_half = [student(n) for n in range(100)]
    write_lines(path, first_half + [student(n, middleName="Lee") for n in range(100, 200)])
    monkeypatch.setattr(edfi_arrow, "SAMPLE_BYTES", path.stat().st_size // 10)
    monkeypatch.setattr(edfi_arrow, "SAMPLE_SLICES", 4)

    schema = edfi_arrow.fitted_options(path, STUDENTS).explicit_schema

    assert "middleName" in schema.names
    # The sample's start alone would not have shown it.
    first_half_bytes = len("".join(json.dumps(r) + "\n" for r in first_half))
    assert first_half_bytes > edfi_arrow.SAMPLE_BYTES
