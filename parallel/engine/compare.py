"""A report definition compiled into DuckDB SQL: the Ed-Fi records on the snapshot date (each
kept or excluded by a population rule, with why), the comparison with the legacy records (every
difference explained), the differing cells and the data-quality warnings.

Tables it reads: ``legacy`` (``legacy.load``), ``edfi_<resource>`` (``edfi.load``), ``xw``
(field, lower-cased Ed-Fi code value, code, entry) and ``leas`` (state id, Ed-Fi id). Tables it
leaves: ``derived``, ``explained`` (raw values and crosswalk entries of the records a data team
reads), ``diff``, ``cells``, ``counts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from parallel.engine import vocabulary
from parallel.engine.sql import Params, quote

# Why a record present in Ed-Fi is not counted, in words (``excluded_by`` codes).
EXCLUSIONS = {
    "inactive": "not active on the snapshot date",
    "age_range": "age outside the report's range on the snapshot date",
}


@dataclass
class Compiled:
    statements: list[tuple[str, list]]  # (SQL, its parameters), run in order

    @property
    def sql(self) -> str:
        return ";\n".join(sql.strip() for sql, _ in self.statements)

    @property
    def params(self) -> list:
        return [value for _, values in self.statements for value in values]


def _ref(qualified: str, source: dict) -> str:
    """A column of an aliased path: a column of ``chosen`` for the record and the resources it
    is joined ``through`` (named ``alias.path``: see ``_chosen_rows``), table columns for the
    other joins."""
    alias, _, path = qualified.partition(".")
    if alias in _chosen_aliases(source):
        return f"c.{quote(qualified)}"
    return f"{quote(alias)}.{quote(path)}"


def _chosen_aliases(source: dict) -> list[str]:
    return ["record", *(t["as"] for t in source["record"].get("through", []))]


def _as_date(text: str) -> str:
    return f"TRY_CAST({text} AS DATE)"


def _as_number(text: str) -> str:
    """A validated ISO date as YYYYMMDD: whole years between two are a difference // 10000."""
    return f"TRY_CAST(replace({text}, '-', '') AS INTEGER)"


def derive_sql(definition, snapshot: date) -> Compiled:
    """The statements turning Ed-Fi resources into the definition's records (``derived``): the
    record chosen per LEA and student on the snapshot date (``chosen``), then its values."""
    p, parts = _derivation(definition, snapshot)
    sql = f"""
        CREATE OR REPLACE TABLE derived AS
        SELECT coalesce(leas.state_id, c.lea_raw) AS lea_id, c.student_id, c.rid,
               leas.state_id IS NOT NULL AS in_cycle,
               CASE {parts["exclusions"]} END AS excluded_by,
               -- (excluded_by is the column above: most records are not excluded, and their
               -- detail is not worked out again.)
               CASE WHEN excluded_by IS NOT NULL THEN CASE {parts["detail"]} END END
                   AS excluded_detail,
               {parts["values"]}
        FROM chosen c
        LEFT JOIN leas ON leas.edfi_id = c.lea_raw
        {parts["joins"]}
    """
    return Compiled([_chosen_sql(definition.edfi_source, snapshot), p.used_in(sql)])


def explain_sql(definition, snapshot: date) -> Compiled:
    """``explained``: for the derived records listed in ``wanted`` (by ``rid``), each field's
    raw Ed-Fi value(s) and the crosswalk entry its code comes from.

    Worked out only for the few records a data team reads (those that differ, those with a
    code the crosswalk lacks), by the same expressions as their values: for every record, they
    were a third of the derivation's time and of what ``derived`` held."""
    # The other resources are read for these records' students only: a join with a whole
    # resource would hash a million records for a few thousand.
    p, parts = _derivation(definition, snapshot, students="wanted_chosen")
    chosen = (
        "CREATE OR REPLACE TABLE wanted_chosen AS "
        f"{_chosen_rows(definition.edfi_source, snapshot, 'wanted')}"
    )
    sql = f"""
        CREATE OR REPLACE TABLE explained AS
        SELECT c.rid, {parts["explained"]}
        FROM wanted_chosen c
        {parts["joins"]}
    """
    return Compiled([(chosen, []), p.used_in(sql)])


