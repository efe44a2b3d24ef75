"""The bench's reference for fall membership: the comparison as a plain DuckDB script, outside
the app.

No validation, no explanations, nothing stored: schools, students, student–school and
student–education-organization associations and the legacy CSV are read with explicit schemas;
each student's school association active on the snapshot date (latest entry first) is placed in
its school's LEA, its grade and race/sex turned into codes, and the records compared with one
FULL JOIN (dates within their tolerance agree, as do two dates that are both absent).
``bench/parallel.py --report fall-membership --reference`` runs it on the same files.
"""

from __future__ import annotations

import csv
import time

import duckdb

REF = "STRUCT(studentUniqueId VARCHAR)"


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def reference(*, data, snapshot: str, crosswalk: list[dict], columns: list[dict],
              fields: list[str], tolerance_days: dict[str, int],
              memory_limit: str | None = None) -> tuple[float, set]:  # fmt: skip
    """(seconds, {(kind, lea, student, field)}) for the bench's files (``data``);
    ``tolerance_days``: of each date field."""
    started = time.perf_counter()
    con = duckdb.connect(config={"memory_limit": memory_limit} if memory_limit else {})
    con.execute("CREATE TABLE xw (field VARCHAR, value VARCHAR, code VARCHAR)")
    con.executemany(
        "INSERT INTO xw VALUES (?, ?, ?)",
        [(e["field"], e["edfi_code_value"].lower(), e["code"]) for e in crosswalk],
    )
    files = {name: str(path) for name, path in data.edfi_files.items()}
    schemas = {
        "schools": "{schoolId: 'VARCHAR', "
        "localEducationAgencyReference: 'STRUCT(localEducationAgencyId VARCHAR)'}",
        "students": "{studentUniqueId: 'VARCHAR', birthDate: 'DATE'}",
        "studentEducationOrganizationAssociations": f"{{studentReference: '{REF}', "
        "educationOrganizationReference: 'STRUCT(educationOrganizationId VARCHAR)', "
        "sexDescriptor: 'VARCHAR', hispanicLatinoEthnicity: 'BOOLEAN', "
        "races: 'STRUCT(raceDescriptor VARCHAR)[]'}",
        "studentSchoolAssociations": f"{{studentReference: '{REF}', "
        "schoolReference: 'STRUCT(schoolId VARCHAR)', entryDate: 'DATE', "
        "exitWithdrawDate: 'DATE', entryGradeLevelDescriptor: 'VARCHAR'}",
    }
    views = {"schools": "schools", "students": "students",
             "studentEducationOrganizationAssociations": "seoa",
             "studentSchoolAssociations": "ssa"}  # fmt: skip
    for resource_name, schema in schemas.items():
        con.execute(
            f"CREATE VIEW {views[resource_name]} AS SELECT * FROM read_json("
            f"{_text(files[resource_name])}, format='newline_delimited', columns={schema})"
        )
    # The legacy columns the file has (EXIT_DATE may be left out), the others as NULL.
    with open(data.legacy, newline="", encoding="utf-8") as handle:
        header = {name.upper() for name in next(csv.reader(handle))}
    rename = ", ".join(
        f'"{c["column"]}" AS {c["field"]}'
        if c["column"].upper() in header
        else f"NULL::VARCHAR AS {c['field']}"
        for c in columns
    )
    con.execute(
        f"CREATE VIEW legacy AS SELECT {rename} FROM read_csv({_text(str(data.legacy))}, "
        "header=true, all_varchar=true)"
    )

    def code(field: str, uri: str) -> str:
        return (f"CASE WHEN {uri} IS NULL THEN 'MISSING' ELSE coalesce((SELECT code FROM xw "
                f"WHERE field = '{field}' AND value = lower(split_part({uri}, '#', 2))), "
                "'UNMAPPED') END")  # fmt: skip

    race = (
        "CASE WHEN o.studentReference IS NULL THEN 'MISSING' WHEN o.hispanicLatinoEthnicity "
        "THEN 'HI7' WHEN len(o.races) > 1 THEN 'MU7' WHEN len(o.races) = 1 THEN "
        f"{code('race', 'o.races[1].raceDescriptor')} ELSE 'MISSING' END"
    )
    con.execute(
        f"""
        CREATE TABLE edfi AS
        WITH active AS (
            SELECT a.*, s.localEducationAgencyReference.localEducationAgencyId AS lea_id
            FROM ssa a JOIN schools s ON s.schoolId = a.schoolReference.schoolId
            WHERE a.entryDate <= $snap::DATE
              AND (a.exitWithdrawDate IS NULL OR a.exitWithdrawDate >= $snap::DATE)
            QUALIFY row_number() OVER (PARTITION BY lea_id, a.studentReference.studentUniqueId
                ORDER BY a.entryDate DESC, a.schoolReference.schoolId) = 1)
        SELECT a.lea_id, a.studentReference.studentUniqueId AS student_id,
               a.schoolReference.schoolId AS school_id,
               {code("grade_level", "a.entryGradeLevelDescriptor")} AS grade_level,
               a.entryDate AS entry_date, a.exitWithdrawDate AS exit_date,
               st.birthDate AS birth_date, {code("sex", "o.sexDescriptor")} AS sex,
               {race} AS race
        FROM active a
        LEFT JOIN students st ON st.studentUniqueId = a.studentReference.studentUniqueId
        LEFT JOIN seoa o ON o.studentReference.studentUniqueId = a.studentReference.studentUniqueId
         AND o.educationOrganizationReference.educationOrganizationId = a.lea_id
        """,
        {"snap": snapshot},
    )

    def differs(f: str) -> str:
        if f not in tolerance_days:
            return f"l.{f} IS DISTINCT FROM e.{f}"
        legacy_date = f"TRY_CAST(nullif(l.{f}, '') AS DATE)"
        return (
            f"CASE WHEN {legacy_date} IS NULL AND e.{f} IS NULL THEN false "
            f"WHEN {legacy_date} IS NULL OR e.{f} IS NULL THEN true "
            f"ELSE abs(date_diff('day', {legacy_date}, e.{f})) > {int(tolerance_days[f])} END"
        )

    # One FULL JOIN: each pair of records gives its kind and, when both sides hold it, the
    # fields that differ.
    differing = ", ".join(f"CASE WHEN {differs(f)} THEN '{f}' END" for f in fields)
    rows = con.execute(
        f"""
        WITH pairs AS (
            SELECT coalesce(l.lea_id, e.lea_id) AS lea_id,
                   coalesce(l.student_id, e.student_id) AS student_id,
                   CASE WHEN e.student_id IS NULL THEN ['only_legacy', '']
                        WHEN l.student_id IS NULL THEN ['only_edfi', '']
                   END AS side_only,
                   list_filter([{differing}], f -> f IS NOT NULL) AS fields
            FROM legacy l FULL JOIN edfi e ON l.lea_id = e.lea_id AND l.student_id = e.student_id)
        SELECT side_only[1], lea_id, student_id, side_only[2] FROM pairs WHERE side_only IS NOT NULL
        UNION ALL
        SELECT 'mismatch', lea_id, student_id, unnest(fields) FROM pairs WHERE side_only IS NULL
        """
    ).fetchall()
    con.close()
    return time.perf_counter() - started, set(rows)
