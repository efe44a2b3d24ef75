"""Ed-Fi extracts are checked against the Ed-Fi API contract (types, required members, lengths,
dates) the same way record by record and column-wise."""

import json

import pytest

from parallel import contract
from parallel.derivations import RESOURCES
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
def test_contract_breaches_are_named_with_their_line(tmp_path, staging, members, reason):
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