def _derivation(definition, snapshot: date,
                students: str | None = None) -> tuple[Params, dict[str, str]]:  # fmt: skip
    """The parts of the derivation (its bound values in the Params): the exclusion rules and
    their detail (CASE branches), the fields' values and their explanations (select lists),
    and the joins reading the other resources and the crosswalk (with ``students``, a table
    of chosen records: of their students only)."""
    source = definition.edfi_source
    record = source["record"]
    p = Params()
    snap = _Lazy(p, "snap", snapshot, cast="DATE")
    snap_number = _Lazy(p, "snap_number", int(snapshot.strftime("%Y%m%d")))
    active = record.get("active") or {}
    joins = ""
    for join in source.get("joins", []):
        on = []
        for side, path in join["on"].items():
            key = {"student": "c.student_id", "lea": "c.lea_raw"}[side]
            on.append(f"{quote(join['as'])}.{quote(path)} = {key}")
        table = quote("edfi_" + join["resource"])
        if students and "student" in join["on"]:
            table = (
                f"(SELECT * FROM {table} WHERE {quote(join['on']['student'])} IN "
                f"(SELECT student_id FROM {quote(students)}))"
            )
        joins += f" LEFT JOIN {table} {quote(join['as'])} ON {' AND '.join(on)}"
    population = definition.population or {}
    exclusions = ["WHEN NOT c.active THEN 'inactive'"]
    details = []
    if active.get("begin"):
        begin = _ref(f"record.{active['begin']}", source)
        detail = f"'{active['begin']} ' || coalesce({begin}, '—')"
        if active.get("end"):
            end = _ref(f"record.{active['end']}", source)
            detail += f" || ', {active['end']} ' || coalesce({end}, '—')"
        details.append(f"WHEN NOT c.active THEN {detail}")
    for rule in source.get("population", []):
        if rule["rule"] == "age_range":
            birth = _ref(rule["birth"], source)
            age = f"(({snap_number} - {_as_number(birth)}) // 10000)"
            low, high = (
                p.add(int(population.get("min_age", 0))),
                p.add(int(population.get("max_age", 200))),
            )
            exclusions.append(
                f"WHEN {birth} IS NOT NULL AND NOT ({age} BETWEEN {low} AND {high}) "
                "THEN 'age_range'"
            )
            details.append(
                f"WHEN {birth} IS NOT NULL AND NOT ({age} BETWEEN {low} AND {high}) THEN "
                f"'{rule['birth'].partition('.')[2]} ' || {birth} || ' (age ' || {age} || ')'"
            )
    values, explained, xw_joins = [], [], []
    for name in definition.compared_fields:
        value, raw, entry, xw = _field_sql(name, definition.edfi_source["fields"][name], source,
                                           p, snap, snap_number, population,
                                           students)  # fmt: skip
        values.append(f"{value} AS {quote(name)}")
        explained.append(f"{raw} AS {quote(name + '__raw')}, {entry} AS {quote(name + '__entry')}")
        xw_joins += xw
    return p, {
        "exclusions": " ".join(exclusions),
        "detail": " ".join(details) or "WHEN false THEN ''",
        "values": ", ".join(values),
        "explained": ", ".join(explained),
        "joins": f"{joins} {' '.join(xw_joins)}",
    }


def _chosen_sql(source: dict, snapshot: date) -> tuple[str, list]:
    """The ``chosen`` view: per LEA and student, the record active on the snapshot date (else
    the latest), with the resources it is joined ``through``.

    A view, read once by ``derived``: stored, a copy of every chosen record spilled to disk
    beyond the memory limit (3 s of 25 at five million records). A view takes no parameters:
    the snapshot date is written into it as a date literal."""
    record = source["record"]
    student = f"record.{quote(record['student'])}"
    lea_alias, _, lea_path = record["lea"].partition(".")
    lea = f"{quote(lea_alias)}.{quote(lea_path)}"
    through = _through(record)
    prefer = ", ".join(
        f"record.{quote(item['path'])} {'DESC' if item.get('descending') else 'ASC'} NULLS LAST"
        for item in record.get("prefer", [])
    )
    table = quote("edfi_" + record["resource"])
    # Most students have one record per LEA: only the keys with several are ranked (a window
    # over every record neither fits the memory limit at millions of records nor is needed),
    # on the keys alone, and the chosen records fetched by row.
    sql = f"""
        CREATE OR REPLACE VIEW chosen AS
        WITH counted AS (
            SELECT {lea} AS k_lea, {student} AS k_student, count(*) AS n,
                   min(record.rowid) AS rid
            FROM {table} record {through}
            WHERE {student} IS NOT NULL AND {lea} IS NOT NULL
            GROUP BY ALL
        ), best AS (
            SELECT rid FROM counted WHERE n = 1
            UNION ALL
            SELECT record.rowid FROM {table} record {through}
            SEMI JOIN (SELECT k_lea, k_student FROM counted WHERE n > 1) s
                ON s.k_lea = {lea} AND s.k_student = {student}
            QUALIFY row_number() OVER (
                PARTITION BY {lea}, {student}
                ORDER BY {_is_active(record, snapshot)} DESC{", " + prefer if prefer else ""}) = 1
        )
        {_chosen_rows(source, snapshot, "best")}
    """
    return sql, []


