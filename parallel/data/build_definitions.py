"""Builds ``definitions.json`` (the shipped report definitions) from the data files beside it.

Run by a developer when the source files change: ``python parallel/data/build_definitions.py``.
The app itself only reads ``definitions.json`` (through a migration and the
``load_report_definitions`` command). Sources and licences: README.md in this folder.
"""

import csv
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
CROSSWALK_SOURCE = "Ed-Fi-to-Generate crosswalk (edfi_to_generate_crosswalk.csv)"
SUPPLEMENT_SOURCE = "Ed-Fi DS 5.2 default value, added here (README.md: supplement)"

# Generate's crosswalk ends in CEDS option names for race and sex; EDFacts wants these codes.
CEDS_TO_EDFACTS = {
    "race": {
        "AmericanIndianorAlaskaNative": "AM7",
        "Asian": "AS7",
        "BlackorAfricanAmerican": "BL7",
        "NativeHawaiianorOtherPacificIslander": "PI7",
        "White": "WH7",
    },
    "sex": {"Female": "F", "Male": "M", "NotSelected": "MISSING"},
}

# (crosswalk ssrd_table, field) pairs taken from the Generate crosswalk.
CROSSWALK_TABLES = {
    "RefDisabilityType": ["disability"],
    "RefIdeaeducationalEnvironmentSchoolAge": ["environment_sa"],
    "RefIDEAEducationalEnvironmentEC": ["environment_ec"],
    "RefRace": ["race"],
    "RefSex": ["sex"],
}

# Ed-Fi DS 5.2 default code values the DS 3.x-era crosswalk does not name.
SUPPLEMENT = {
    "disability": {
        "Autism Spectrum Disorders": "AUT",
        "Deaf-Blindness": "DB",
        "Hearing Impairment, including Deafness": "HI",
        "Intellectual Disability": "ID",
        "Multiple Disabilities": "MD",
        "Orthopedic Impairment": "OI",
        "Other Health Impairment": "OHI",
        "Speech or Language Impairment": "SLI",
        "Specific Learning Disability": "SLD",
        "Traumatic Brain Injury": "TBI",
        "Visual Impairment, including Blindness": "VI",
        "Developmental Delay": "DD",
    },
    "environment_sa": {
        "Inside regular class between 40-79% of the day": "RC79TO40",
    },
    "environment_ec": {
        "Home": "H",
        "Separate class": "SC",
        "Separate school": "SS",
        "Residential facility": "RF",
        "Service provider location": "SPL",
        "Regular early childhood program (10+ hrs)": "REC10YSVCS",
        "Regular early childhood program (less than 10 hrs)": "REC09YSVCS",
        "Other early childhood location (10+ hrs)": "REC10YOTHLOC",
        "Other early childhood location (< 10 hours)": "REC09YOTHLOC",
    },
    "race": {
        "American Indian or Alaska Native": "AM7",
        "Black or African American": "BL7",
        "Native Hawaiian or Pacific Islander": "PI7",
    },
    "english_learner": {
        "Limited": "LEP",
        "Limited Monitored 1": "NLEP",
        "Limited Monitored 2": "NLEP",
        "NotLimited": "NLEP",
    },
}

DESCRIPTOR_OF_FIELD = {
    "disability": "DisabilityDescriptor",
    "environment_sa": "SpecialEducationSettingDescriptor",
    "environment_ec": "SpecialEducationSettingDescriptor",
    "race": "RaceDescriptor",
    "sex": "SexDescriptor",
    "english_learner": "LimitedEnglishProficiencyDescriptor",
    "grade_level": "GradeLevelDescriptor",
}


