"""The legacy side: a CSV file submission validated against the report definition's layout.

The file is streamed into an unlogged staging table with COPY (one text column per layout
column plus the row number) and validated set-wise in SQL. Every problem names the file, the
row (data row 1 is file line 2), the column and the reason. Nothing is kept when it fails.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction

from parallel.concurrency import Statement, fetch_all
from parallel.staging import (
    COPY_ERRORS,
    InputError,
    Staging,
    copy_bytes,
    copy_error_line,
    read_chunks,
)

MAX_PROBLEMS = 50


def read_header(path: Path, *, name: str) -> list[str]:
    """The header row of a CSV file, checked to be UTF-8."""
    with path.open("rb") as handle:
        first = handle.readline(1 << 16)
    if not first.strip():
        raise InputError([f"{name}: the file is empty; expected a header row."])
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        problem = csv_problem(path, name=name, header=[])
        raise InputError([problem or f"{name} line 1: is not UTF-8 text."]) from None
    return [column.strip() for column in next(csv.reader(io.StringIO(text)))]


def csv_problem(path: Path, *, name: str, header: list[str]) -> str | None:
    """The first problem PostgreSQL's CSV reader meets in the file, where it physically is.

    COPY names the record it was reading when it stopped: for a quote that never closes that
    is the last line of the file, and it names no column. This scan reads the file as COPY
    does (a quote anywhere in a value opens a quoted part, ``""`` inside it is a quote) and
    names the physical line and the column where the problem starts. It is run only after
    COPY has failed, so clean files are not read twice.
    """
    scan = _CsvScan(name=name, header=header)
    with path.open("rb") as handle:
        for line_no, raw in enumerate(handle, start=1):
            if line_no == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            if problem := scan.line(line_no, raw):
                return problem
    return scan.end()


class _CsvScan:
    """The state of :func:`csv_problem` between physical lines."""

    def __init__(self, *, name: str, header: list[str]):
        self.name, self.header = name, header
        self.in_quote = False
        self.field = 0  # the value of the current record being read (0-based)
        self.opened = (0, 0)  # line and value where the open quote is

    def column(self, field: int) -> str:
        if field < len(self.header):
            return f"column {self.header[field]}"
        return f"column {field + 1}"

    def line(self, line_no: int, raw: bytes) -> str | None:
        body = raw.rstrip(b"\n").rstrip(b"\r")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = body[: exc.start].decode("utf-8")
            self._fields(line_no, before)
            return (
                f"{self.name} line {line_no}, {self.column(self.field)}, character "
                f"{len(before) + 1}: the byte 0x{body[exc.start]:02X} is not UTF-8 text "
                "(save the file as UTF-8)."
            )
        if "\x00" in text:
            before = text[: text.index("\x00")]
            self._fields(line_no, before)
            return (
                f"{self.name} line {line_no}, {self.column(self.field)}, character "
                f"{len(before) + 1}: a NUL byte; the file is not plain text (save it as CSV)."
            )
        if line_no == 1 and not self.header:
            return None  # the header's own layout is checked by check_header
        if self.in_quote or '"' in text:
            self._fields(line_no, text)
        else:
            self.field += text.count(",")
        if self.in_quote:
            return None  # a quoted value goes on over the line break
        count, self.field = self.field + 1, 0
        if count > len(self.header):
            return (
                f"{self.name} line {line_no}, column {len(self.header) + 1}: the row has "
                f"{count} values but the header names {len(self.header)} columns; quote a value "
                'that holds a comma ("a, b").'
            )
        if count < len(self.header):
            return (
                f"{self.name} line {line_no}, {self.column(count)}: missing; the row has "
                f"{count} value{'s' if count != 1 else ''} but the header names "
                f"{len(self.header)} columns."
            )
        return None

    def _fields(self, line_no: int, text: str) -> None:
        """Follow quotes and commas through ``text`` (the current value is ``self.field``)."""
        position, length = 0, len(text)
        while position < length:
            char = text[position]
            if self.in_quote:
                if char == '"':
                    if position + 1 < length and text[position + 1] == '"':
                        position += 1  # "" is a quote inside the value
                    else:
                        self.in_quote = False
            elif char == ",":
                self.field += 1
            elif char == '"':
                self.in_quote, self.opened = True, (line_no, self.field)
            position += 1

    def end(self) -> str | None:
        if not self.in_quote:
            return None
        line_no, field = self.opened
        return (
            f'{self.name} line {line_no}, {self.column(field)}: a quote (") opens a quoted '
            "value that is never closed; remove the quote, or put the whole value in quotes "
            'and double each quote inside it ("").'
        )


def check_header(header: list[str], definition, *, name: str) -> list[str]:
    """The definition's field for each file column, in file order; raises on a layout mismatch."""
    field_of = {column["column"].upper(): column["field"] for column in definition.columns}
    problems = []
    seen = set()
    for position, column in enumerate(header, start=1):
        key = column.upper()
        if key in seen:
            problems.append(f"{name} line 1, column {position} '{column}': appears twice.")
        elif key not in field_of:
            problems.append(f"{name} line 1, column {position} '{column}': not in the layout.")
        seen.add(key)
    missing = [c["column"] for c in definition.columns if c["column"].upper() not in seen]
    if missing:
        problems.append(f"{name} line 1: missing column(s) {', '.join(missing)}.")
    if problems:
        raise InputError(problems)
    return [field_of[column.upper()] for column in header]


