"""Synthetic parallel-year collections with known, injected discrepancies.

Used by the benchmark (``bench/parallel.py``), the tests and demos: a legacy CSV and an Ed-Fi
JSON Lines extract shaped as the Ed-Fi API returns them (nested references, descriptor URIs),
plus the truth: every discrepancy that was injected. ``generate`` writes an IDEA child count
(students, student–education-organization associations, student special-education program
associations); ``generate_membership`` a fall membership (schools, students, student–school
and student–education-organization associations).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

NS = "uri://ed-fi.org/"
RACES = ["AM7", "AS7", "BL7", "PI7", "WH7"]
MISMATCH_FIELDS = ["age", "disability", "environment", "race", "sex", "english_learner"]


@dataclass
class SyntheticCollection:
    directory: Path
    legacy: Path
    students: Path
    seoa: Path
    sepa: Path
    lea_ids: list[str]
    truth: set[tuple[str, str, str, str]] = field(default_factory=set)  # kind, lea, student, field
    # With ``keep_records``: the compared values on each side, for checking aggregates.
    legacy_records: list[dict] = field(default_factory=list)
    edfi_records: list[dict] = field(default_factory=list)

    @property
    def edfi_files(self) -> dict[str, Path]:
        return {
            "students": self.students,
            "studentEducationOrganizationAssociations": self.seoa,
            "studentSpecialEducationProgramAssociations": self.sepa,
        }


def _edfi_values(definition: dict) -> dict[str, dict[str, str]]:
    """For each field, one Ed-Fi code value per state code (the DS 5.2 one when there is one)."""
    result: dict[str, dict[str, str]] = {}
    for entry in sorted(
        definition["crosswalk"], key=lambda e: ("DS 5.2" not in e["source"], e["edfi_code_value"])
    ):
        result.setdefault(entry["field"], {}).setdefault(entry["code"], entry["edfi_code_value"])
    return result


def _uri(descriptor: str, value: str) -> str:
    return f"{NS}{descriptor}#{value}"


def generate(
    *,
    directory: Path,
    definition: dict,
    students: int,
    leas: int = 50,
    snapshot: date = date(2025, 10, 1),
    rate: float = 0.02,
    seed: int = 7,
    lea_ids: list[str] | None = None,
    keep_records: bool = False,
) -> SyntheticCollection:
    """Write the files for ``students`` students over ``leas`` LEAs with ~``rate`` injected."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    values = _edfi_values(definition)
    codes = {f: sorted(v) for f, v in values.items()}
    codes["race"] = RACES
    population = definition.get("population") or {}
    min_age, max_age = int(population.get("min_age", 6)), int(population.get("max_age", 21))
    lea_ids = lea_ids or [str(255900 + i) for i in range(leas)]
    leas = len(lea_ids)
    out = SyntheticCollection(
        directory=directory,
        legacy=directory / "legacy.csv",
        students=directory / "students.jsonl",
        seoa=directory / "studentEducationOrganizationAssociations.jsonl",
        sepa=directory / "studentSpecialEducationProgramAssociations.jsonl",
        lea_ids=lea_ids,
    )
    header = ",".join(c["column"] for c in definition["columns"])
    with (
        out.legacy.open("w", encoding="utf-8", newline="") as legacy,
        out.students.open("w", encoding="utf-8") as st,
        out.seoa.open("w", encoding="utf-8") as seoa,
        out.sepa.open("w", encoding="utf-8") as sepa,
    ):
        legacy.write(header + "\n")
        for number in range(1, students + 1):
            lea = lea_ids[number % leas]
            student = f"S{number:08d}"
            record = {
                "age": rng.randint(min_age + 1, max_age - 1),
                "disability": rng.choice(codes["disability"]),
                "environment": rng.choice(codes["environment"]),
                "race": rng.choice(["HI7", "MU7", *RACES]),
                "sex": rng.choice(["F", "M"]),
                "english_learner": rng.choice(["LEP", "NLEP"]),
            }
            edfi = dict(record)
            kind = ""
            if rng.random() < rate:
                kind = rng.choice(["only_legacy", "only_edfi", "mismatch"])
                if kind == "mismatch":
                    name = rng.choice(MISMATCH_FIELDS)
                    if name == "age":
                        edfi["age"] = record["age"] + rng.choice([-1, 1])
                    else:
                        choices = codes[name] if name != "race" else ["HI7", "MU7", *RACES]
                        edfi[name] = rng.choice([c for c in choices if c != record[name]])
                    out.truth.add(("mismatch", lea, student, name))
                else:
                    out.truth.add((kind, lea, student, ""))
            if keep_records:
                if kind != "only_edfi":
                    out.legacy_records.append({"lea_id": lea, "student_id": student, **record})
                if kind != "only_legacy":
                    out.edfi_records.append(
                        {"lea_id": lea, "student_id": student, **edfi, "age": edfi["age"]}
                    )
            if kind != "only_edfi":
                legacy.write(
                    f"{lea},{student},{record['age']},{record['disability']},"
                    f"{record['environment']},{record['race']},{record['sex']},"
                    f"{record['english_learner']}\n"
                )
            _write_edfi(st, seoa, sepa, rng, lea, student, edfi, values, snapshot, kind)
    return out