def crosswalk_entries(fields: set[str]) -> list[dict]:
    entries: dict[tuple[str, str], dict] = {}
    with (HERE / "edfi_to_generate_crosswalk.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            targets = CROSSWALK_TABLES.get(row["ssrd_table"], [])
            if row["ssrd_table"] == "RefGradeLevel" and row["table_filter"] == "000100":
                targets = ["grade_level"]
            for field in targets:
                if field not in fields:
                    continue
                code = CEDS_TO_EDFACTS.get(field, {}).get(
                    row["ceds_or_edfacts_code"], row["ceds_or_edfacts_code"]
                )
                key = (field, row["edfi_code_value"].lower())
                entries[key] = {
                    "field": field,
                    "descriptor": row["edfi_descriptor"],
                    "edfi_code_value": row["edfi_code_value"],
                    "code": code,
                    "source": CROSSWALK_SOURCE,
                }
    for field, values in SUPPLEMENT.items():
        if field not in fields:
            continue
        for value, code in values.items():
            entries.setdefault(
                (field, value.lower()),
                {
                    "field": field,
                    "descriptor": DESCRIPTOR_OF_FIELD[field],
                    "edfi_code_value": value,
                    "code": code,
                    "source": SUPPLEMENT_SOURCE,
                },
            )
    return sorted(entries.values(), key=lambda e: (e["field"], e["edfi_code_value"].lower()))


def permitted(spec: dict, category: str) -> list[str]:
    for item in spec["categories"]:
        if item["code"] == category:
            return [value["code"] for value in item["permitted_values"]]
    raise KeyError(category)


def category_sets(spec: dict, field_of_category: dict[str, str]) -> list[dict]:
    sets = []
    for item in spec["category_sets"]:
        fields = [field_of_category[c] for c in item["categories"] if c != "NOCATS"]
        sets.append({"code": item["code"], "name": item["name"], "fields": fields})
    return sets


def child_count(spec: dict, *, environment: str, env_category: str, age_category: str, ages):
    field_of_category = {
        age_category: "age",
        "DISABCATIDEA": "disability",
        env_category: "environment",
        "RACEETHNIC": "race",
        "SEX": "sex",
        "LEPBOTH": "english_learner",
    }
    columns = [
        ("LEA_ID", "lea_id", "State LEA identifier", None),
        ("STUDENT_ID", "student_id", "State student identifier", None),
        ("AGE", "age", "Age on the child count date", age_category),
        ("DISABILITY_CATEGORY", "disability", "Primary disability category", "DISABCATIDEA"),
        ("EDUCATIONAL_ENVIRONMENT", "environment", "Educational environment", env_category),
        ("RACE_ETHNICITY", "race", "Race/ethnicity (federal 7 categories)", "RACEETHNIC"),
        ("SEX", "sex", "Sex", "SEX"),
        ("ENGLISH_LEARNER_STATUS", "english_learner", "English learner status", "LEPBOTH"),
    ]
    entries = crosswalk_entries({"disability", environment, "race", "sex", "english_learner"})
    for entry in entries:
        if entry["field"] == environment:
            entry["field"] = "environment"
    return {
        "columns": [
            {
                "column": column,
                "field": field,
                "label": label,
                "category": category or "",
                "permitted_values": permitted(spec, category) if category else [],
            }
            for column, field, label, category in columns
        ],
        "record_key": ["lea_id", "student_id"],
        "compared_fields": [c[1] for c in columns[2:]],
        "category_sets": category_sets(spec, field_of_category),
        "crosswalk": entries,
        "population": {"min_age": ages[0], "max_age": ages[1], "age_codes": ages[2]},
    }


def build() -> list[dict]:
    specs = json.loads((HERE / "edfacts_fs002_fs089.json").read_text(encoding="utf-8"))
    by_code = {spec["file_spec"]: spec for spec in specs["file_specs"]}
    fs002, fs089 = by_code["FS002"], by_code["FS089"]
    school_age = child_count(
        fs002,
        environment="environment_sa",
        env_category="EDENVIRIDEASA",
        age_category="AGESA",
        ages=(6, 21, {}),
    )
    early = child_count(
        fs089,
        environment="environment_ec",
        env_category="EDENVIDEAEC",
        age_category="AGEEC",
        ages=(3, 5, {"5": "AGE05NOTK"}),
    )
    note = (
        "Category sets and permitted values: EDFacts {spec} SY {year} from CEDS Generate "
        "(Apache-2.0); descriptor crosswalk: Ed-Fi-to-Generate (Apache-2.0) plus a DS 5.2 "
        "supplement. See parallel/data/README.md."
    )
    enrolment_entries = crosswalk_entries({"grade_level", "race", "sex"})
    grades = sorted({e["code"] for e in enrolment_entries if e["field"] == "grade_level"})
    return [
        {
            "code": "idea-child-count-school-age",
            "name": "IDEA Part B child count, school age (FS002)",
            "file_specs": "FS002",
            "derivation": "idea_child_count",
            "tolerance_absolute": 0,
            "tolerance_percent": "1.00",
            "source": note.format(spec="FS002", year=fs002["school_year_of_metadata"]),
            **school_age,
        },
        {
            "code": "idea-child-count-early-childhood",
            "name": "IDEA Part B child count, early childhood (FS089)",
            "file_specs": "FS089",
            "derivation": "idea_child_count",
            "tolerance_absolute": 0,
            "tolerance_percent": "1.00",
            "source": note.format(spec="FS089", year=fs089["school_year_of_metadata"]),
            **early,
        },
        {
            "code": "enrolment",
            "name": "Enrolment count on the snapshot date",
            "file_specs": "",
            "derivation": "enrolment",
            "tolerance_absolute": 0,
            "tolerance_percent": "0.50",
            "source": "Grade-level crosswalk: Ed-Fi-to-Generate (Apache-2.0). See README.md.",
            "columns": [
                {
                    "column": "LEA_ID",
                    "field": "lea_id",
                    "label": "State LEA identifier",
                    "category": "",
                    "permitted_values": [],
                },
                {
                    "column": "STUDENT_ID",
                    "field": "student_id",
                    "label": "State student id",
                    "category": "",
                    "permitted_values": [],
                },
                {
                    "column": "GRADE_LEVEL",
                    "field": "grade_level",
                    "label": "Grade level",
                    "category": "GRADELVL",
                    "permitted_values": [*grades, "MISSING"],
                },
                {
                    "column": "RACE_ETHNICITY",
                    "field": "race",
                    "label": "Race/ethnicity",
                    "category": "RACEETHNIC",
                    "permitted_values": permitted(fs002, "RACEETHNIC"),
                },
                {
                    "column": "SEX",
                    "field": "sex",
                    "label": "Sex",
                    "category": "SEX",
                    "permitted_values": permitted(fs002, "SEX"),
                },
            ],  # fmt: skip
            "record_key": ["lea_id", "student_id"],
            "compared_fields": ["grade_level", "race", "sex"],
            "category_sets": [
                {"code": "CSA", "name": "Grade × sex", "fields": ["grade_level", "sex"]},
                {"code": "CSB", "name": "Grade × race", "fields": ["grade_level", "race"]},
                {"code": "ST1", "name": "Grade", "fields": ["grade_level"]},
                {"code": "TOT", "name": "Total of the education unit", "fields": []},
            ],
            "crosswalk": enrolment_entries,
            "population": {},
        },
    ]


if __name__ == "__main__":
    out = HERE / "definitions.json"
    # The Ed-Fi sources (parallel/engine/vocabulary.py) are written by hand: kept as they are.
    kept = {d["code"]: d.get("edfi_source", {}) for d in json.loads(out.read_text())}
    built = [{**d, "edfi_source": kept.get(d["code"], {})} for d in build()]
    out.write_text(json.dumps(built, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
