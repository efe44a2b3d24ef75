"""The bench's reference: the child-count comparison as a plain DuckDB script, outside the app.

No validation, no explanations, nothing stored: the three Ed-Fi resources and the legacy CSV are
read with explicit schemas, the records derived on the snapshot date (active program, age range,
primary disability, federal race/ethnicity rule, crosswalk) and compared with one FULL JOIN.
``bench/parallel.py --reference`` runs it on the same files in the same run as the job.
"""

from __future__ import annotations

import time

import duckdb

REF = "STRUCT(studentUniqueId VARCHAR)"
EDORG = "STRUCT(educationOrganizationId VARCHAR)"


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def reference(*, data, snapshot: str, crosswalk: list[dict], population: dict,
              columns: list[dict], fields: list[str],
              memory_limit: str | None = None) -> tuple[float, set]:  # fmt: skip
    """(seconds, {(kind, lea, student, field)}) for the bench's files (``data``)."""
    started = time.perf_counter()
    # DuckDB's defaults, as a plain script would run (a 512 MB limit in this process, beside
    # the bench's own memory, made DuckDB 1.4 stall at a million students).
    con = duckdb.connect(config={"memory_limit": memory_limit} if memory_limit else {})
    con.execute("CREATE TABLE xw (field VARCHAR, value VARCHAR, code VARCHAR)")
    con.executemany(
        "INSERT INTO xw VALUES (?, ?, ?)",
        [(e["field"], e["edfi_code_value"].lower(), e["code"]) for e in crosswalk],
    )
    files = {name: str(path) for name, path in data.edfi_files.items()}
    schemas = {
        "students": "{studentUniqueId: 'VARCHAR', birthDate: 'DATE'}",
        "seoa": f"{{studentReference: '{REF}', educationOrganizationReference: '{EDORG}', "
        "sexDescriptor: 'VARCHAR', hispanicLatinoEthnicity: 'BOOLEAN', "
        "races: 'STRUCT(raceDescriptor VARCHAR)[]', "
        "limitedEnglishProficiencyDescriptor: 'VARCHAR'}",
        "sepa": f"{{studentReference: '{REF}', educationOrganizationReference: '{EDORG}', "
        "programReference: 'STRUCT(programName VARCHAR)', beginDate: 'DATE', endDate: 'DATE', "
        "specialEducationSettingDescriptor: 'VARCHAR', "
        "disabilities: 'STRUCT(disabilityDescriptor VARCHAR, orderOfDisability VARCHAR)[]'}",
    }
    resources = {"students": "students", "seoa": "studentEducationOrganizationAssociations",
                 "sepa": "studentSpecialEducationProgramAssociations"}  # fmt: skip
    for view, schema in schemas.items():
        con.execute(
            f"CREATE VIEW {view} AS SELECT * FROM read_json({_text(files[resources[view]])}, "
            f"format='newline_delimited', columns={schema})"
        )
    con.execute(
        f"CREATE VIEW legacy AS SELECT * FROM read_csv({_text(str(data.legacy))}, header=true, "
        "all_varchar=true)"
    )

    def code(field: str, uri: str) -> str:
        return (f"CASE WHEN {uri} IS NULL THEN 'MISSING' ELSE coalesce((SELECT code FROM xw "
                f"WHERE field = '{field}' AND value = lower(split_part({uri}, '#', 2))), "
                "'UNMAPPED') END")  # fmt: skip

    age = "date_sub('year', s.birthDate, $snap::DATE)"
    codes = population.get("age_codes", {})
    age_code = f"{age}::VARCHAR"
    if codes:
        whens = " ".join(f"WHEN {age} = {int(k)} THEN '{v}'" for k, v in codes.items())
        age_code = f"CASE {whens} ELSE {age_code} END"
    race = (
        "CASE WHEN o.studentReference IS NULL THEN 'MISSING' WHEN o.hispanicLatinoEthnicity "
        "THEN 'HI7' WHEN len(o.races) > 1 THEN 'MU7' WHEN len(o.races) = 1 THEN "
        f"{code('race', 'o.races[1].raceDescriptor')} ELSE 'MISSING' END"
    )
    primary = (
        "list_sort(list_transform(p.disabilities, d -> [coalesce(d.orderOfDisability, '~'), "
        "d.disabilityDescriptor]))[1][2]"
    )
    con.execute(
        f"""
        CREATE TABLE edfi AS
        WITH active AS (
            SELECT * FROM sepa WHERE beginDate <= $snap::DATE
              AND (endDate IS NULL OR endDate >= $snap::DATE)
            QUALIFY row_number() OVER (PARTITION BY studentReference.studentUniqueId,
                educationOrganizationReference.educationOrganizationId
                ORDER BY beginDate DESC, programReference.programName) = 1)
        SELECT p.educationOrganizationReference.educationOrganizationId AS lea_id,
               p.studentReference.studentUniqueId AS student_id,
               CASE WHEN s.studentUniqueId IS NULL THEN 'MISSING' ELSE {age_code} END AS age,
               {code("disability", primary)} AS disability,
               {code("environment", "p.specialEducationSettingDescriptor")} AS environment,
               {race} AS race, {code("sex", "o.sexDescriptor")} AS sex,
               {code("english_learner", "o.limitedEnglishProficiencyDescriptor")}
                   AS english_learner
        FROM active p
        LEFT JOIN students s ON s.studentUniqueId = p.studentReference.studentUniqueId
        LEFT JOIN seoa o ON o.studentReference.studentUniqueId = p.studentReference.studentUniqueId
         AND o.educationOrganizationReference.educationOrganizationId
             = p.educationOrganizationReference.educationOrganizationId
        WHERE s.birthDate IS NULL OR {age} BETWEEN $low AND $high
        """,
        {"snap": snapshot, "low": int(population.get("min_age", 0)),
         "high": int(population.get("max_age", 200))},
    )  # fmt: skip
    rename = ", ".join(f'"{c["column"]}" AS {c["field"]}' for c in columns)
    # One FULL JOIN: each pair of records gives its kind and, when both sides hold it, the
    # fields that differ.
    differing = ", ".join(f"CASE WHEN l.{f} IS DISTINCT FROM e.{f} THEN '{f}' END" for f in fields)
    rows = con.execute(
        f"""
        WITH l AS (SELECT {rename} FROM legacy),
        pairs AS (
            SELECT coalesce(l.lea_id, e.lea_id) AS lea_id,
                   coalesce(l.student_id, e.student_id) AS student_id,
                   CASE WHEN e.student_id IS NULL THEN ['only_legacy', '']
                        WHEN l.student_id IS NULL THEN ['only_edfi', '']
                   END AS side_only,
                   list_filter([{differing}], f -> f IS NOT NULL) AS fields
            FROM l FULL JOIN edfi e ON l.lea_id = e.lea_id AND l.student_id = e.student_id)
        SELECT side_only[1], lea_id, student_id, side_only[2] FROM pairs WHERE side_only IS NOT NULL
        UNION ALL
        SELECT 'mismatch', lea_id, student_id, unnest(fields) FROM pairs WHERE side_only IS NULL
        """
    ).fetchall()
    con.close()
    return time.perf_counter() - started, set(rows)