def _birth_date(snapshot: date, age: int, rng: random.Random) -> str:
    anchor = date(snapshot.year - age, snapshot.month, min(snapshot.day, 28))
    return (anchor - timedelta(days=rng.randint(1, 300))).isoformat()


def _races(race: str, values, rng) -> tuple[bool, list[dict]]:
    def one(code: str) -> dict:
        return {"raceDescriptor": _uri("RaceDescriptor", values["race"][code])}

    if race == "HI7":
        return True, [one(rng.choice(RACES))]
    if race == "MU7":
        first, second = rng.sample(RACES, 2)
        return False, [one(first), one(second)]
    return False, [one(race)]


def _write_edfi(st, seoa, sepa, rng, lea, student, edfi, values, snapshot, kind) -> None:
    ref = {
        "studentUniqueId": student,
        "link": {"rel": "Student", "href": f"/ed-fi/students/{student}"},
    }
    st.write(
        json.dumps(
            {
                "id": f"{student}-st",
                "studentUniqueId": student,
                "birthDate": _birth_date(snapshot, edfi["age"], rng),
                "firstName": "Pat",
                "lastSurname": "Example",
            }
        )
        + "\n"
    )
    hispanic, races = _races(edfi["race"], values, rng)
    edorg = {"educationOrganizationId": int(lea), "link": {"rel": "LocalEducationAgency"}}
    seoa.write(
        json.dumps(
            {
                "id": f"{student}-{lea}-seoa",
                "studentReference": ref,
                "educationOrganizationReference": edorg,
                "sexDescriptor": _uri("SexDescriptor", values["sex"][edfi["sex"]]),
                "hispanicLatinoEthnicity": hispanic,
                "races": races,
                "limitedEnglishProficiencyDescriptor": _uri(
                    "LimitedEnglishProficiencyDescriptor",
                    values["english_learner"][edfi["english_learner"]],
                ),
            }
        )
        + "\n"
    )
    if kind == "only_legacy":
        return
    sepa.write(
        json.dumps(
            {
                "id": f"{student}-{lea}-sepa",
                "beginDate": f"{snapshot.year - 1}-08-20",
                "educationOrganizationReference": edorg,
                "programReference": {
                    "educationOrganizationId": int(lea),
                    "programName": "Special Education",
                    "programTypeDescriptor": _uri("ProgramTypeDescriptor", "Special Education"),
                },
                "studentReference": ref,
                "ideaEligibility": True,
                "specialEducationSettingDescriptor": _uri(
                    "SpecialEducationSettingDescriptor",
                    values["environment"][edfi["environment"]],
                ),
                "disabilities": [
                    {
                        "disabilityDescriptor": _uri(
                            "DisabilityDescriptor", values["disability"][edfi["disability"]]
                        ),
                        "orderOfDisability": 1,
                    }
                ],
            }
        )
        + "\n"
    )


