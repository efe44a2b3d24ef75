"""The legacy side: CSV file submission(s) read by DuckDB with explicit columns, validated
set-wise against the report definition's layout.

Every problem names the file, the row (data row 1 is file line 2), the column and the reason;
a file DuckDB cannot parse is scanned (``importers.legacy_csv.csv_problem``) to name the physical
line and column where it breaks. Columns the layout does not name are ignored and listed.
"""

from __future__ import annotations

import duckdb

from parallel.engine.sql import Params, duplicate_keys_sql, quote, table_of_rows
from parallel.errors import InputError
from parallel.importers.legacy_csv import (
    LegacyFile,
    check_header,
    csv_problem,
    extra_columns,
    read_header,
    value_limits,
)

MAX_PROBLEMS = 50


def load(con: duckdb.DuckDBPyConnection, *, files: list[LegacyFile], definition,
         lea_ids: list[str]) -> list[str]:  # fmt: skip
    """Read and validate the legacy file(s) into table ``legacy``; returns the run messages."""
    layout = [c["field"] for c in definition.columns]
    messages, parts = [], []
    for number, legacy in enumerate(files):
        header = read_header(legacy.path, name=legacy.name)
        fields = check_header(header, definition, name=legacy.name)
        if message := extra_columns(header, fields, name=legacy.name):
            messages.append(message)
        table = quote(f"legacy_{number}")
        # Positional column names: a header's own spelling never reaches SQL.
        columns = {f"c{i}": "VARCHAR" for i in range(len(header))}
        column_of = {field: f"c{i}" for i, field in enumerate(fields) if field}
        select = ", ".join(
            f"{quote(column_of[f])} AS {quote(f)}"
            if f in column_of
            else f"NULL::VARCHAR AS {quote(f)}"
            for f in layout
        )
        p = Params()
        path = p.add(str(legacy.path))
        try:
            con.execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT {select} FROM read_csv({path}, "
                f"columns={_struct(columns)}, header=true, delim=',', quote='\"', "
                "escape='\"', auto_detect=false, strict_mode=true, null_padding=false, "
                "encoding='utf-8')",
                p.values,
            )
        except duckdb.OutOfMemoryException:
            raise  # the memory setting's limit, not the file's fault
        except duckdb.Error as exc:
            problem = csv_problem(legacy.path, name=legacy.name, header=header)
            raise InputError([problem or f"{legacy.name}: {str(exc).splitlines()[0]}"]) from None
        _check_quotes(con, table, legacy, header, [f for f in layout if f in column_of])
        parts.append(f"SELECT {number} AS file_no, rowid + 1 AS row_no, * FROM {table}")
    # A view: a copy of every row would cost time and memory for nothing.
    con.execute(f"CREATE OR REPLACE VIEW legacy AS {' UNION ALL '.join(parts)}")
    _validate(con, files=files, definition=definition, lea_ids=lea_ids)
    return messages


def _check_quotes(con, table: str, legacy: LegacyFile, header, fields: list[str]) -> None:
    """A quote inside a value is either doubled in a quoted value or a stray quote DuckDB took
    as text; files rarely hold any, so only a file that does is scanned to tell which."""
    if not fields:
        return
    quoted = " OR ".join(f"contains({quote(f)}, '\"')" for f in fields)
    holds_quotes = con.execute(f"SELECT count(*) FROM {table} WHERE {quoted}").fetchone()[0]
    if holds_quotes and (problem := csv_problem(legacy.path, name=legacy.name, header=header)):
        raise InputError([problem])


def _struct(columns: dict[str, str]) -> str:
    """A struct literal of generated column names (c0, c1, …) and type names: no user text."""
    return "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items()) + "}"