def _chosen_rows(source: dict, snapshot: date, rows: str) -> str:
    """The chosen records whose row (``rid``) table ``rows`` lists: keys, whether active on the
    snapshot date, and the columns the derivation reads of the record and of the resources it
    is joined ``through``, each named ``alias.path``. (Column by column, not the whole row as
    a STRUCT: a STRUCT of every column is built for each record and carried through every
    join that follows.)"""
    record = source["record"]
    student = f"record.{quote(record['student'])}"
    lea_alias, _, lea_path = record["lea"].partition(".")
    lea = f"{quote(lea_alias)}.{quote(lea_path)}"
    aliases, paths = vocabulary.aliases_of(source), vocabulary.resource_paths(source)
    carried = ", ".join(
        f"{quote(alias)}.{quote(path)} AS {quote(alias + '.' + path)}"
        for alias in _chosen_aliases(source)
        for path in sorted(paths[aliases[alias]])
    )
    return (
        f"SELECT {student} AS student_id, {lea} AS lea_raw, "
        f"{_is_active(record, snapshot)} AS active, record.rowid AS rid, {carried} "
        f"FROM {quote('edfi_' + record['resource'])} record {_through(record)} "
        f"SEMI JOIN {rows} b ON b.rid = record.rowid"
    )


def _through(record: dict) -> str:
    return "".join(
        f" JOIN {quote('edfi_' + t['resource'])} {quote(t['as'])} ON "
        + " AND ".join(
            f"{quote(t['as'])}.{quote(theirs)} = record.{quote(ours)}"
            for ours, theirs in t["on"].items()
        )
        for t in record.get("through", [])
    )


def _is_active(record: dict, snapshot: date) -> str:
    """Whether the record is active on the snapshot date (a date literal: see ``chosen``)."""
    active = record.get("active") or {}
    if not active.get("begin"):
        return "true"
    snap = f"DATE '{snapshot.isoformat()}'"
    begin = f"record.{quote(active['begin'])}"
    is_active = f"({_as_date(begin)} <= {snap}"
    if active.get("end"):
        end = f"record.{quote(active['end'])}"
        is_active += f" AND ({end} IS NULL OR {_as_date(end)} >= {snap})"
    return is_active + ")"


class _Lazy:
    """A bound value whose ``$n`` is taken when the SQL text first uses it."""

    def __init__(self, params: Params, key: str, value, cast: str = ""):
        self.params, self.key, self.value, self.cast = params, key, value, cast

    def __str__(self) -> str:
        bound = self.params.once(self.key, self.value)
        return f"{bound}::{self.cast}" if self.cast else bound

    __format__ = lambda self, spec: str(self)  # noqa: E731


def _crosswalk(name: str, raw: str, p: Params) -> tuple[str, str, list[str]]:
    """(code, entry, joins) of ``raw`` through the field's crosswalk, looked up in a MAP built
    once: a hash join per field would carry every record's columns through each join."""
    alias = quote(f"xw_{name}")
    join = (
        f"CROSS JOIN (SELECT map_from_entries(list({{'key': value, 'value': "
        f"{{'code': code, 'entry': entry}}}})) AS m FROM xw WHERE field = {p.add(name)}) {alias}"
    )
    found = f"map_extract_value({alias}.m, lower({raw}))"
    return f"({found}).code", f"({found}).entry", [join]


