"""How Ed-Fi API resources become the legacy record shape, in SQL over staged tables.

``RESOURCES`` says which members of each Ed-Fi resource are flattened into columns (JSON paths
as the Ed-Fi API returns them: nested references, descriptor URIs); only those members are
kept, extracted while the extract is streamed into staging. A derivation then builds one
row per (LEA, student) on the snapshot date with the definition's compared fields, turning
descriptor URIs into state/EDFacts codes through the crosswalk (``parallel.crosswalk``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection

from parallel.models import Derivation
from parallel.staging import identifier

Extract = Callable[[dict], "str | int | None"]


@dataclass(frozen=True)
class Resource:
    endpoint: str
    table: str
    # (column, function of the parsed JSON object giving the column's value): the values are
    # what PostgreSQL's ``->>`` would give (strings as such, numbers and booleans as JSON text).
    # ``descriptors`` are checked as URIs, then staged as their code value (after the '#').
    columns: list[tuple[str, Extract]]
    key: list[str]
    required: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    paths: dict[str, str] = field(default_factory=dict)
    descriptors: list[str] = field(default_factory=list)
    # The Ed-Fi descriptor each descriptor column holds, for the check against the catalog.
    descriptor_names: dict[str, str] = field(default_factory=dict)
    integers: frozenset[str] = frozenset()

    def path_of(self, column: str) -> str:
        return self.paths.get(column, column)


def as_text(value) -> str | None:
    """A JSON value as ``->>`` gives it: strings verbatim, other scalars and containers as JSON."""
    if value is None or isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _member(name: str) -> Extract:
    def extract(d: dict) -> str | None:
        value = d.get(name)
        return value if value is None or value.__class__ is str else as_text(value)

    extract.spec = ("member", name)
    return extract


def _ref(reference: str, member: str) -> Extract:
    def extract(d: dict) -> str | None:
        parent = d.get(reference)
        if parent.__class__ is not dict:
            return None
        value = parent.get(member)
        if value is None or value.__class__ is str:
            return value
        return str(value) if value.__class__ is int else as_text(value)

    extract.spec = ("ref", reference, member)
    return extract


def _first(array: str, member: str) -> Extract:
    def extract(d: dict) -> str | None:
        items = d.get(array)
        if items.__class__ is not list or not items or items[0].__class__ is not dict:
            return None
        return as_text(items[0].get(member))

    extract.spec = ("first", array, member)
    return extract


def _length(array: str) -> Extract:
    def extract(d: dict) -> int | None:
        items = d.get(array)
        if items is None:
            return 0
        return len(items) if items.__class__ is list else None

    extract.spec = ("length", array)
    return extract


def _primary_disability(d: dict) -> str | None:
    """The first disability by orderOfDisability (as text, missing last), then descriptor."""
    items = d.get("disabilities")
    if items.__class__ is not list or not items:
        return None
    if len(items) == 1:
        first = items[0]
        return as_text(first.get("disabilityDescriptor")) if first.__class__ is dict else None
    ranked = []
    for item in items:
        member = item if item.__class__ is dict else {}
        order = as_text(member.get("orderOfDisability"))
        descriptor = as_text(member.get("disabilityDescriptor"))
        ranked.append((order is None, order or "", descriptor is None, descriptor or ""))
    best = min(ranked)
    return None if best[2] else best[3]


# Where each extract reads its value, for the column-wise reader (``importers.edfi_arrow``).
_primary_disability.spec = ("disabilities", "disabilities")


RESOURCES: dict[str, Resource] = {
    r.endpoint: r
    for r in [
        Resource(
            endpoint="students",
            table="students",
            columns=[
                ("student_id", _member("studentUniqueId")),
                ("birth_date", _member("birthDate")),
            ],
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
                ("sex", _member("sexDescriptor")),
                ("hispanic", _member("hispanicLatinoEthnicity")),
                ("race_count", _length("races")),
                ("race", _first("races", "raceDescriptor")),
                ("english_learner", _member("limitedEnglishProficiencyDescriptor")),
            ],
            key=["student_id", "edorg_id"],
            required=["student_id", "edorg_id"],
            descriptors=["sex", "race", "english_learner"],
            descriptor_names={
                "sex": "SexDescriptor",
                "race": "RaceDescriptor",
                "english_learner": "LimitedEnglishProficiencyDescriptor",
            },
            integers=frozenset({"race_count"}),
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
                ("begin_date", _member("beginDate")),
                ("end_date", _member("endDate")),
                ("setting", _member("specialEducationSettingDescriptor")),
                ("disability", _primary_disability),
            ],
            key=["student_id", "edorg_id", "program_name", "begin_date"],
            required=["student_id", "edorg_id", "program_name", "begin_date"],
            dates=["begin_date", "end_date"],
            descriptors=["setting", "disability"],
            descriptor_names={
                "setting": "SpecialEducationSettingDescriptor",
                "disability": "DisabilityDescriptor",
            },
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
                ("entry_date", _member("entryDate")),
                ("exit_date", _member("exitWithdrawDate")),
                ("grade_level", _member("entryGradeLevelDescriptor")),
            ],
            key=["student_id", "school_id", "entry_date"],
            required=["student_id", "school_id", "entry_date", "grade_level"],
            dates=["entry_date", "exit_date"],
            descriptors=["grade_level"],
            descriptor_names={"grade_level": "GradeLevelDescriptor"},
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
                ("school_id", _member("schoolId")),
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
    """SQL turning a staged descriptor code value into its crosswalk code (NULL when unmapped)."""
    # Each field's part of the crosswalk is its own constant: no sub-object is copied per row.
    # Its keys are lower case: ASCII lower-casing (the "C" collation's, several times cheaper)
    # finds nearly every code; full Unicode lower() runs only for what it misses.
    xw = f"%(xw_{identifier(field_name)})s::jsonb"
    return f'coalesce({xw} ->> lower({expression} COLLATE "C"), {xw} ->> lower({expression}))'


def descriptor_value(expression: str) -> str:
    """Descriptor columns are staged as the code value (the URI's part after '#')."""
    return f"nullif({expression}, '')"


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
    active = staging.table("active")
    if definition.derivation == Derivation.IDEA_CHILD_COUNT:
        active_select, select = _child_count_sql(definition, tables, active)
    elif definition.derivation == Derivation.ENROLMENT:
        active_select, select = _enrolment_sql(definition, tables, active)
    else:  # pragma: no cover - choices are validated
        raise ValueError(definition.derivation)
    with connection.cursor() as cursor:
        # The records active on the snapshot date first (one sort), in a table of their own
        # so that the joins after it run on every core.
        cursor.execute(f'DROP TABLE IF EXISTS "{active}"')
        cursor.execute(
            f'CREATE UNLOGGED TABLE "{active}" AS {active_select}', {"snapshot": snapshot_date}
        )
        cursor.execute(f'ANALYZE "{active}"')
        cursor.execute(f'DROP TABLE IF EXISTS "{out}"')
        cursor.execute(
            f'CREATE UNLOGGED TABLE "{out}" AS {select}',
            {
                **_crosswalk_parameters(xw),
                "snapshot": snapshot_date,
                "snapshot_number": int(snapshot_date.strftime("%Y%m%d")),
                "lea_alias": json.dumps(lea_aliases(lea_ids)),
                **_population(definition),
            },
        )
    return out


CODED_FIELDS = ("race", "sex", "english_learner", "disability", "environment", "grade_level")


def _crosswalk_parameters(xw: str) -> dict[str, str]:
    crosswalk = json.loads(xw)
    return {f"xw_{name}": json.dumps(crosswalk.get(name, {})) for name in CODED_FIELDS}


def lea_aliases(lea_ids) -> dict[str, str]:
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


def _child_count_sql(definition, tables, active) -> tuple[str, str]:
    sepa, students, seoa = tables["sepa"], tables["students"], tables["seoa"]
    # Whole years between two dates, as YYYYMMDD numbers (the birth date is validated ISO text):
    # the same as age()'s years, without timestamp arithmetic per row.
    age = "((%(snapshot_number)s - replace(s.birth_date, '-', '')::int) / 10000)"
    fields = ""
    if "age" in definition.compared_fields:
        fields += (
            f", CASE WHEN s.student_id IS NULL THEN 'MISSING' ELSE "
            f"coalesce(%(age_codes)s::jsonb ->> ({age})::text, ({age})::text) END AS age"
        )
    fields += _mapped(definition, "disability", code("disability", "p.disability"), "p.disability")
    fields += _mapped(definition, "environment", code("environment", "p.setting"), "p.setting")
    fields += _demographics(definition)
    active_select = f"""
        SELECT DISTINCT ON (student_id, edorg_id) student_id, edorg_id, setting, disability
        FROM "{sepa}"
        WHERE begin_date::date <= %(snapshot)s::date
          AND (end_date IS NULL OR end_date::date >= %(snapshot)s::date)
        ORDER BY student_id, edorg_id, begin_date DESC, program_name
    """
    return (
        active_select,
        f"""
        SELECT {LEA_ID.format(column="p.edorg_id")} AS lea_id, p.student_id {fields}
        FROM "{active}" p
        LEFT JOIN "{students}" s ON s.student_id = p.student_id
        LEFT JOIN "{seoa}" o ON o.student_id = p.student_id AND o.edorg_id = p.edorg_id
        WHERE s.birth_date IS NULL OR {age} BETWEEN %(min_age)s AND %(max_age)s
    """,
    )


def _enrolment_sql(definition, tables, active) -> tuple[str, str]:
    ssa, schools, seoa = tables["ssa"], tables["schools"], tables["seoa"]
    fields = _mapped(
        definition, "grade_level", code("grade_level", "e.grade_level"), "e.grade_level"
    )
    fields += _demographics(definition)
    active_select = f"""
        SELECT DISTINCT ON (a.student_id, sc.lea_id) a.*, sc.lea_id
        FROM "{ssa}" a JOIN "{schools}" sc ON sc.school_id = a.school_id
        WHERE a.entry_date::date <= %(snapshot)s::date
          AND (a.exit_date IS NULL OR a.exit_date::date >= %(snapshot)s::date)
        ORDER BY a.student_id, sc.lea_id, a.entry_date DESC, a.school_id
    """
    return (
        active_select,
        f"""
        SELECT {LEA_ID.format(column="e.lea_id")} AS lea_id, e.student_id {fields}
        FROM "{active}" e
        LEFT JOIN "{seoa}" o ON o.student_id = e.student_id AND o.edorg_id = e.lea_id
    """,
    )
