"""Synthetic parallel-year collections with known, injected discrepancies.

Used by the benchmark (``bench/parallel.py``), the tests and demos: a legacy child-count CSV and
an Ed-Fi JSON Lines extract (students, student–education-organization associations, student
special-education program associations) shaped as the Ed-Fi API returns them (nested
references, descriptor URIs), plus the truth: every discrepancy that was injected.
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
