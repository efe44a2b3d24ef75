"""The Ed-Fi side: extracts of Ed-Fi API resources as JSON Lines or JSON arrays.

The file is streamed record by record: each line is parsed (orjson), only the members the
report needs are kept (``parallel.derivations.RESOURCES``), and the flat rows go straight into
an unlogged staging table with ``COPY ... FROM STDIN`` in batches, so memory stays one batch
whatever the size of the file (a JSON array is split record by record with a bounded buffer).
The extract is then validated the way Ed-Fi's tooling would: objects, required members,
dates, no duplicate natural keys, references that resolve. Every problem names the file and
line.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
from django.db import connection, transaction

from parallel import contract
from parallel.concurrency import Statement, fetch_all
from parallel.derivations import Resource
from parallel.importers import edfi_arrow
from parallel.staging import (
    COPY_ERRORS,
    InputError,
    Staging,
    copy_error_line,
    identifier,
    read_chunks,
)

MAX_PROBLEMS = 50
BATCH_ROWS = 5000
MEMO_SIZE = 20_000
DESCRIPTOR = re.compile(r"[a-z]+://[^#]+/[A-Za-z]+Descriptor#.+", re.DOTALL).fullmatch
# One parsed record: (line or record number, the raw line when read as JSON Lines, the value).
Record = tuple[int, bytes | None, object]


def first_byte(path: Path) -> bytes:
    with path.open("rb") as handle:
        for chunk in read_chunks(handle, 4096):
            stripped = chunk.lstrip(codecs.BOM_UTF8).lstrip()
            if stripped:
                return stripped[:1]
    return b""


def json_records(path: Path, *, name: str) -> Iterator[Record]:
    """The file's records, parsed one at a time: JSON Lines, or a top-level JSON array."""
    kind = first_byte(path)
    if kind == b"{":
        yield from _lines(path, name=name)
    elif kind == b"[":
        yield from _split_array(path, name=name)
    elif kind == b"":
        return
    else:
        raise InputError([f"{name} line 1: expected a JSON array or JSON Lines of objects."])


def _lines(path: Path, *, name: str) -> Iterator[Record]:
    loads = orjson.loads
    with path.open("rb") as handle:
        for line_no, line in enumerate(handle, start=1):
            if line_no == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[3:]
            try:
                value = loads(line)
            except orjson.JSONDecodeError as exc:
                if not line.strip():
                    continue  # blank lines are allowed (and still counted)
                raise InputError([_invalid_line(name, line_no, line, exc)]) from None
            yield line_no, line, value


def _invalid_line(name: str, line_no: int, line: bytes, exc: orjson.JSONDecodeError) -> str:
    """Why a JSON Lines line does not parse, with its line and column (a character position)."""
    return _not_utf8(name, line_no, line) or (
        f"{name} line {line_no}, column {exc.colno}: {_json_reason(exc.msg)}."
    )


def _not_utf8(name: str, line_no: int, line: bytes) -> str | None:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as bad:
        column = len(line[: bad.start].decode("utf-8")) + 1
        return (
            f"{name} line {line_no}, column {column}: the byte 0x{line[bad.start]:02X} is not "
            "UTF-8 text (save the file as UTF-8)."
        )
    return None


def _json_reason(message: str) -> str:
    if message.startswith(("depth limit exceeded", "maximum recursion depth")):
        return (
            "invalid JSON (nested too deeply; an Ed-Fi record nests only a few levels, "
            "so this is not an Ed-Fi extract)"
        )
    return f"invalid JSON ({message})"


def _first_not_utf8(path: Path, *, name: str) -> str:
    with path.open("rb") as handle:
        for line_no, line in enumerate(handle, start=1):
            if problem := _not_utf8(name, line_no, line):
                return problem
    return f"{name}: is not UTF-8 text (save the file as UTF-8)."


