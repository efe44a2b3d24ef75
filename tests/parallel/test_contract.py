"""Ed-Fi extracts are checked against the Ed-Fi API contract (types, required members, lengths,
dates) by the engine, each problem named with its line."""

import json

import duckdb
import pytest

from parallel.engine import edfi

SEPA = "studentSpecialEducationProgramAssociations"
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


def stage(tmp_path, records) -> list[str]:
    path = tmp_path / "sepa.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    with duckdb.connect() as con:
        loaded = edfi.load(con, path=path, name=path.name, endpoint=SEPA, paths=[])
        return edfi.problems(con, {SEPA: loaded}, {})


def test_a_record_keeping_the_contract_has_no_problem(tmp_path):
    assert stage(tmp_path, [sepa(), sepa(beginDate="2024-08-21")]) == []


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
def test_contract_breaches_are_named_with_their_line(tmp_path, members, reason):
    second = sepa(studentReference={"studentUniqueId": "S2"}, **members)
    problems = stage(tmp_path, [sepa(), second])

    assert len(problems) == 1 and problems[0].startswith("sepa.jsonl line 2: "), problems
    assert reason in problems[0]