MEMBERSHIP_FIELDS = [
    "school_id", "grade_level", "entry_date", "exit_date", "birth_date", "sex", "race",
]  # fmt: skip
# What a membership record injected with a difference becomes (kinds without a field).
MEMBERSHIP_KINDS = ["missing", "excluded", "other_lea", "only_edfi", "mismatch"]
SCHOOLS_PER_LEA = 4


@dataclass
class MembershipCollection:
    directory: Path
    legacy: Path
    schools: Path
    students: Path
    seoa: Path
    ssa: Path
    lea_ids: list[str]
    truth: set[tuple[str, str, str, str]] = field(default_factory=set)  # kind, lea, student, field
    # Why each record on one side only is there: (kind, lea, student) → missing, excluded,
    # other_lea.
    causes: dict[tuple[str, str, str], str] = field(default_factory=dict)
    # Records whose dates were moved within the tolerance: no difference.
    tolerated: set[str] = field(default_factory=set)
    legacy_records: list[dict] = field(default_factory=list)
    edfi_records: list[dict] = field(default_factory=list)

    @property
    def edfi_files(self) -> dict[str, Path]:
        return {
            "schools": self.schools,
            "students": self.students,
            "studentEducationOrganizationAssociations": self.seoa,
            "studentSchoolAssociations": self.ssa,
        }


def _school_ids(lea: str) -> list[str]:
    """The LEA's schools, as the Ed-Fi API prints their ids (integers)."""
    return [str(int(lea) * 100 + k) for k in range(1, SCHOOLS_PER_LEA + 1)]


def _age_of_grade(grade: str, rng: random.Random) -> int:
    return {"PK": 4, "KG": 5}.get(grade) or (
        int(grade) + 5 if grade.isdigit() else rng.randint(6, 17)
    )


