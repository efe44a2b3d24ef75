"""Builds ``definitions.json`` (the shipped report definitions) from the data files beside it.

Run by a developer when the source files or the definitions below change:
``python parallel/data/build_definitions.py``. The app itself only reads ``definitions.json``
(through the migrations and ``manage.py load_report_definitions``). Sources and licences:
README.md in this folder.
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
    # DS 5.2 splits the crosswalk's Preschool/Prekindergarten (→ PK) in two; both are PK.
    "grade_level": {
        "Preschool": "PK",
        "Prekindergarten": "PK",
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


# The Ed-Fi side of each definition, in the vocabulary of parallel/engine/vocabulary.py.
STUDENT = "studentReference.studentUniqueId"
STUDENT_JOIN = {"as": "student", "resource": "students", "on": {"student": "studentUniqueId"}}
EDORG_JOIN = {
    "as": "edorg",
    "resource": "studentEducationOrganizationAssociations",
    "on": {"student": STUDENT, "lea": "educationOrganizationReference.educationOrganizationId"},
}
SEX = {"source": "descriptor", "path": "edorg.sexDescriptor"}
RACE = {"source": "federal_race", "of": "edorg"}
CHILD_COUNT_SOURCE = {
    "record": {
        "resource": "studentSpecialEducationProgramAssociations",
        "student": STUDENT,
        "lea": "record.educationOrganizationReference.educationOrganizationId",
        "active": {"begin": "beginDate", "end": "endDate"},
        "prefer": [
            {"path": "beginDate", "descending": True},
            {"path": "programReference.programName"},
        ],
    },
    "joins": [STUDENT_JOIN, EDORG_JOIN],
    "population": [{"rule": "age_range", "birth": "student.birthDate"}],
    "fields": {
        "age": {"source": "age_on", "birth": "student.birthDate"},
        "disability": {
            "source": "descriptor",
            "path": "record.disabilities[].disabilityDescriptor",
            "first_by": "orderOfDisability",
        },
        "environment": {"source": "descriptor", "path": "record.specialEducationSettingDescriptor"},
        "race": RACE,
        "sex": SEX,
        "english_learner": {
            "source": "descriptor",
            "path": "edorg.limitedEnglishProficiencyDescriptor",
        },
    },
}
# A student's school association active on the snapshot date (the latest entry wins), in the
# LEA of the school.
SCHOOL_RECORD = {
    "resource": "studentSchoolAssociations",
    "student": STUDENT,
    "lea": "school.localEducationAgencyReference.localEducationAgencyId",
    "through": [
        {"as": "school", "resource": "schools", "on": {"schoolReference.schoolId": "schoolId"}}
    ],
    "active": {"begin": "entryDate", "end": "exitWithdrawDate"},
    "prefer": [{"path": "entryDate", "descending": True}, {"path": "schoolReference.schoolId"}],
}
GRADE_LEVEL = {"source": "descriptor", "path": "record.entryGradeLevelDescriptor"}
# Days two dates may differ by and still agree (a record keyed a few days late).
DATE_TOLERANCE_DAYS = 3
# EDFacts grade levels of a membership count.
MEMBERSHIP_GRADES = ["PK", "KG", *(f"{n:02d}" for n in range(1, 14)), "UG"]


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
        "edfi_source": CHILD_COUNT_SOURCE,
    }


def column(column: str, field: str, label: str, category: str = "", permitted_values=(),
           **more) -> dict:  # fmt: skip
    return {
        "column": column,
        "field": field,
        "label": label,
        "category": category,
        "permitted_values": list(permitted_values),
        **more,
    }


def enrolment(fs002: dict) -> dict:
    """Who is enrolled where on the snapshot date, by grade, race and sex."""
    entries = crosswalk_entries({"grade_level", "race", "sex"})
    grades = sorted({e["code"] for e in entries if e["field"] == "grade_level"})
    return {
        "code": "enrolment",
        "name": "Enrolment count on the snapshot date",
        "file_specs": "",
        "derivation": "enrolment",
        "tolerance_absolute": 0,
        "tolerance_percent": "0.50",
        "source": "Grade-level crosswalk: Ed-Fi-to-Generate (Apache-2.0). See README.md.",
        "columns": [
            column("LEA_ID", "lea_id", "State LEA identifier"),
            column("STUDENT_ID", "student_id", "State student id"),
            column("GRADE_LEVEL", "grade_level", "Grade level", "GRADELVL", [*grades, "MISSING"]),
            column(
                "RACE_ETHNICITY",
                "race",
                "Race/ethnicity",
                "RACEETHNIC",
                permitted(fs002, "RACEETHNIC"),
            ),
            column("SEX", "sex", "Sex", "SEX", permitted(fs002, "SEX")),
        ],  # fmt: skip
        "record_key": ["lea_id", "student_id"],
        "compared_fields": ["grade_level", "race", "sex"],
        "category_sets": [
            {"code": "CSA", "name": "Grade × sex", "fields": ["grade_level", "sex"]},
            {"code": "CSB", "name": "Grade × race", "fields": ["grade_level", "race"]},
            {"code": "ST1", "name": "Grade", "fields": ["grade_level"]},
            {"code": "TOT", "name": "Total of the education unit", "fields": []},
        ],
        "crosswalk": entries,
        "population": {},
        "edfi_source": {
            "record": SCHOOL_RECORD,
            "joins": [EDORG_JOIN],
            "population": [],
            "fields": {"grade_level": GRADE_LEVEL, "race": RACE, "sex": SEX},
        },
    }


def fall_membership(fs002: dict) -> dict:
    """Fall (October) membership: each student's school, grade, entry and exit dates on the
    snapshot date, with birth date, race and sex; the grade crosswalk is the enrolment's."""
    date = {"source": "date", "tolerance_days": DATE_TOLERANCE_DAYS}
    return {
        "code": "fall-membership",
        "name": "Fall membership on the snapshot date",
        "file_specs": "",
        "derivation": "enrolment",
        "tolerance_absolute": 0,
        "tolerance_percent": "0.50",
        "source": (
            "Grade-level, race and sex crosswalk: Ed-Fi-to-Generate (Apache-2.0) plus a DS 5.2 "
            "supplement; race and sex permitted values: EDFacts FS002 SY "
            f"{fs002['school_year_of_metadata']} from CEDS Generate (Apache-2.0). Dates agree "
            f"within {DATE_TOLERANCE_DAYS} days (birth date: exactly); a blank exit date agrees "
            "with none in Ed-Fi. See parallel/data/README.md."
        ),
        "columns": [
            column("LEA_ID", "lea_id", "State LEA identifier"),
            column("STUDENT_ID", "student_id", "State student identifier"),
            column("SCHOOL_ID", "school_id", "School identifier"),
            column(
                "GRADE_LEVEL",
                "grade_level",
                "Grade level",
                "GRADELVL",
                [*MEMBERSHIP_GRADES, "MISSING"],
            ),
            column("ENTRY_DATE", "entry_date", "Entry date (YYYY-MM-DD)"),
            column(
                "EXIT_DATE",
                "exit_date",
                "Exit date (YYYY-MM-DD), blank while enrolled",
                optional=True,
            ),
            column("BIRTH_DATE", "birth_date", "Birth date (YYYY-MM-DD)"),
            column("SEX", "sex", "Sex", "SEX", permitted(fs002, "SEX")),
            column(
                "RACE_ETHNICITY",
                "race",
                "Race/ethnicity (federal 7 categories)",
                "RACEETHNIC",
                permitted(fs002, "RACEETHNIC"),
            ),
        ],  # fmt: skip
        "record_key": ["lea_id", "student_id"],
        "compared_fields": [
            "school_id",
            "grade_level",
            "entry_date",
            "exit_date",
            "birth_date",
            "sex",
            "race",
        ],  # fmt: skip
        "category_sets": [
            {"code": "CSA", "name": "Grade × race × sex", "fields": ["grade_level", "race", "sex"]},
            {"code": "CSB", "name": "School × grade", "fields": ["school_id", "grade_level"]},
            {"code": "ST1", "name": "Grade", "fields": ["grade_level"]},
            {"code": "ST2", "name": "Race/ethnicity", "fields": ["race"]},
            {"code": "ST3", "name": "Sex", "fields": ["sex"]},
            {"code": "TOT", "name": "Total of the education unit", "fields": []},
        ],
        "crosswalk": crosswalk_entries({"grade_level", "race", "sex"}),
        "population": {},
        "edfi_source": {
            "record": SCHOOL_RECORD,
            "joins": [STUDENT_JOIN, EDORG_JOIN],
            "population": [],
            "fields": {
                "school_id": {"source": "member", "path": "record.schoolReference.schoolId"},
                "grade_level": GRADE_LEVEL,
                "entry_date": {**date, "path": "record.entryDate"},
                "exit_date": {**date, "path": "record.exitWithdrawDate"},
                "birth_date": {"source": "date", "path": "student.birthDate"},
                "sex": SEX,
                "race": RACE,
            },
        },
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
    # EDFacts counts a 5-year-old in kindergarten in FS002 (AGE05K) and one not in kindergarten
    # in FS089 (AGE05NOTK). The program association these reports are built from has no grade
    # level, and the vocabulary joins no school association to a program, so neither report
    # can tell them apart: said on both, not faked.
    age_five = (
        " Not derived: kindergarten. EDFacts counts 5-year-olds in kindergarten in FS002 "
        "(AGE05K) and only those not in kindergarten in FS089 (AGE05NOTK), but the program "
        "association this report is built from has no grade level. {effect}"
    )
    age_five_sa = age_five.format(
        effect="Ed-Fi records here are ages 6-21: a legacy AGE05K record shows as excluded by age."
    )
    age_five_ec = age_five.format(
        effect="Every 5-year-old in Ed-Fi is counted here as AGE05NOTK: one in kindergarten "
        "shows as only in Ed-Fi when the legacy file rightly leaves it out."
    )
    return [
        {
            "code": "idea-child-count-school-age",
            "name": "IDEA Part B child count, school age (FS002)",
            "file_specs": "FS002",
            "derivation": "idea_child_count",
            "tolerance_absolute": 0,
            "tolerance_percent": "1.00",
            "source": note.format(spec="FS002", year=fs002["school_year_of_metadata"])
            + age_five_sa,
            **school_age,
        },
        {
            "code": "idea-child-count-early-childhood",
            "name": "IDEA Part B child count, early childhood (FS089)",
            "file_specs": "FS089",
            "derivation": "idea_child_count",
            "tolerance_absolute": 0,
            "tolerance_percent": "1.00",
            "source": note.format(spec="FS089", year=fs089["school_year_of_metadata"])
            + age_five_ec,
            **early,
        },
        enrolment(fs002),
        fall_membership(fs002),
    ]


if __name__ == "__main__":
    out = HERE / "definitions.json"
    out.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