@dataclass(frozen=True)
class LegacyFile:
    path: Path
    name: str
    lea_id: str | None = None  # a per-LEA file may only hold that LEA's records


@dataclass
class _Span:
    name: str
    first: int
    last: int
    lea_id: str | None

    def where(self, row_no: int) -> str:
        row = row_no - self.first + 1
        return f"{self.name} row {row} (line {row + 1})"


def load_legacy_csv(*, path: Path, name: str, definition, staging: Staging, lea_ids) -> str:
    """Stage and validate one legacy CSV (see :func:`load_legacy_files`)."""
    return load_legacy_files(
        files=[LegacyFile(path, name)], definition=definition, staging=staging, lea_ids=lea_ids
    )


def load_legacy_files(*, files: list[LegacyFile], definition, staging: Staging, lea_ids) -> str:
    """Stage and validate legacy CSVs (statewide, or one per LEA) into one staging table.

    Returns the table: ``row_no`` plus one text column per layout field.
    """
    table = staging.table("legacy")
    columns = ", ".join(f'"{c["field"]}" text' for c in definition.columns)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{table}"')
        cursor.execute(
            f'CREATE UNLOGGED TABLE "{table}" '
            # Cached: a million rows otherwise cost a million logged sequence calls.
            f"(row_no bigint GENERATED ALWAYS AS IDENTITY (CACHE 100000), {columns})"
        )
    spans: list[_Span] = []
    for legacy in files:
        fields = check_header(
            read_header(legacy.path, name=legacy.name), definition, name=legacy.name
        )
        column_list = ", ".join(f'"{f}"' for f in fields)
        sql = (
            f'COPY "{table}" ({column_list}) FROM STDIN '
            "(FORMAT csv, HEADER true, ENCODING 'UTF8')"
        )
        first = _next_row(table)
        try:
            with transaction.atomic(), legacy.path.open("rb") as handle:
                copy_bytes(sql, _skip_bom(read_chunks(handle)))
        except COPY_ERRORS as exc:
            header = read_header(legacy.path, name=legacy.name)
            problem = csv_problem(legacy.path, name=legacy.name, header=header)
            # What COPY says where the scan finds nothing (a problem it does not know).
            problem = problem or f"{legacy.name} {copy_error_line(exc)}: {_first_line(exc)}"
            raise InputError([problem]) from None
        spans.append(_Span(legacy.name, first, _next_row(table) - 1, legacy.lea_id))
    validate_legacy(table=table, definition=definition, spans=spans, lea_ids=lea_ids)
    return table