class _ArrayText:
    """A JSON array's text read a megabyte at a time, with the lines already passed."""

    def __init__(self, handle, *, path: Path, name: str):
        self.handle, self.path, self.name = handle, path, name
        self.buffer, self.position, self.eof = "", 0, False
        self.lines_before = 0  # line breaks in the text dropped from the buffer

    def more(self) -> bool:
        try:
            chunk = self.handle.read(1 << 20)
        except UnicodeDecodeError:
            raise InputError([_first_not_utf8(self.path, name=self.name)]) from None
        self.eof = not chunk
        self.lines_before += self.buffer.count("\n", 0, self.position)
        self.buffer, self.position = self.buffer[self.position :] + chunk, 0
        return not self.eof

    def next_token(self) -> str:
        while True:
            while self.position < len(self.buffer) and self.buffer[self.position].isspace():
                self.position += 1
            if self.position < len(self.buffer):
                return self.buffer[self.position]
            if not self.more():
                return ""

    def where(self, offset: int) -> str:
        """``line L, column C`` of a character of the buffer."""
        line = self.lines_before + self.buffer.count("\n", 0, offset) + 1
        return f"line {line}, column {offset - self.buffer.rfind(chr(10), 0, offset)}"

    def problem(self, record: int, reason: str, offset: int | None = None) -> InputError:
        where = self.where(self.position if offset is None else offset)
        return InputError([f"{self.name} {where} (record {record}): {reason}."])


def _split_array(path: Path, *, name: str) -> Iterator[Record]:
    decoder = json.JSONDecoder()
    with path.open("r", encoding="utf-8-sig") as handle:
        text, index = _ArrayText(handle, path=path, name=name), 0
        if text.next_token() != "[":
            raise InputError([f"{name} line 1, column 1: expected a JSON array."])
        text.position += 1
        expect_item = True
        while True:
            token = text.next_token()
            if token == "]" and (not expect_item or index == 0):
                return
            if token == "," and not expect_item:
                text.position += 1
                expect_item = True
                continue
            if token == "":
                raise text.problem(index + 1, "the JSON array ends early")
            record, text.position = _decode(decoder, text, index + 1)
            index += 1
            expect_item = False
            yield index, None, record


def _decode(decoder: json.JSONDecoder, text: _ArrayText, number: int) -> tuple[object, int]:
    """The record that starts at the text's position, and where it ends."""
    while True:
        try:
            return decoder.raw_decode(text.buffer, text.position)
        except RecursionError:
            raise text.problem(number, _json_reason("maximum recursion depth")) from None
        except json.JSONDecodeError as exc:
            if text.eof or not text.more():
                raise text.problem(number, _json_reason(exc.msg), exc.pos) from None


def _required(value) -> bool:
    return value is not None and value != ""


def _date(value) -> bool:
    return value is None or contract.DATE(value) is not None


def _descriptor(value) -> bool:
    return value is None or DESCRIPTOR(value) is not None


def _same(value):
    return value


def _code_value(value: str | None) -> str | None:
    """The code of a descriptor URI, as PostgreSQL's split_part(uri, '#', 2) gives it."""
    if value is None:
        return None
    parts = value.split("#", 2)
    return parts[1] if len(parts) > 1 else ""


def rules(resource: Resource) -> list[tuple[str, int, Callable[[object], bool]]]:
    """The checks of one record's values: (problem, column position, test that passes)."""
    position = {column: index for index, (column, _) in enumerate(resource.columns)}
    result = []
    for column in resource.required:
        result.append(
            (f"required member {resource.path_of(column)} is missing", position[column], _required)
        )
    for column in resource.dates:
        result.append(
            (
                f"{resource.path_of(column)} is not a date between 1900 and 2099",
                position[column],
                _date,
            )
        )
    for column in resource.descriptors:
        result.append(
            (
                f"{resource.path_of(column)} is not a descriptor URI "
                "(uri://namespace/Descriptor#Code)",
                position[column],
                _descriptor,
            )
        )
    return result