def _field_sql(name, spec, source, p: Params, snap, snap_number, population, students=None):
    """(value, raw Ed-Fi value, crosswalk entry, joins) of one compared field (``students``:
    see ``_derivation``)."""
    kind = spec["source"]
    none = "NULL::VARCHAR"
    if kind == "member":
        value = _ref(spec["path"], source)
        return f"coalesce({value}, 'MISSING')", value, none, []
    if kind == "date":
        value = _ref(spec["path"], source)
        return f"coalesce({value}, 'MISSING')", value, none, []
    if kind == "boolean_code":
        value = _ref(spec["path"], source)
        yes, no = p.add(spec.get("true", "Y")), p.add(spec.get("false", "N"))
        return (
            f"CASE {value} WHEN 'true' THEN {yes} WHEN 'false' THEN {no} ELSE 'MISSING' END",
            value,
            none,
            [],
        )
    if kind == "age_on":
        birth = _ref(spec["birth"], source)
        age = f"(({snap_number} - {_as_number(birth)}) // 10000)::VARCHAR"
        # The report's own codes for some ages (e.g. 5 → AGE05NOTK), else the age itself.
        codes = " ".join(
            f"WHEN {p.add(str(years))} THEN {p.add(code)}"
            for years, code in population.get("age_codes", {}).items()
        )
        coded = f"CASE {age} {codes} ELSE {age} END" if codes else age
        value = f"CASE WHEN {birth} IS NULL THEN 'MISSING' ELSE {coded} END"
        return value, birth, none, []
    if kind == "descriptor":
        if spec.get("first_by"):
            path = spec["path"]
            alias, _, member_path = path.partition(".")
            order = f"{member_path.split('[]')[0]}[].{spec['first_by']}"
            values = _ref(path, source)
            orders = _ref(f"{alias}.{order}", source)
            raw = _first_by(orders, values)
        else:
            raw = f"nullif({_ref(spec['path'], source)}, '')"
        code, entry, joins = _crosswalk(name, raw, p)
        value = f"CASE WHEN {raw} IS NULL THEN 'MISSING' ELSE coalesce({code}, 'UNMAPPED') END"
        return value, raw, entry, joins
    if kind == "federal_race":
        alias = quote(spec["of"])
        hispanic = f"{alias}.{quote('hispanicLatinoEthnicity')}"
        races = f"{alias}.{quote('races[].raceDescriptor')}"
        first = f"nullif({races}[1], '')"
        code, entry, joins = _crosswalk(name, first, p)
        key = f"{alias}.{quote(vocabulary.RESOURCES[_resource(source, spec['of'])].key[0])}"
        value = (
            f"CASE WHEN {key} IS NULL THEN 'MISSING' WHEN lower({hispanic}) = 'true' THEN 'HI7' "
            f"WHEN len({races}) > 1 THEN 'MU7' "
            f"WHEN len({races}) = 1 THEN coalesce({code}, 'UNMAPPED') ELSE 'MISSING' END"
        )
        raw = (
            f"CASE WHEN lower({hispanic}) = 'true' THEN 'hispanicLatinoEthnicity true' "
            f"WHEN len({races}) = 1 THEN {first} "
            f"WHEN len({races}) > 1 THEN array_to_string({races}, ' + ') END"
        )
        single = f"len({races}) = 1 AND lower(coalesce({hispanic}, '')) <> 'true'"
        entry = f"CASE WHEN {single} THEN {entry} END"
        return value, raw, entry, joins
    if kind == "has_program":
        return _has_program(name, spec, p, snap, students)
    raise ValueError(f"{name}: unknown source {kind!r}")


def _has_program(name: str, spec: dict, p: Params, snap,
                 students: str | None = None) -> tuple[str, str, str, list[str]]:  # fmt: skip
    """Yes when the student has an association with the program active on the snapshot date
    in the record's LEA (at the LEA or one of its schools) or, with ``"at": "any"``, anywhere.
    The raw value names the association(s) decided from: the active ones for yes, else every
    one of the program (ended, or not begun yet), else that there is none."""
    student, edorg = f"h.{quote(vocabulary.STUDENT)}", f"h.{quote(vocabulary.EDORG)}"
    active, detail, order = _association(spec, p, snap)
    program, wanted = f"h.{quote(spec['program_path'])}", p.add(spec["program"])
    if vocabulary.is_descriptor(spec["program_path"]):
        # Descriptor code values compare case-insensitively, as the Ed-Fi API compares them.
        program, wanted = f"lower({program})", f"lower({wanted})"
    alias = quote(f"hp_{name}")
    in_lea = spec.get("at", "lea") == "lea"
    of_students = f"AND {student} IN (SELECT student_id FROM {quote(students)})" if students else ""
    place, schools, on = "NULL", "", "true"
    if in_lea:
        # An association recorded at a school belongs to the school's LEA.
        place = f"coalesce(s.{quote(vocabulary.SCHOOL_LEA)}, {edorg})"
        schools = f"LEFT JOIN {quote('edfi_schools')} s ON s.{quote('schoolId')} = {edorg}"
        on = f"{alias}.lea_raw = c.lea_raw"
    join = f"""
        LEFT JOIN (
            SELECT {student} AS student_id, {place} AS lea_raw, bool_or({active}) AS found,
                   string_agg({detail}, '; ' {order}) FILTER (WHERE {active}) AS active_detail,
                   string_agg({detail}, '; ' {order}) AS any_detail
            FROM {quote("edfi_" + spec["resource"])} h {schools}
            WHERE {program} = {wanted} AND {student} IS NOT NULL {of_students}
            GROUP BY ALL
        ) {alias} ON {alias}.student_id = c.student_id AND {on}
    """
    yes, no = p.add(spec.get("yes", "Y")), p.add(spec.get("no", "N"))
    nothing = p.add("no association in this LEA" if in_lea else "no association")
    value = f"CASE WHEN {alias}.found THEN {yes} ELSE {no} END"
    raw = (
        f"CASE WHEN {alias}.found THEN {alias}.active_detail "
        f"ELSE coalesce({alias}.any_detail, {nothing}) END"
    )
    return value, raw, "NULL::VARCHAR", [join]