def _next_row(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT coalesce(max(row_no), 0) + 1 FROM "{table}"')
        return cursor.fetchone()[0]


def _skip_bom(chunks):
    first = True
    for chunk in chunks:
        if first and chunk.startswith(codecs.BOM_UTF8):
            chunk = chunk[len(codecs.BOM_UTF8) :]
        first = False
        yield chunk


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def validate_legacy(*, table: str, definition, spans: list[_Span], lea_ids) -> None:
    """Empty, unknown or out-of-layout values and duplicate keys, in one scan plus one group."""
    checks, params = [], []
    limits = value_limits(definition)
    for column in definition.columns:
        field = column["field"]
        values = column.get("permitted_values") or []
        if values:
            checks.append((column, f'("{field}" IS NOT NULL AND "{field}" = ANY(%s))'))
            params.append(list(values))
        else:
            checks.append(
                (
                    column,
                    f'("{field}" IS NOT NULL AND "{field}" <> \'\' '
                    f'AND length("{field}") <= {int(limits[field])})',
                )
            )
    own_lea = " ".join(
        f'WHEN row_no BETWEEN {span.first} AND {span.last} THEN "lea_id" = %s'
        for span in spans
        if span.lea_id
    )
    own_params = [span.lea_id for span in spans if span.lea_id]
    lea_check = '("lea_id" = ANY(%s))'
    if own_lea:
        lea_check = f"({lea_check} AND CASE {own_lea} ELSE true END)"
    checks.append((None, lea_check))
    params += [list(lea_ids), *own_params]
    flags = ", ".join(condition for _, condition in checks)
    # The value checks and the duplicate-key check read the committed table: run them at once.
    failing, duplicates = fetch_all(
        [
            Statement(
                f"SELECT * FROM (SELECT row_no, ARRAY[{flags}] AS ok, "
                f"{', '.join(chr(34) + c['field'] + chr(34) for c in definition.columns)} "
                f'FROM "{table}") v WHERE false = ANY(ok) ORDER BY row_no LIMIT {MAX_PROBLEMS}',
                params,
            ),
            # Duplicate keys are found first (no per-key arrays), then their rows are gathered.
            Statement(
                f'SELECT lea_id, student_id, array_agg(row_no ORDER BY row_no) FROM "{table}" '
                f'WHERE (lea_id, student_id) IN (SELECT lea_id, student_id FROM "{table}" '
                f"GROUP BY lea_id, student_id HAVING count(*) > 1) "
                f"GROUP BY lea_id, student_id ORDER BY 3 LIMIT {MAX_PROBLEMS}"
            ),
        ]
    )
    problems = []
    for row in failing:
        row_no, ok, values = row[0], row[1], row[2:]
        for index, (column, _) in enumerate(checks):
            if not ok[index]:
                problems.append(_problem(_span(spans, row_no), row_no, column, values, definition))
    for lea_id, student_id, rows in duplicates:
        problems.append(
            f"{_rows(spans, rows)}: duplicate key LEA_ID {lea_id!r} + STUDENT_ID {student_id!r}."
        )
    if problems:
        raise InputError(problems[:MAX_PROBLEMS])


def value_limits(definition) -> dict[str, int]:
    """The most characters each layout field may hold: what a run stores of it must fit."""
    from parallel.models import Discrepancy

    student = Discrepancy._meta.get_field("student_id").max_length
    value = Discrepancy._meta.get_field("legacy_value").max_length
    return {
        c["field"]: student if c["field"] == "student_id" else value for c in definition.columns
    }


def _span(spans: list[_Span], row_no: int) -> _Span:
    return next(span for span in spans if span.first <= row_no <= span.last)


def _rows(spans: list[_Span], rows: list[int]) -> str:
    """``a.csv rows 1, 21 (lines 2, 22)``, or the rows of several files."""
    parts = []
    for span in spans:
        local = [r - span.first + 1 for r in rows if span.first <= r <= span.last]
        if local:
            parts.append(
                f"{span.name} rows {', '.join(map(str, local))} "
                f"(lines {', '.join(str(r + 1) for r in local)})"
            )
    return "; ".join(parts)


def _problem(span: _Span, row_no: int, column, values, definition) -> str:
    where = span.where(row_no)
    if column is None:
        lea = values[[c["field"] for c in definition.columns].index("lea_id")]
        if span.lea_id and lea != span.lea_id:
            return f"{where}, column LEA_ID: {lea!r} in a file uploaded for LEA {span.lea_id}."
        return f"{where}, column LEA_ID: {lea!r} is not an LEA taking part in this cycle."
    value = values[[c["field"] for c in definition.columns].index(column["field"])]
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
