"""Ed-Fi records flattened while streamed give the values PostgreSQL's ``->>`` would give."""

import json

import pytest
from django.db import connection

from parallel.derivations import RESOURCES
from parallel.importers import edfi_arrow
from parallel.importers.edfi_json import stage_resource, validate_resource
from parallel.staging import InputError, Staging

pytestmark = pytest.mark.django_db

SEOA = RESOURCES["studentEducationOrganizationAssociations"]
SEPA = RESOURCES["studentSpecialEducationProgramAssociations"]


def seoa(student: str, **members) -> dict:
    record = {
        "studentReference": {"studentUniqueId": student},
        "educationOrganizationReference": {"educationOrganizationId": 255901},
        "sexDescriptor": "uri://ed-fi.org/SexDescriptor#Female",
        "hispanicLatinoEthnicity": False,
        "races": [{"raceDescriptor": "uri://ed-fi.org/RaceDescriptor#White"}],
    }
    record.update(members)
    return record


@pytest.fixture
def staging():
    staging = Staging(987654)
    yield staging
    staging.drop_all()


def staged(path, resource, staging) -> dict[int, dict]:
    """Rows by line number, staged record by record (the path that numbers lines)."""
    flat, _ = stage_resource(
        path=path, name=path.name, resource=resource, staging=staging, exact=True
    )
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{flat}" ORDER BY line_no')
        names = [column.name for column in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def test_scalars_references_and_arrays_as_postgresql_gives_them(tmp_path, staging):
    path = tmp_path / "seoa.jsonl"
    lines = [
        json.dumps(seoa("A", races=[{"raceDescriptor": "uri://x/RaceDescriptor#Asian"}, {}])),
        "",
        json.dumps(seoa("B", hispanicLatinoEthnicity=True, races=None)),
        json.dumps(seoa("C", educationOrganizationReference="255901", races="White")),
        json.dumps([1, 2]),
    ]
    path.write_text("\n".join(lines) + "\n")
    rows = staged(path, SEOA, staging)
    assert sorted(rows) == [1, 3, 4, 5]  # the blank line is skipped but counted
    assert rows[1]["edorg_id"] == "255901" and rows[1]["hispanic"] == "false"
    assert rows[1]["race_count"] == 2
    assert rows[1]["race"] == "Asian"  # descriptors are staged as their code value
    assert rows[3]["hispanic"] == "true" and rows[3]["race_count"] == 0
    assert rows[3]["race"] is None
    assert rows[4]["edorg_id"] is None  # a reference that is not an object
    assert rows[4]["race_count"] is None  # races that are not an array
    assert rows[5]["is_object"] is False and rows[5]["student_id"] is None
    assert all(rows[n]["problems"] == 0 for n in (1, 3))
    problems = validate_resource(flat=staging.table("seoa"), name="seoa.jsonl", resource=SEOA)
    # Checked against the Ed-Fi API contract too: member types, required members of items.
    assert problems[:2] == [
        "seoa.jsonl line 1: required member races[].raceDescriptor is missing.",
        "seoa.jsonl line 4: required member educationOrganizationReference.educationOrganizationId"
        " is missing; educationOrganizationReference is not an object; races is not an array.",
    ]
    assert any(
        p.startswith("seoa.jsonl line 5: not a JSON object; required member") for p in problems
    ), problems


def test_text_needing_escapes_arrives_verbatim(tmp_path, staging):
    value = 'A\\B\tC\nD\r"E" é'
    path = tmp_path / "seoa.jsonl"
    uri = f"uri://ed-fi.org/SexDescriptor#{value}"
    path.write_text(json.dumps(seoa("S1", sexDescriptor=uri)) + "\n")
    rows = staged(path, SEOA, staging)
    assert rows[1]["sex"] == value


def test_nul_characters_are_refused_with_the_line(tmp_path, staging):
    path = tmp_path / "seoa.jsonl"
    path.write_text(json.dumps(seoa("S1")) + "\n" + json.dumps(seoa("S\u0000")) + "\n")
    with pytest.raises(InputError) as caught:
        staged(path, SEOA, staging)
    assert caught.value.problems[0].startswith("seoa.jsonl line 2: invalid JSON")


@pytest.mark.parametrize(
    "members",
    [
        {"studentReference": {"studentUniqueId": "S\u0000"}},
        {"sexDescriptor": "uri://ed-fi.org/SexDescriptor#Fe\u0000male"},  # a descriptor code
    ],
)
def test_the_column_wise_reader_refuses_nul_characters_in_any_value(tmp_path, members):
    path = tmp_path / "seoa.jsonl"
    path.write_text(json.dumps(seoa("S1")) + "\n" + json.dumps(seoa("S2", **members)) + "\n")
    size = path.stat().st_size
    fitted = edfi_arrow.fitted_options(path, SEOA)

    for options in (fitted, None):
        with pytest.raises(edfi_arrow.NotClean):
            list(edfi_arrow.flat_chunk(path, SEOA, 0, size, options))


def test_primary_disability_follows_order_of_disability_as_text_then_descriptor(tmp_path, staging):
    def sepa(student, disabilities, **members):
        record = {
            "studentReference": {"studentUniqueId": student},
            "educationOrganizationReference": {"educationOrganizationId": 255901},
            "programReference": {
                "programName": "Special Education",
                "educationOrganizationId": 255901,
                "programTypeDescriptor": "uri://ed-fi.org/ProgramTypeDescriptor#Special Education",
            },
            "beginDate": "2024-08-20",
            "specialEducationSettingDescriptor": "uri://ed-fi.org/X/SpecialEducationSettingDescriptor#A",
            "disabilities": disabilities,
        }
        record.update(members)
        return record

    d = "uri://ed-fi.org/DisabilityDescriptor#"
    path = tmp_path / "sepa.jsonl"
    records = [
        sepa("A", [{"disabilityDescriptor": d + "B", "orderOfDisability": 2},
                   {"disabilityDescriptor": d + "A", "orderOfDisability": 10}]),
        sepa("B", [{"disabilityDescriptor": d + "Z"},
                   {"disabilityDescriptor": d + "Y", "orderOfDisability": 3}]),
        sepa("C", [{"disabilityDescriptor": d + "D"}, {"disabilityDescriptor": d + "C"}]),
        sepa("D", [], endDate="2024-02-30x", specialEducationSettingDescriptor="Home"),
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    rows = staged(path, SEPA, staging)
    assert rows[1]["disability"] == "A"  # "10" sorts before "2", as in SQL
    assert rows[2]["disability"] == "Y"  # a missing order comes last
    assert rows[3]["disability"] == "C"
    assert rows[4]["disability"] is None
    problems = validate_resource(flat=staging.table("sepa"), name="sepa.jsonl", resource=SEPA)
    assert problems == [
        "sepa.jsonl line 4: endDate is not a date between 1900 and 2099; "
        "specialEducationSettingDescriptor is not a descriptor URI "
        "(uri://namespace/Descriptor#Code)."
    ]


def staged_by(path, resource, staging, *, exact) -> tuple[list[tuple], bool]:
    flat, exact_lines = stage_resource(
        path=path, name=path.name, resource=resource, staging=staging, exact=exact
    )
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{flat}"')
        # Tables staged column-wise carry no line numbers (they are reported exactly).
        return sorted((row[1:] for row in cursor.fetchall()), key=repr), exact_lines


@pytest.mark.parametrize("fitted_to_first_record", [False, True])
def test_column_wise_reader_stages_what_the_exact_path_stages(
    tmp_path, staging, monkeypatch, fitted_to_first_record
):
    """Clean files go through Arrow; every value must be what the per-record path gives."""
    d = "uri://ed-fi.org/DisabilityDescriptor#"
    program = {
        "programName": "Special Education",
        "educationOrganizationId": 255901,
        "programTypeDescriptor": "uri://ed-fi.org/ProgramTypeDescriptor#Special Education",
    }
    sepa_records = [
        {
            "studentReference": {"studentUniqueId": f'S,"{n}"\\é', "link": {"rel": "Student"}},
            "educationOrganizationReference": {"educationOrganizationId": 255901 + n},
            "programReference": program,
            "beginDate": "2024-08-20",
            "specialEducationSettingDescriptor": "uri://x.org/SpecialEducationSettingDescriptor#A#B",
            "disabilities": disabilities,
            **({"endDate": "2026-06-30"} if n % 2 else {}),
        }
        for n, disabilities in enumerate([
            [{"disabilityDescriptor": d + "Autism", "orderOfDisability": 1}],
            [{"disabilityDescriptor": d + "B", "orderOfDisability": 2},
             {"disabilityDescriptor": d + "A", "orderOfDisability": 10}],
            [{"disabilityDescriptor": d + "Z"}, {"disabilityDescriptor": d + "Y"}],
            [],
        ])
    ]  # fmt: skip
    seoa_records = [
        seoa("A"),
        seoa("B", hispanicLatinoEthnicity=True, races=None),
        seoa("C", races=[{"raceDescriptor": "uri://x/RaceDescriptor#Asian"},
                         {"raceDescriptor": "uri://x/RaceDescriptor#White"}]),
        seoa("D", races=[], limitedEnglishProficiencyDescriptor="uri://x/LimitedEnglishProficiencyDescriptor#Limited"),
        seoa("E\tF\nG", sexDescriptor="uri://ed-fi.org/SexDescriptor#Not\tselected"),
    ]  # fmt: skip
    for name, resource, records in (("sepa", SEPA, sepa_records), ("seoa", SEOA, seoa_records)):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
        if fitted_to_first_record:  # the other records are parsed past the sample
            monkeypatch.setattr(edfi_arrow, "SAMPLE_BYTES", len(json.dumps(records[0])) + 1)
            monkeypatch.setattr(edfi_arrow, "SAMPLE_SLICES", 1)
        fast, fast_exact = staged_by(path, resource, staging, exact=False)
        exact, exact_exact = staged_by(path, resource, staging, exact=True)
        assert (fast_exact, exact_exact) == (False, True)  # the first went through Arrow
        assert fast == exact


@pytest.mark.parametrize(
    "line",
    [
        json.dumps(seoa("B", sexDescriptor="Female")),  # not a descriptor URI
        json.dumps(seoa("B", educationOrganizationReference={"educationOrganizationId": "x"})),
        json.dumps([1, 2]),  # not an object
        json.dumps(seoa("")),  # a required value empty
    ],
)
def test_files_the_column_wise_reader_cannot_vouch_for_go_record_by_record(tmp_path, staging, line):
    path = tmp_path / "seoa.jsonl"
    path.write_text(json.dumps(seoa("A")) + "\n" + line + "\n")
    rows, exact_lines = staged_by(path, SEOA, staging, exact=False)
    assert exact_lines is True
    assert len(rows) == 2


@pytest.mark.parametrize(
    ("value", "mapped"),
    [("Female", "F"), ("FEMALE", "F"), ("ÉLÈVE Ä", "E"), ("élève ä", "E"), ("Other", None)],
)
def test_descriptor_codes_map_whatever_their_case(value, mapped):
    from parallel.derivations import code

    crosswalk = json.dumps({"female": "F", "élève ä": "E"})
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {code('sex', '%(value)s::text')}", {"xw_sex": crosswalk, "value": value}
        )
        assert cursor.fetchone()[0] == mapped