def _association(spec: dict, p: Params, snap) -> tuple[str, str, str]:
    """Of a program association ``h``: whether it is active on the snapshot date, its text
    (education organization and dates) and the order its texts are listed in."""
    edorg, begin = f"h.{quote(vocabulary.EDORG)}", f"h.{quote(spec['begin'])}"
    active = f"coalesce({_as_date(begin)} <= {snap}, false)"
    detail = (
        f"{p.add('educationOrganizationId ')} || {edorg} || "
        f"{p.add(', ' + spec['begin'] + ' ')} || coalesce({begin}, '—')"
    )
    if spec.get("end"):
        end = f"h.{quote(spec['end'])}"
        active += f" AND ({end} IS NULL OR coalesce({_as_date(end)} >= {snap}, false))"
        detail += f" || {p.add(', ' + spec['end'] + ' ')} || coalesce({end}, '—')"
    return f"({active})", detail, f"ORDER BY {begin} DESC NULLS LAST, {edorg}"


def _first_by(orders: str, values: str) -> str:
    """The first element of a list by its order member (as text, missing last), then by value;
    a missing value sorts as '' and reads NULL."""
    first = (
        f"list_sort(list_transform(list_zip({orders}, {values}), lambda z: "
        "{'missing': z[1] IS NULL, 'o': coalesce(z[1], ''), 'nv': z[2] IS NULL, "
        "'v': coalesce(z[2], '')}))[1]"
    )
    # Most lists hold one element: it is the first without sorting.
    only = f"nullif(({values})[1], '')"
    return f"CASE WHEN len({values}) = 1 THEN {only} ELSE nullif(({first}).v, '') END"


def _resource(source: dict, alias: str) -> str:
    return vocabulary.aliases_of(source)[alias]


def _no_date(text: str) -> str:
    """A date cell holding no date: blank (NULL or '' in the legacy file) or ``MISSING``."""
    return f"coalesce({text}, '') IN ('', 'MISSING')"


def differs_sql(definition, name: str, left: str, right: str) -> str:
    """Whether two values of field ``name`` differ (dates within the tolerance do not, nor a
    blank legacy date and a missing Ed-Fi one)."""
    spec = definition.edfi_source["fields"][name]
    if spec["source"] == "date":
        days = int(spec.get("tolerance_days", 0))
        return (
            f"CASE WHEN {_no_date(left)} AND {_no_date(right)} THEN false "
            f"WHEN {_as_date(left)} IS NULL OR {_as_date(right)} IS NULL "
            f"THEN {left} IS DISTINCT FROM {right} "
            f"ELSE abs(date_diff('day', {_as_date(left)}, {_as_date(right)})) > {days} END"
        )
    return f"{left} IS DISTINCT FROM {right}"