def _escape(value: str, *, name: str, line_no: int) -> str:
    """``value`` for COPY's text format (backslash, tab, newline, carriage return escaped)."""
    if "\x00" in value:
        raise InputError([f"{name} line {line_no}: invalid JSON (\\u0000 is not allowed in text)."])
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def flat_rows(records: Iterator[Record], *, resource: Resource, name: str) -> Iterator[bytes]:
    """COPY text-format rows (line_no, is_object, the resource's columns), in batches.

    A decoded JSON string can hold a backslash, tab, newline, carriage return or NUL only if
    its line has a backslash escape, so lines without one need no escaping at all.
    """
    extracts = [extract for _, extract in resource.columns]
    # Descriptor URIs and dates repeat a lot, so each distinct value is tested (and converted)
    # once (the memo is bounded); required members are cheap.
    rule_list = list(enumerate(rules(resource), 1))
    required = [(1 << bit, position) for bit, (_, position, test) in rule_list if test is _required]
    # Descriptor columns keep only the code value (what split_part(uri, '#', 2) gives): that is
    # all the derivation and the crosswalk use, once the URI has been checked.
    checks = [
        (1 << bit, position, test, {}, _code_value if test is _descriptor else _same)
        for bit, (_, position, test) in rule_list
        if test is not _required
    ]
    # Bit 0: not a JSON object; then one bit per rule, in order.
    not_object_problems = 1 | sum(bit for bit, _ in required)
    not_object_problems |= sum(bit for bit, _, test, _, _ in checks if not test(None))
    not_object = f"\tf\t{not_object_problems}\t\\N" + "\t\\N" * len(extracts) + "\n"
    spec = contract.spec_of(resource.endpoint) or {}
    batch: list[str] = []
    for line_no, raw, value in records:
        if value.__class__ is not dict:
            batch.append(f"{line_no}{not_object}")
        else:
            values = [extract(value) for extract in extracts]
            problems = 0
            for bit, position in required:
                if not values[position]:  # None or "" (required members are text)
                    problems |= bit
            for bit, position, test, memo, convert in checks:
                cell = values[position]
                entry = memo.get(cell)
                if entry is None:
                    entry = (test(cell), convert(cell))
                    if len(memo) < MEMO_SIZE:
                        memo[cell] = entry
                passed, values[position] = entry
                if not passed:
                    problems |= bit
            if raw is not None and b"\\" not in raw:
                cells = [
                    "\\N" if cell is None else cell if cell.__class__ is str else str(cell)
                    for cell in values
                ]
            else:
                cells = [
                    "\\N"
                    if cell is None
                    else str(cell)
                    if cell.__class__ is int
                    else _escape(cell, name=name, line_no=line_no)
                    for cell in values
                ]
            broken = contract.record_problems(value, spec)
            reasons = _escape("; ".join(broken), name=name, line_no=line_no) if broken else "\\N"
            batch.append(f"{line_no}\tt\t{problems}\t{reasons}\t" + "\t".join(cells) + "\n")
        if len(batch) >= BATCH_ROWS:
            yield "".join(batch).encode()
            batch.clear()
    if batch:
        yield "".join(batch).encode()


def stage_resources(
    *,
    files: list[tuple[Path, str, Resource]],
    staging: Staging,
    exact: bool = False,
    on_progress=edfi_arrow._ignore,
) -> dict[str, tuple[str, bool]]:
    """Stream resource files into their flat staging tables.

    Returns, per resource table, the staging table's name and whether its line numbers are
    exact: clean JSON Lines files go through the column-wise reader (``edfi_arrow``, whose
    tables carry no line numbers), anything else, or everything with ``exact=True``, through
    the per-record path below.
    """
    tables = {resource.table: (staging.table(resource.table), True) for _, _, resource in files}
    with connection.cursor() as cursor:
        for flat, _ in tables.values():
            cursor.execute(f'DROP TABLE IF EXISTS "{flat}"')
    fast: set[str] = set()
    if not exact:
        fast = edfi_arrow.stage_clean_files(
            [
                edfi_arrow.CleanFile(path, resource, tables[resource.table][0], _columns(resource))
                for path, _, resource in files
            ],
            on_progress,
        )
    for path, name, resource in files:
        flat = tables[resource.table][0]
        if flat in fast:
            tables[resource.table] = (flat, False)
        else:
            _stage_exactly(path=path, name=name, resource=resource, flat=flat)
        _analyze(flat)
    return tables


def stage_resource(
    *, path: Path, name: str, resource: Resource, staging: Staging, exact: bool = False
) -> tuple[str, bool]:
    """One file's table and whether its line numbers are exact (see :func:`stage_resources`)."""
    tables = stage_resources(files=[(path, name, resource)], staging=staging, exact=exact)
    return tables[resource.table]


def _columns(resource: Resource) -> str:
    return ", ".join(
        f"{identifier(column)} {'integer' if column in resource.integers else 'text'}"
        for column, _ in resource.columns
    )


def _stage_exactly(*, path: Path, name: str, resource: Resource, flat: str) -> None:
    rows = flat_rows(json_records(path, name=name), resource=resource, name=name)
    try:
        # Created and filled in one transaction: COPY FREEZE writes the rows already frozen,
        # and a failure leaves no table behind.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f'CREATE UNLOGGED TABLE "{flat}" (line_no bigint, is_object boolean, '
                f"problems integer, contract text, {_columns(resource)})"
            )
            with cursor.cursor.copy(f'COPY "{flat}" FROM STDIN (FREEZE)') as copy:
                for chunk in rows:
                    copy.write(chunk)
    except COPY_ERRORS as exc:
        raise InputError([f"{name} {copy_error_line(exc)}: {str(exc).splitlines()[0]}"]) from None