def generate_membership(
    *,
    directory: Path,
    definition: dict,
    students: int,
    leas: int = 50,
    snapshot: date = date(2025, 10, 1),
    rate: float = 0.02,
    seed: int = 7,
    lea_ids: list[str] | None = None,
    keep_records: bool = False,
    exit_column: bool = True,
) -> MembershipCollection:
    """Fall-membership files for ``students`` students over ``leas`` LEAs, ~``rate`` injected:
    records missing on either side, exited before the snapshot date (excluded), enrolled in
    another LEA, and a mismatched school, grade, date (beyond the tolerance), sex or race; about
    as many dates moved within the tolerance (no difference). Some students also have an
    earlier association, exited before the snapshot date, at another school of their LEA.
    Without ``exit_column`` the legacy file has no EXIT_DATE column. The legacy file has the
    definition's columns: the enrolment report's are a subset of the fall membership's."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    values = _edfi_values(definition)
    columns = [c for c in definition["columns"] if exit_column or c["field"] != "exit_date"]
    grade_column = next(c for c in columns if c["field"] == "grade_level")
    grades = [g for g in grade_column["permitted_values"] if g in values["grade_level"]]
    fields = (definition.get("edfi_source") or {}).get("fields", {})
    # Mismatches only in the fields the definition compares (the enrolment report compares
    # grade, race and sex of the same files).
    compared = [
        f
        for f in definition.get("compared_fields", MEMBERSHIP_FIELDS)
        if f in MEMBERSHIP_FIELDS and (exit_column or f != "exit_date")
    ]
    tolerance = {
        name: int(fields.get(name, {}).get("tolerance_days", 0))
        for name in ("entry_date", "exit_date", "birth_date")
    }
    lea_ids = lea_ids or [str(255900 + i) for i in range(leas)]
    out = MembershipCollection(
        directory=directory,
        legacy=directory / "legacy.csv",
        schools=directory / "schools.jsonl",
        students=directory / "students.jsonl",
        seoa=directory / "studentEducationOrganizationAssociations.jsonl",
        ssa=directory / "studentSchoolAssociations.jsonl",
        lea_ids=lea_ids,
    )
    year = snapshot.year
    with out.schools.open("w", encoding="utf-8") as schools:
        for lea in lea_ids:
            for school in _school_ids(lea):
                schools.write(json.dumps(_school(lea, school, values, grades)) + "\n")

    def day(first: date, last: date) -> date:
        return first + timedelta(days=rng.randint(0, (last - first).days))

    with (
        out.legacy.open("w", encoding="utf-8", newline="") as legacy,
        out.students.open("w", encoding="utf-8") as st,
        out.seoa.open("w", encoding="utf-8") as seoa,
        out.ssa.open("w", encoding="utf-8") as ssa,
    ):
        legacy.write(",".join(c["column"] for c in columns) + "\n")
        for number in range(1, students + 1):
            lea = lea_ids[number % len(lea_ids)]
            student = f"S{number:08d}"
            grade = rng.choice(grades)
            # Enrolled before the snapshot date; one in twenty leaves later in the year.
            leaves = rng.random() < 0.05 and exit_column
            record = {
                "school_id": rng.choice(_school_ids(lea)),
                "grade_level": grade,
                "entry_date": day(date(year, 8, 10), date(year, 9, 15)).isoformat(),
                "exit_date": day(date(year, 11, 1), date(year + 1, 5, 31)).isoformat()
                if leaves
                else "",
                "birth_date": _birth_date(snapshot, _age_of_grade(grade, rng), rng),
                "sex": rng.choice(["F", "M"]),
                "race": rng.choice(["HI7", "MU7", *RACES]),
            }
            kind = rng.choice(MEMBERSHIP_KINDS) if rng.random() < rate else ""
            if kind == "other_lea" and len(lea_ids) == 1:
                kind = "missing"
            edfi, edfi_lea = _inject(out, kind, record, lea, student, rng, rate=rate,
                                     lea_ids=lea_ids, grades=grades, tolerance=tolerance,
                                     snapshot=snapshot, mismatch_fields=compared)  # fmt: skip
            in_legacy = kind != "only_edfi"
            in_edfi = kind not in ("missing",)
            if keep_records:
                if in_legacy:
                    out.legacy_records.append({"lea_id": lea, "student_id": student, **record})
                if in_edfi and kind != "excluded":
                    out.edfi_records.append({"lea_id": edfi_lea, "student_id": student, **edfi})
            if in_legacy:
                row = {"lea_id": lea, "student_id": student, **record}
                legacy.write(",".join(row[c["field"]] for c in columns) + "\n")
            st.write(json.dumps(_student(student, edfi["birth_date"])) + "\n")
            seoa.write(json.dumps(_seoa(student, edfi_lea, edfi, values, rng)) + "\n")
            if not in_edfi:
                continue
            if kind == "" and rng.random() < 0.05:
                # An earlier association at another school of the LEA, ended before this one.
                earlier = rng.choice([s for s in _school_ids(lea) if s != record["school_id"]])
                entered = date(year - 1, 8, 20).isoformat()
                left = (date.fromisoformat(edfi["entry_date"]) - timedelta(days=1)).isoformat()
                ssa.write(json.dumps(_ssa(student, earlier, grade, entered, left, values)) + "\n")
            ssa.write(
                json.dumps(_ssa(student, edfi["school_id"], edfi["grade_level"], edfi["entry_date"],
                                edfi["exit_date"], values))
                + "\n"
            )  # fmt: skip
    return out


def _inject(out, kind, record, lea, student, rng, *, rate, lea_ids, grades, tolerance,
            snapshot, mismatch_fields) -> tuple[dict, str]:  # fmt: skip
    """The Ed-Fi values and LEA of a record injected with ``kind``, recorded in ``out``'s truth;
    without a kind, at ``rate`` a date moved within the tolerance."""
    edfi, edfi_lea = dict(record), lea
    if kind == "other_lea":
        edfi_lea = rng.choice([other for other in lea_ids if other != lea])
        edfi["school_id"] = rng.choice(_school_ids(edfi_lea))
        out.truth |= {("only_legacy", lea, student, ""), ("only_edfi", edfi_lea, student, "")}
        out.causes[("only_legacy", lea, student)] = "other_lea"
        out.causes[("only_edfi", edfi_lea, student)] = "other_lea"
    elif kind == "mismatch":
        name = rng.choice(mismatch_fields)
        edfi[name] = _other_value(name, record, lea, grades, tolerance, rng)
        out.truth.add(("mismatch", lea, student, name))
    elif kind in ("missing", "excluded"):
        out.truth.add(("only_legacy", lea, student, ""))
        out.causes[("only_legacy", lea, student)] = kind
        if kind == "excluded":  # left after entering, before the snapshot date
            left = snapshot - timedelta(days=rng.randint(1, 14))
            edfi["exit_date"] = left.isoformat()
    elif kind == "only_edfi":
        out.truth.add(("only_edfi", lea, student, ""))
        out.causes[("only_edfi", lea, student)] = "missing"
    elif rng.random() < rate:
        # A date keyed a few days off, within the tolerance: no difference.
        moved = "exit_date" if record["exit_date"] and rng.random() < 0.5 else "entry_date"
        if tolerance[moved] and moved in mismatch_fields:
            shift = rng.choice([-1, 1]) * rng.randint(1, tolerance[moved])
            edfi[moved] = (date.fromisoformat(record[moved]) + timedelta(days=shift)).isoformat()
            out.tolerated.add(student)
    return edfi, edfi_lea


def _other_value(name, record, lea, grades, tolerance, rng) -> str:
    """A value of ``name`` that differs from the record's (a date beyond the tolerance)."""
    value = record[name]
    if name == "school_id":
        return rng.choice([s for s in _school_ids(lea) if s != value])
    if name == "grade_level":
        return rng.choice([g for g in grades if g != value])
    if name == "sex":
        return "M" if value == "F" else "F"
    if name == "race":
        return rng.choice([r for r in ["HI7", "MU7", *RACES] if r != value])
    if name == "exit_date" and not value:
        return date(int(record["entry_date"][:4]) + 1, 6, rng.randint(1, 30)).isoformat()
    days = tolerance[name] + rng.randint(1, 20)
    if name == "entry_date":
        days = -days  # earlier: still entered before the snapshot date
    else:
        days *= rng.choice([-1, 1])
    return (date.fromisoformat(value) + timedelta(days=days)).isoformat()