def compare(con: duckdb.DuckDBPyConnection, definition, snapshot: date) -> None:
    """``diff`` (every difference explained), ``cells`` and ``counts`` from ``legacy`` and
    ``derived``."""
    fields = list(definition.compared_fields)
    # A view: each reader scans only the columns of ``derived`` it needs.
    con.execute(
        "CREATE OR REPLACE VIEW included AS SELECT * FROM derived "
        "WHERE in_cycle AND excluded_by IS NULL"
    )
    differs = " OR ".join(
        differs_sql(definition, f, f"l.{quote(f)}", f"e.{quote(f)}") for f in fields
    )
    compared = ", ".join(
        f"l.{quote(f)} AS {quote('l_' + f)}, e.{quote(f)} AS {quote('e_' + f)}" for f in fields
    )
    # One FULL JOIN pairs the two sides: a union of the two anti joins never finishes at a
    # million records on DuckDB 1.4 (and is two scans of each side anyway). It carries only
    # the compared values; the Ed-Fi record's row is fetched afterwards for the few records
    # that differ. A key is one record on each side: the legacy keys are checked unique, and
    # one Ed-Fi record is chosen per LEA and student.
    con.execute(
        f"CREATE OR REPLACE TABLE paired AS "
        f"SELECT p.*, e.rid FROM ("
        f"SELECT coalesce(l.lea_id, e.lea_id) AS lea_id, "
        f"coalesce(l.student_id, e.student_id) AS student_id, "
        f"CASE WHEN e.student_id IS NULL THEN 'only_legacy' "
        f"WHEN l.student_id IS NULL THEN 'only_edfi' ELSE 'mismatch' END AS side"
        f"{', ' + compared if compared else ''} "
        f"FROM legacy l FULL JOIN included e "
        f"ON e.lea_id = l.lea_id AND e.student_id = l.student_id "
        f"WHERE l.student_id IS NULL OR e.student_id IS NULL OR ({differs or 'false'})"
        # (A record only in legacy has no key in ``included``: it finds nothing here.)
        f") p LEFT JOIN included e ON e.lea_id = p.lea_id AND e.student_id = p.student_id"
    )
    _explain(con, definition, snapshot)
    p = Params()
    per_field = " UNION ALL ".join(
        f"SELECT lea_id, student_id, 'mismatch' AS kind, {p.add(f)} AS field, "
        f"{quote('l_' + f)} AS legacy_value, {quote('e_' + f)} AS edfi_value, "
        f"{quote('r_' + f)}::VARCHAR AS edfi_raw, {quote('x_' + f)}::VARCHAR AS mapping_entry, "
        f"'' AS cause, '' AS explanation FROM paired WHERE side = 'mismatch' "
        f"AND {differs_sql(definition, f, quote('l_' + f), quote('e_' + f))}"
        for f in fields
    )
    excluded = _exclusion_text(p)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE diff AS
        SELECT d.lea_id, d.student_id, 'only_legacy' AS kind, '' AS field,
               NULL::VARCHAR AS legacy_value, NULL::VARCHAR AS edfi_value,
               NULL::VARCHAR AS edfi_raw, NULL::VARCHAR AS mapping_entry,
               CASE WHEN x.student_id IS NOT NULL THEN 'excluded'
                    WHEN o.student_id IS NOT NULL THEN 'other_lea' ELSE 'missing' END AS cause,
               CASE WHEN x.student_id IS NOT NULL THEN {excluded}
                    WHEN o.student_id IS NOT NULL
                    THEN 'Ed-Fi counts the student in LEA ' || o.leas
                    ELSE 'No Ed-Fi record of the student in this LEA' END AS explanation
        FROM paired d
        LEFT JOIN derived x ON x.lea_id = d.lea_id AND x.student_id = d.student_id
        LEFT JOIN ({_other_leas("included", "only_legacy")}) o ON o.student_id = d.student_id
        WHERE d.side = 'only_legacy'
        UNION ALL
        SELECT d.lea_id, d.student_id, 'only_edfi', '', NULL, NULL, NULL, NULL,
               CASE WHEN o.student_id IS NOT NULL THEN 'other_lea' ELSE 'missing' END,
               CASE WHEN o.student_id IS NOT NULL
                    THEN 'The legacy file reports the student in LEA ' || o.leas
                    ELSE 'No legacy record of the student in this LEA' END
        FROM paired d
        LEFT JOIN ({_other_leas("legacy", "only_edfi")}) o ON o.student_id = d.student_id
        WHERE d.side = 'only_edfi'
        {"UNION ALL " + per_field if per_field else ""}
        """,
        p.values,
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE counts AS
        SELECT lea_id, sum(l)::INTEGER AS legacy_records, sum(e)::INTEGER AS edfi_records FROM (
            SELECT lea_id, count(*) AS l, 0 AS e FROM legacy GROUP BY lea_id
            UNION ALL SELECT lea_id, 0, count(*) FROM included GROUP BY lea_id
        ) GROUP BY lea_id
        """
    )
    _cells(con, definition)


def _explain(con, definition, snapshot: date) -> None:
    """The raw values and crosswalk entries (``explain_sql``) of the records that differ and of
    those with a code the crosswalk lacks (``missing_mappings``), added to ``paired``."""
    unmapped = " OR ".join(f"{quote(f)} = 'UNMAPPED'" for f in _coded_fields(definition))
    con.execute(
        "CREATE OR REPLACE TABLE wanted AS SELECT rid FROM paired WHERE rid IS NOT NULL"
        + (f" UNION SELECT rid FROM included WHERE {unmapped}" if unmapped else "")
    )
    for sql, params in explain_sql(definition, snapshot).statements:
        con.execute(sql, params)
    explained = ", ".join(
        f"x.{quote(f + '__raw')} AS {quote('r_' + f)}, "
        f"x.{quote(f + '__entry')} AS {quote('x_' + f)}"
        for f in definition.compared_fields
    )
    con.execute(
        f"CREATE OR REPLACE TABLE paired AS SELECT p.*{', ' + explained if explained else ''} "
        "FROM paired p LEFT JOIN explained x ON x.rid = p.rid"
    )


def _coded_fields(definition) -> list[str]:
    """The compared fields whose code comes through the crosswalk."""
    return [
        f for f in definition.compared_fields
        if definition.edfi_source["fields"][f]["source"] in ("descriptor", "federal_race")
    ]  # fmt: skip


def _other_leas(table: str, side: str) -> str:
    """Per student on one side only, the LEAs the other side counts the student in (read only
    for those students, not grouped over the whole side)."""
    return (
        f"SELECT student_id, string_agg(DISTINCT lea_id, ', ' ORDER BY lea_id) AS leas "
        f"FROM {table} WHERE student_id IN "
        f"(SELECT student_id FROM paired WHERE side = '{side}') GROUP BY student_id"
    )


