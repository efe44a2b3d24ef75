"""How Ed-Fi API resources become the legacy record shape, in SQL over staged tables.

``RESOURCES`` says which members of each Ed-Fi resource are flattened into columns (JSON paths
as the Ed-Fi API returns them: nested references, descriptor URIs). A derivation then builds one
row per (LEA, student) on the snapshot date with the definition's compared fields, turning
descriptor URIs into state/EDFacts codes through the crosswalk (``parallel.crosswalk``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db import connection

from parallel.models import Derivation
from parallel.staging import identifier


@dataclass(frozen=True)
class Resource:
    endpoint: str
    table: str
    columns: list[tuple[str, str]]  # (column, SQL expression over the jsonb document ``d``)
    key: list[str]
    required: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    paths: dict[str, str] = field(default_factory=dict)
    descriptors: list[str] = field(default_factory=list)

    def path_of(self, column: str) -> str:
        return self.paths.get(column, column)


def _ref(reference: str, member: str) -> str:
    return f"d->'{reference}'->>'{member}'"


PRIMARY_DISABILITY = (
    "CASE WHEN jsonb_array_length(coalesce(d->'disabilities', '[]')) > 1 THEN "
    "(SELECT x->>'disabilityDescriptor' FROM jsonb_array_elements(d->'disabilities') x "
    "ORDER BY (x->>'orderOfDisability') NULLS LAST, x->>'disabilityDescriptor' LIMIT 1) "
    "ELSE d->'disabilities'->0->>'disabilityDescriptor' END"
)

RESOURCES: dict[str, Resource] = {
    r.endpoint: r
    for r in [
        Resource(
            endpoint="students",
            table="students",
            columns=[("student_id", "d->>'studentUniqueId'"), ("birth_date", "d->>'birthDate'")],
            key=["student_id"],
            required=["student_id", "birth_date"],
            dates=["birth_date"],
            paths={"student_id": "studentUniqueId", "birth_date": "birthDate"},
        ),
        Resource(
            endpoint="studentEducationOrganizationAssociations",
            table="seoa",
            columns=[
                ("student_id", _ref("studentReference", "studentUniqueId")),
                ("edorg_id", _ref("educationOrganizationReference", "educationOrganizationId")),
                ("sex", "d->>'sexDescriptor'"),
                ("hispanic", "d->>'hispanicLatinoEthnicity'"),
                ("race_count", "jsonb_array_length(coalesce(d->'races', '[]'))"),
                ("race", "d->'races'->0->>'raceDescriptor'"),
                ("english_learner", "d->>'limitedEnglishProficiencyDescriptor'"),
            ],
            key=["student_id", "edorg_id"],
            required=["student_id", "edorg_id"],
            descriptors=["sex", "race", "english_learner"],
            paths={
                "student_id": "studentReference.studentUniqueId",
                "edorg_id": "educationOrganizationReference.educationOrganizationId",
                "sex": "sexDescriptor",
                "race": "races[].raceDescriptor",
                "english_learner": "limitedEnglishProficiencyDescriptor",
            },
        ),
        Resource(
            endpoint="studentSpecialEducationProgramAssociations",
            table="sepa",
            columns=[
                ("student_id", _ref("studentReference", "studentUniqueId")),
                ("edorg_id", _ref("educationOrganizationReference", "educationOrganizationId")),
                ("program_name", _ref("programReference", "programName")),
                ("begin_date", "d->>'beginDate'"),
                ("end_date", "d->>'endDate'"),
                ("setting", "d->>'specialEducationSettingDescriptor'"),
                ("disability", PRIMARY_DISABILITY),
            ],
            key=["student_id", "edorg_id", "program_name", "begin_date"],
            required=["student_id", "edorg_id", "program_name", "begin_date"],
            dates=["begin_date", "end_date"],
            descriptors=["setting", "disability"],
            paths={
                "setting": "specialEducationSettingDescriptor",
                "disability": "disabilities[].disabilityDescriptor",
                "student_id": "studentReference.studentUniqueId",
                "edorg_id": "educationOrganizationReference.educationOrganizationId",
                "program_name": "programReference.programName",
                "begin_date": "beginDate",
                "end_date": "endDate",
            },
        ),
        Resource(
            endpoint="studentSchoolAssociations",
            table="ssa",
            columns=[
                ("student_id", _ref("studentReference", "studentUniqueId")),
                ("school_id", _ref("schoolReference", "schoolId")),
                ("entry_date", "d->>'entryDate'"),
                ("exit_date", "d->>'exitWithdrawDate'"),
                ("grade_level", "d->>'entryGradeLevelDescriptor'"),
            ],
            key=["student_id", "school_id", "entry_date"],
            required=["student_id", "school_id", "entry_date", "grade_level"],
            dates=["entry_date", "exit_date"],
            descriptors=["grade_level"],
            paths={
                "student_id": "studentReference.studentUniqueId",
                "school_id": "schoolReference.schoolId",
                "entry_date": "entryDate",
                "exit_date": "exitWithdrawDate",
                "grade_level": "entryGradeLevelDescriptor",
            },
        ),
        Resource(
            endpoint="schools",
            table="schools",
            columns=[
                ("school_id", "d->>'schoolId'"),
                ("lea_id", _ref("localEducationAgencyReference", "localEducationAgencyId")),
            ],
            key=["school_id"],
            required=["school_id", "lea_id"],
            paths={"school_id": "schoolId", "lea_id": "localEducationAgencyReference"},
        ),
    ]
}

REQUIRED_RESOURCES = {
    Derivation.IDEA_CHILD_COUNT: [
        "students",
        "studentEducationOrganizationAssociations",
        "studentSpecialEducationProgramAssociations",
    ],
    Derivation.ENROLMENT: [
        "studentEducationOrganizationAssociations",
        "studentSchoolAssociations",
        "schools",
    ],
}

# (child resource, column, parent resource, parent column, what the reference is)
REFERENCES = {
    Derivation.IDEA_CHILD_COUNT: [
        ("sepa", "student_id", "students", "student_id", "studentReference"),
        ("seoa", "student_id", "students", "student_id", "studentReference"),
    ],
    Derivation.ENROLMENT: [("ssa", "school_id", "schools", "school_id", "schoolReference")],
}


def code(field_name: str, expression: str) -> str:
    """SQL turning a descriptor URI into its crosswalk code (NULL when unmapped)."""
    return f"(%(xw)s::jsonb -> '{field_name}' ->> lower(split_part({expression}, '#', 2)))"


def descriptor_value(expression: str) -> str:
    return f"nullif(split_part({expression}, '#', 2), '')"


RACE = (
    "CASE WHEN o.student_id IS NULL THEN 'MISSING' "
    "WHEN lower(o.hispanic) = 'true' THEN 'HI7' "
    "WHEN o.race_count > 1 THEN 'MU7' "
    "WHEN o.race_count = 1 THEN coalesce({race_code}, 'UNMAPPED') ELSE 'MISSING' END"
)


def build_edfi_records(
    *, definition, staging, tables: dict[str, str], snapshot_date, xw, lea_ids=()
) -> str:
    """Create the staged Ed-Fi record table (lea_id, student_id, compared fields, raw codes).

    Ed-Fi education organization ids are integers, so a state LEA id with leading zeros
    ("00042") arrives as "42": ``lea_ids`` (the state ids) are matched with and without them.
    """
    out = staging.table("edfi")
    if definition.derivation == Derivation.IDEA_CHILD_COUNT:
        select = _child_count_sql(definition, tables)
    elif definition.derivation == Derivation.ENROLMENT:
        select = _enrolment_sql(definition, tables)
    else:  # pragma: no cover - choices are validated
        raise ValueError(definition.derivation)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{out}"')
        cursor.execute(
            f'CREATE UNLOGGED TABLE "{out}" AS {select}',
            {
                "xw": xw,
                "snapshot": snapshot_date,
                "lea_alias": json.dumps(_lea_aliases(lea_ids)),
                **_population(definition),
            },
        )
    return out


def _lea_aliases(lea_ids) -> dict[str, str]:
    return {
        str(int(state_id)): state_id
        for state_id in lea_ids
        if state_id.isdigit() and str(int(state_id)) != state_id
    }


LEA_ID = "coalesce(%(lea_alias)s::jsonb ->> {column}, {column})"


def _population(definition) -> dict:
    population = definition.population or {}
    return {
        "min_age": int(population.get("min_age", 0)),
        "max_age": int(population.get("max_age", 200)),
        "age_codes": json.dumps(population.get("age_codes", {})),
    }


def _mapped(definition, name: str, sql: str, raw: str) -> str:
    """Mapped code, or ``UNMAPPED`` when a value has no mapping, or ``MISSING`` when absent."""
    if name not in definition.compared_fields:
        return ""
    return (
        f", CASE WHEN {raw} IS NULL THEN 'MISSING' ELSE coalesce({sql}, 'UNMAPPED') END "
        f"AS {identifier(name)}, {descriptor_value(raw)} AS {identifier(name)}__raw"
    )


def _demographics(definition) -> str:
    race_code = code("race", "o.race")
    parts = ""
    if "race" in definition.compared_fields:
        parts += f", {RACE.format(race_code=race_code)} AS race"
        parts += (
            ", CASE WHEN o.race_count = 1 AND lower(coalesce(o.hispanic, '')) <> 'true' "
            f"THEN {descriptor_value('o.race')} END AS race__raw"
        )
    parts += _mapped(definition, "sex", code("sex", "o.sex"), "o.sex")
    parts += _mapped(
        definition, "english_learner", code("english_learner", "o.english_learner"),
        "o.english_learner",
    )  # fmt: skip
    return parts


def _child_count_sql(definition, tables) -> str:
    sepa, students, seoa = tables["sepa"], tables["students"], tables["seoa"]
    age = "date_part('year', age(%(snapshot)s::date, s.birth_date::date))::int"
    fields = ""
    if "age" in definition.compared_fields:
        fields += (
            f", CASE WHEN s.student_id IS NULL THEN 'MISSING' ELSE "
            f"coalesce(%(age_codes)s::jsonb ->> ({age})::text, ({age})::text) END AS age"
        )
    fields += _mapped(definition, "disability", code("disability", "p.disability"), "p.disability")
    fields += _mapped(definition, "environment", code("environment", "p.setting"), "p.setting")
    fields += _demographics(definition)
    return f"""
        SELECT {LEA_ID.format(column="p.edorg_id")} AS lea_id, p.student_id {fields}
        FROM (
            SELECT DISTINCT ON (student_id, edorg_id) *
            FROM "{sepa}"
            WHERE begin_date::date <= %(snapshot)s::date
              AND (end_date IS NULL OR end_date::date >= %(snapshot)s::date)
            ORDER BY student_id, edorg_id, begin_date DESC, program_name
        ) p
        LEFT JOIN "{students}" s ON s.student_id = p.student_id
        LEFT JOIN "{seoa}" o ON o.student_id = p.student_id AND o.edorg_id = p.edorg_id
        WHERE s.birth_date IS NULL OR {age} BETWEEN %(min_age)s AND %(max_age)s
    """


def _enrolment_sql(definition, tables) -> str:
    ssa, schools, seoa = tables["ssa"], tables["schools"], tables["seoa"]
    fields = _mapped(
        definition, "grade_level", code("grade_level", "e.grade_level"), "e.grade_level"
    )
    fields += _demographics(definition)
    return f"""
        SELECT {LEA_ID.format(column="e.lea_id")} AS lea_id, e.student_id {fields}
        FROM (
            SELECT DISTINCT ON (a.student_id, sc.lea_id) a.*, sc.lea_id
            FROM "{ssa}" a JOIN "{schools}" sc ON sc.school_id = a.school_id
            WHERE a.entry_date::date <= %(snapshot)s::date
              AND (a.exit_date IS NULL OR a.exit_date::date >= %(snapshot)s::date)
            ORDER BY a.student_id, sc.lea_id, a.entry_date DESC, a.school_id
        ) e
        LEFT JOIN "{seoa}" o ON o.student_id = e.student_id AND o.edorg_id = e.lea_id
    """
