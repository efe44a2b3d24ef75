"""The legacy side's layout and diagnostics: a CSV file submission's header against the report
definition's layout, and where a file the engine cannot parse breaks (``csv_problem``).

The engine (``parallel.engine.legacy``) reads and validates the records themselves.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from parallel.errors import InputError


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
    the engine has failed to read the file, so clean files are not read twice.
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


def check_header(header: list[str], definition, *, name: str) -> list[str | None]:
    """The definition's field for each file column, in file order (None for a column the
    layout does not name: ignored, and listed on the run); raises on a layout mismatch.

    A layout column marked ``"optional": true`` may be absent from the file.
    """
    field_of = {column["column"].upper(): column["field"] for column in definition.columns}
    problems = []
    seen = set()
    for position, column in enumerate(header, start=1):
        key = column.upper()
        if key in seen and key in field_of:
            problems.append(f"{name} line 1, column {position} '{column}': appears twice.")
        seen.add(key)
    missing = [
        c["column"]
        for c in definition.columns
        if c["column"].upper() not in seen and not c.get("optional")
    ]
    if missing:
        problems.append(f"{name} line 1: missing column(s) {', '.join(missing)}.")
    if problems:
        raise InputError(problems)
    fields: list[str | None] = []
    taken = set()
    for column in header:
        field = field_of.get(column.upper())
        fields.append(field if field not in taken else None)
        taken.add(field)
    return fields


def extra_columns(header: list[str], fields: list[str | None], *, name: str) -> str | None:
    """The run message listing the columns of a legacy file the layout does not name."""
    extra = [column for column, field in zip(header, fields, strict=True) if field is None]
    if not extra:
        return None
    return f"{name}: column(s) not in the layout, ignored: {', '.join(extra)}."


@dataclass(frozen=True)
class LegacyFile:
    path: Path
    name: str
    lea_id: str | None = None  # a per-LEA file may only hold that LEA's records


def value_limits(definition) -> dict[str, int]:
    """The most characters each layout field may hold: what a run stores of it must fit."""
    from parallel.models import Discrepancy

    student = Discrepancy._meta.get_field("student_id").max_length
    value = Discrepancy._meta.get_field("legacy_value").max_length
    return {
        c["field"]: student if c["field"] == "student_id" else value for c in definition.columns
    }