def _exclusion_text(p: Params) -> str:
    cases = " ".join(
        f"WHEN {p.add(code)} THEN {p.add('Present in Ed-Fi but ' + words)}"
        for code, words in EXCLUSIONS.items()
    )
    return f"(CASE x.excluded_by {cases} END || coalesce(': ' || x.excluded_detail, ''))"


def _cells(con, definition) -> None:
    """Per LEA × category set cell, both counts, where they differ (totals always)."""
    p = Params()
    dates = {
        name for name, spec in definition.edfi_source["fields"].items()
        if spec["source"] == "date"
    }  # fmt: skip
    parts = []
    for category_set in definition.category_sets:
        chosen = list(category_set.get("fields", []))
        code = p.add(category_set["code"])
        if not chosen:
            parts.append(
                f"SELECT {code} AS category_set, lea_id, '{{}}' AS categories, "
                "legacy_records AS legacy_count, edfi_records AS edfi_count FROM counts"
            )
        elif dates.isdisjoint(chosen):
            parts.append(_cells_from_differences(code, chosen, p))
        else:
            parts.append(_cells_counted(code, chosen, p))
    tolerance_abs = p.add(int(definition.tolerance_absolute))
    tolerance_pct = p.add(float(definition.tolerance_percent))
    body = " UNION ALL ".join(parts) or (
        "SELECT ''::VARCHAR, ''::VARCHAR, ''::VARCHAR, 0, 0 WHERE false"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE cells AS
        SELECT category_set, lea_id, categories, legacy_count::INTEGER AS legacy_count,
               edfi_count::INTEGER AS edfi_count,
               edfi_count - legacy_count AS difference,
               (abs(edfi_count - legacy_count) <= {tolerance_abs}
                OR abs(edfi_count - legacy_count) * 100.0 <= {tolerance_pct} * legacy_count)
               AS within_tolerance
        FROM ({body})
        """,
        p.values,
    )


def _same_cell(one: str, other: str, chosen: list[str]) -> str:
    return " AND ".join(
        [f"{one}.lea_id = {other}.lea_id",
         *(f"{one}.{quote(f)} IS NOT DISTINCT FROM {other}.{quote(f)}" for f in chosen)]
    )  # fmt: skip


def _categories(alias: str, chosen: list[str], p: Params) -> str:
    keys = ", ".join(f"{p.add(f)}, {alias}.{quote(f)}" for f in chosen)
    return f"json_object({keys})::VARCHAR"


def _cells_from_differences(code: str, chosen: list[str], p: Params) -> str:
    """The cells of one category set whose counts differ, from the differing records alone: a
    matched record with no differing field is in the same cell on both sides (its compared
    values are equal, none a date within a tolerance), so a cell's Ed-Fi count less its legacy
    count is the sum over ``paired``: -1 where a legacy record sits, +1 where an Ed-Fi one
    does. Only those cells' legacy records are then counted, or, for a set of one field (a
    few cells per LEA, nearly all of them differing somewhere), every cell's: one grouping of
    the legacy records takes half the time of matching them against the differing cells."""
    fields = ", ".join(quote(f) for f in chosen)
    legacy_side = ", ".join(f"{quote('l_' + f)} AS {quote(f)}" for f in chosen)
    edfi_side = ", ".join(f"{quote('e_' + f)} AS {quote(f)}" for f in chosen)
    same = _same_cell("l", "s", chosen)
    differing = (
        f"(SELECT lea_id, {fields}, sum(d) AS delta FROM ("
        f"SELECT lea_id, {legacy_side}, -1 AS d FROM paired WHERE side <> 'only_edfi' "
        f"UNION ALL SELECT lea_id, {edfi_side}, 1 AS d FROM paired WHERE side <> 'only_legacy'"
        f") GROUP BY lea_id, {fields} HAVING sum(d) <> 0) s"
    )
    categories = _categories("s", chosen, p)
    if len(chosen) == 1:
        return (
            f"SELECT {code} AS category_set, s.lea_id, {categories} AS categories, "
            "coalesce(l.n, 0) AS legacy_count, coalesce(l.n, 0) + s.delta AS edfi_count "
            f"FROM {differing} LEFT JOIN (SELECT lea_id, {fields}, count(*) AS n FROM legacy "
            f"GROUP BY lea_id, {fields}) l ON {same}"
        )
    group = ", ".join(["s.lea_id", *(f"s.{quote(f)}" for f in chosen), "s.delta"])
    return (
        f"SELECT {code} AS category_set, s.lea_id, {categories} AS categories, "
        "count(l.lea_id) AS legacy_count, count(l.lea_id) + s.delta AS edfi_count "
        f"FROM {differing} LEFT JOIN legacy l ON {same} GROUP BY {group}"
    )


def _cells_counted(code: str, chosen: list[str], p: Params) -> str:
    """The cells of one category set whose counts differ, both sides counted in full (a date
    field is a category: two dates within the tolerance are no difference but two cells)."""
    group = ", ".join(["lea_id", *(quote(f) for f in chosen)])
    same = _same_cell("l", "e", chosen)
    both = ", ".join(f"coalesce(l.{quote(f)}, e.{quote(f)}) AS {quote(f)}" for f in chosen)
    return (
        f"SELECT {code} AS category_set, c.lea_id, {_categories('c', chosen, p)} AS categories, "
        "c.legacy_count, c.edfi_count FROM ("
        f"SELECT coalesce(l.lea_id, e.lea_id) AS lea_id, {both}, "
        "coalesce(l.n, 0) AS legacy_count, coalesce(e.n, 0) AS edfi_count "
        f"FROM (SELECT {group}, count(*) AS n FROM legacy GROUP BY {group}) l "
        f"FULL JOIN (SELECT {group}, count(*) AS n FROM included GROUP BY {group}) e "
        f"ON {same} WHERE coalesce(l.n, 0) <> coalesce(e.n, 0)) c"
    )


def missing_mappings(con, definition) -> list[dict]:
    """Descriptor values the crosswalk could not map, with how many records carry them."""
    p = Params()
    # (Their raw values are in ``explained``: see ``_explain``.)
    parts = [
        f"SELECT {p.add(f)} AS field, x.{quote(f + '__raw')} AS value FROM included i "
        f"JOIN explained x ON x.rid = i.rid WHERE i.{quote(f)} = 'UNMAPPED'"
        for f in _coded_fields(definition)
    ]
    if not parts:
        return []
    rows = con.execute(
        f"SELECT field, value, count(*) FROM ({' UNION ALL '.join(parts)}) "
        "GROUP BY 1, 2 ORDER BY 1, 2",
        p.values,
    ).fetchall()
    return [{"field": f, "value": v or "(more than one)", "records": n} for f, v, n in rows]


def warnings(con, definition, snapshot: date) -> list[dict]:
    """Data-quality warnings: what a data team would want to know before reading differences."""
    source = definition.edfi_source
    record = source["record"]
    aliases = vocabulary.aliases_of(source)
    found = []
    for rule in source.get("population", []):
        alias, _, path = rule["birth"].partition(".")
        table = quote("edfi_" + aliases[alias])
        key = quote(vocabulary.RESOURCES[aliases[alias]].key[0])
        found.append(
            _warning(con, "birth_after_snapshot",
                     f"{path} after the snapshot date (such a record is excluded by age)",
                     f"SELECT {key} FROM {table} WHERE {_as_date(quote(path))} > $1::DATE",
                     [snapshot])
        )  # fmt: skip
    active = record.get("active") or {}
    if active.get("begin") and active.get("end"):
        begin, end = quote(active["begin"]), quote(active["end"])
        found.append(
            _warning(con, "end_before_begin",
                     f"{active['end']} before {active['begin']} in {record['resource']}",
                     f"SELECT {quote(record['student'])} "
                     f"FROM {quote('edfi_' + record['resource'])} "
                     f"WHERE {_as_date(end)} < {_as_date(begin)}", [])
        )  # fmt: skip
    found.append(
        _warning(con, "several_leas", "students counted in two or more LEAs on the snapshot date",
                 # (Two LEAs or more: the least and the greatest differ, with no distinct
                 # count, which kept a set of LEAs per student of a million.)
                 # Only the students with two records or more (counted by a hash of their
                 # id: grouping a million ids as text took twice as long) are grouped by id.
                 "SELECT student_id FROM included WHERE hash(student_id) IN ("
                 "SELECT hash(student_id) FROM included GROUP BY 1 HAVING count(*) > 1) "
                 "GROUP BY student_id HAVING min(lea_id) <> max(lea_id)", [])
    )  # fmt: skip
    return [w for w in found if w["count"]]


def _warning(con, code: str, message: str, ids_sql: str, params: list) -> dict:
    count, examples = con.execute(
        f"SELECT count(*), list(id ORDER BY id)[1:5] FROM ({ids_sql}) t(id)", params
    ).fetchone()
    return {"code": code, "message": message, "count": int(count), "examples": examples or []}


def derived_leas(con) -> int:
    """Ed-Fi records in LEAs outside the cycle (not compared)."""
    return con.execute("SELECT count(*) FROM derived WHERE NOT in_cycle").fetchone()[0]


def show_sql(definition, snapshot: date) -> str:
    """The generated derivation, for the definition page (parameters shown as $n)."""
    shown = []
    statements = derive_sql(definition, snapshot).statements
    for sql, params in statements + explain_sql(definition, snapshot).statements:
        values = "\n".join(f"-- ${i}: {v!r}" for i, v in enumerate(params, start=1))
        shown.append(f"{sql.strip()};\n{values}")
    return "\n\n".join(shown)