def _school(lea: str, school: str, values, grades) -> dict:
    return {
        "id": f"{school}-school",
        "schoolId": int(school),
        "nameOfInstitution": f"School {school}",
        "localEducationAgencyReference": {
            "localEducationAgencyId": int(lea),
            "link": {"rel": "LocalEducationAgency", "href": f"/ed-fi/localEducationAgencies/{lea}"},
        },
        "educationOrganizationCategories": [
            {
                "educationOrganizationCategoryDescriptor": _uri(
                    "EducationOrganizationCategoryDescriptor", "School"
                )
            }
        ],
        "gradeLevels": [
            {"gradeLevelDescriptor": _uri("GradeLevelDescriptor", values["grade_level"][g])}
            for g in grades
        ],
    }


def _student(student: str, birth_date: str) -> dict:
    return {
        "id": f"{student}-st",
        "studentUniqueId": student,
        "birthDate": birth_date,
        "firstName": "Pat",
        "lastSurname": "Example",
    }


def _student_ref(student: str) -> dict:
    return {
        "studentUniqueId": student,
        "link": {"rel": "Student", "href": f"/ed-fi/students/{student}"},
    }


def _seoa(student: str, lea: str, edfi: dict, values, rng) -> dict:
    hispanic, races = _races(edfi["race"], values, rng)
    return {
        "id": f"{student}-{lea}-seoa",
        "studentReference": _student_ref(student),
        "educationOrganizationReference": {
            "educationOrganizationId": int(lea),
            "link": {"rel": "LocalEducationAgency"},
        },
        "sexDescriptor": _uri("SexDescriptor", values["sex"][edfi["sex"]]),
        "hispanicLatinoEthnicity": hispanic,
        "races": races,
    }


def _ssa(student: str, school: str, grade: str, entry: str, exit_: str, values) -> dict:
    association = {
        "id": f"{student}-{school}-{entry}-ssa",
        "studentReference": _student_ref(student),
        "schoolReference": {
            "schoolId": int(school),
            "link": {"rel": "School", "href": f"/ed-fi/schools/{school}"},
        },
        "entryDate": entry,
        "entryGradeLevelDescriptor": _uri("GradeLevelDescriptor", values["grade_level"][grade]),
    }
    if exit_:
        association["exitWithdrawDate"] = exit_
    return association