def _validate(con, *, files: list[LegacyFile], definition, lea_ids: list[str]) -> None:
    """Empty, unknown or over-long values, LEAs outside the cycle (or the file's LEA) and
    duplicate keys: one scan for the values, one grouping for the keys."""
    p = Params()
    limits = value_limits(definition)
    checks = []
    for column in definition.columns:
        field = quote(column["field"])
        permitted = column.get("permitted_values") or []
        optional = bool(column.get("optional"))
        if permitted:
            ok = f"list_contains({p.add(list(permitted))}::VARCHAR[], {field})"
        else:
            ok = f"({field} <> '' AND length({field}) <= {int(limits[column['field']])})"
        if optional:
            ok = f"(coalesce({field}, '') = '' OR {ok})"
        checks.append((column, f"coalesce({ok}, false)"))
    own = " ".join(
        f"WHEN file_no = {number} THEN lea_id = {p.add(legacy.lea_id)}"
        for number, legacy in enumerate(files)
        if legacy.lea_id
    )
    # A semi join: list_contains over a thousand LEAs per row took 0.4 s per million rows.
    table_of_rows(con, "legacy_leas", ["id"], [(lea,) for lea in lea_ids])
    lea_ok = "lea_id IN (SELECT id FROM legacy_leas)"
    if own:
        lea_ok = f"({lea_ok} AND CASE {own} ELSE true END)"
    checks.append((None, f"coalesce({lea_ok}, false)"))
    flags = ", ".join(condition for _, condition in checks)
    fields = ", ".join(quote(c["field"]) for c in definition.columns)
    every = " AND ".join(condition for _, condition in checks)
    # Rows are filtered with the plain conjunction; the per-check flags only for those failing.
    failing = con.execute(
        f"SELECT file_no, row_no, [{flags}] AS ok, {fields} FROM legacy "
        f"WHERE NOT ({every}) ORDER BY file_no, row_no LIMIT {MAX_PROBLEMS}",
        p.values,
    ).fetchall()
    duplicates = con.execute(
        duplicate_keys_sql(
            "legacy", ["lea_id", "student_id"], "[file_no, row_no]", limit=MAX_PROBLEMS
        )
    ).fetchall()
    problems = []
    for file_no, row_no, ok, *values in failing:
        for index, (column, _) in enumerate(checks):
            if not ok[index]:
                problems.append(_problem(files[file_no], row_no, column, values, definition))
    for lea_id, student_id, rows in duplicates:
        problems.append(
            f"{_rows(files, rows)}: duplicate key LEA_ID {lea_id!r} + STUDENT_ID {student_id!r}."
        )
    if problems:
        raise InputError(problems[:MAX_PROBLEMS])


def _where(legacy: LegacyFile, row_no: int) -> str:
    return f"{legacy.name} row {row_no} (line {row_no + 1})"


def _rows(files: list[LegacyFile], rows: list[list[int]]) -> str:
    """``a.csv rows 1, 21 (lines 2, 22)``, or the rows of several files."""
    parts = []
    for number, legacy in enumerate(files):
        local = [r for f, r in rows if f == number]
        if local:
            parts.append(
                f"{legacy.name} rows {', '.join(map(str, local))} "
                f"(lines {', '.join(str(r + 1) for r in local)})"
            )
    return "; ".join(parts)


def _problem(legacy: LegacyFile, row_no: int, column, values, definition) -> str:
    where = _where(legacy, row_no)
    fields = [c["field"] for c in definition.columns]
    if column is None:
        lea = values[fields.index("lea_id")]
        if legacy.lea_id and lea != legacy.lea_id:
            return f"{where}, column LEA_ID: {lea!r} in a file uploaded for LEA {legacy.lea_id}."
        return f"{where}, column LEA_ID: {lea!r} is not an LEA taking part in this cycle."
    value = values[fields.index(column["field"])]
    if value in (None, ""):
        return f"{where}, column {column['column']}: empty; a value is required."
    limit = value_limits(definition)[column["field"]]
    if len(value) > limit:
        return (
            f"{where}, column {column['column']}: {len(value)} characters long; "
            f"at most {limit} are allowed."
        )
    permitted = ", ".join(column["permitted_values"][:25])
    return f"{where}, column {column['column']}: {value!r} is not a permitted value ({permitted})."