def _analyze(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{table}"')


Check = tuple[Statement, Callable[[list[tuple]], list[str]]]


def resource_checks(*, flat: str, name: str, resource: Resource) -> list[Check]:
    """Structure, required members, dates and duplicate natural keys of one staged resource.

    The per-record checks ran while the file was flattened (``rules``); here the failing
    records are listed and duplicate natural keys are found. Each check is a query and how its
    rows read as problems, so that the checks of every resource can run at once.
    """
    labels = ["not a JSON object"] + [label for label, _, _ in rules(resource)]
    key = ", ".join(resource.key)

    def failing(rows: list[tuple]) -> list[str]:
        problems = []
        for line_no, bits, broken in rows:
            reasons = [label for bit, label in enumerate(labels) if bits & (1 << bit)]
            reasons += (broken or "").split("; ") if broken else []
            problems.append(f"{name} line {line_no}: {'; '.join(dict.fromkeys(reasons))}.")
        return problems

    def duplicates(rows: list[tuple]) -> list[str]:
        problems = []
        for row in rows:
            values = ", ".join(f"{k}={v!r}" for k, v in zip(resource.key, row[:-1], strict=True))
            lines = ", ".join(map(str, row[-1]))
            problems.append(f"{name} lines {lines}: duplicate natural key ({values}).")
        return problems

    return [
        (
            Statement(
                f'SELECT line_no, problems, contract FROM "{flat}" '
                f"WHERE problems <> 0 OR contract IS NOT NULL ORDER BY line_no LIMIT {MAX_PROBLEMS}"
            ),
            failing,
        ),
        # Duplicate keys are found first (no per-key arrays), then their lines are gathered.
        (
            Statement(
                f'SELECT {key}, array_agg(line_no ORDER BY line_no) FROM "{flat}" WHERE '
                f'is_object AND ({key}) IN (SELECT {key} FROM "{flat}" WHERE is_object '
                f"GROUP BY {key} HAVING count(*) > 1) GROUP BY {key} "
                f"ORDER BY {len(resource.key) + 1} LIMIT {MAX_PROBLEMS}"
            ),
            duplicates,
        ),
    ]


def reference_check(
    *, child: str, child_name: str, column: str, parent: str, parent_column: str, label: str
) -> Check:
    """Lines of ``child`` whose ``column`` names no row of ``parent`` (an unresolved reference)."""

    def unresolved(rows: list[tuple]) -> list[str]:
        return [
            f"{child_name} line {line_no}: {label} {value!r} does not resolve."
            for line_no, value in rows
        ]

    return (
        Statement(
            f'SELECT c.line_no, c.{column} FROM "{child}" c WHERE c.{column} IS NOT NULL AND '
            f'NOT EXISTS (SELECT 1 FROM "{parent}" p WHERE p.{parent_column} = c.{column}) '
            f"ORDER BY c.line_no LIMIT {MAX_PROBLEMS}"
        ),
        unresolved,
    )


def descriptor_checks(
    *, flat: str, name: str, resource: Resource, known: dict[str, set[str]]
) -> list[Check]:
    """Descriptor values the catalog and the state's descriptor set do not know.

    Each column's distinct values are counted in PostgreSQL (a handful of groups) and compared
    here, case-insensitively as the Ed-Fi API compares them.
    """
    checks = []
    for column, descriptor in resource.descriptor_names.items():
        if descriptor not in known:
            continue
        accepted = known[descriptor]

        def unknown(rows: list[tuple], column=column, descriptor=descriptor, accepted=accepted):
            return [
                f"{name} line {line_no}: {resource.path_of(column)} {value!r} is not a "
                f"{descriptor} value known to the Ed-Fi catalog or the state's descriptor set "
                f"({records} record{'s' if records != 1 else ''})."
                for line_no, value, records in rows
                if value.lower() not in accepted
            ][:MAX_PROBLEMS]

        checks.append(
            (
                Statement(
                    f'SELECT min(line_no), {identifier(column)}, count(*) FROM "{flat}" '
                    f"WHERE {identifier(column)} IS NOT NULL GROUP BY 2 ORDER BY 1, 2"
                ),
                unknown,
            )
        )
    return checks


def validate_resource(*, flat: str, name: str, resource: Resource) -> list[str]:
    """The problems of one staged resource (its checks run one after another)."""
    checks = resource_checks(flat=flat, name=name, resource=resource)
    rows = fetch_all([statement for statement, _ in checks])
    return [
        problem for (_, describe), r in zip(checks, rows, strict=True) for problem in describe(r)
    ]
