"""The Ed-Fi side: extracts of Ed-Fi API resources as JSON Lines or JSON arrays.

Lines are streamed into an unlogged staging table with COPY, without being parsed in Python
(a JSON array is split record by record with a bounded buffer). PostgreSQL then parses each
line once and flattens it into typed columns (``parallel.derivations.RESOURCES``), and the
extract is validated the way Ed-Fi's tooling would: objects, required members, dates, no
duplicate natural keys, references that resolve. Every problem names the file and line.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path

from django.db import connection, transaction

from parallel.derivations import Resource
from parallel.staging import (
    COPY_ERRORS,
    InputError,
    Staging,
    copy_bytes,
    copy_error_line,
    read_chunks,
)

MAX_PROBLEMS = 50
# CSV mode with a delimiter and quote that valid JSON text never contains (control
# characters must be escaped inside JSON strings), so each line arrives verbatim.
COPY_LINES = (
    'COPY "{table}" (doc) FROM STDIN '
    "(FORMAT csv, DELIMITER E'\\x1f', QUOTE E'\\x1e', ENCODING 'UTF8')"
)
DESCRIPTOR_PATTERN = r"^[a-z]+://[^#]+/[A-Za-z]+Descriptor#.+$"
DATE_PATTERN = r"^(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"


def first_byte(path: Path) -> bytes:
    with path.open("rb") as handle:
        for chunk in read_chunks(handle, 4096):
            stripped = chunk.lstrip(codecs.BOM_UTF8).lstrip()
            if stripped:
                return stripped[:1]
    return b""


def json_lines(path: Path, *, name: str) -> Iterator[bytes]:
    """The file as JSON Lines bytes: passed through, or split from a top-level JSON array."""
    kind = first_byte(path)
    if kind == b"{":
        with path.open("rb") as handle:
            yield from read_chunks(handle)
    elif kind == b"[":
        yield from _split_array(path, name=name)
    elif kind == b"":
        return
    else:
        raise InputError([f"{name} line 1: expected a JSON array or JSON Lines of objects."])


def _split_array(path: Path, *, name: str) -> Iterator[bytes]:
    decoder = json.JSONDecoder()
    with path.open("r", encoding="utf-8-sig") as handle:
        buffer, position, index, eof = "", 0, 0, False

        def more() -> bool:
            nonlocal buffer, position, eof
            try:
                chunk = handle.read(1 << 20)
            except UnicodeDecodeError as exc:
                raise InputError([f"{name}: not UTF-8 text ({exc.reason})."]) from None
            eof = not chunk
            buffer, position = buffer[position:] + chunk, 0
            return not eof

        def next_token() -> str:
            nonlocal position
            while True:
                while position < len(buffer) and buffer[position].isspace():
                    position += 1
                if position < len(buffer):
                    return buffer[position]
                if not more():
                    return ""

        if next_token() != "[":
            raise InputError([f"{name}: expected a JSON array."])
        position += 1
        expect_item = True
        while True:
            token = next_token()
            if token == "]" and (not expect_item or index == 0):
                return
            if token == "," and not expect_item:
                position += 1
                expect_item = True
                continue
            if token == "":
                raise InputError([f"{name}: the JSON array ends early after record {index}."])
            while True:
                try:
                    record, end = decoder.raw_decode(buffer, position)
                    break
                except json.JSONDecodeError as exc:
                    if eof or not more():
                        raise InputError(
                            [f"{name} record {index + 1}: invalid JSON ({exc.msg})."]
                        ) from None
            position = end
            index += 1
            expect_item = False
            yield (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def stage_resource(*, path: Path, name: str, resource: Resource, staging: Staging) -> str:
    """COPY the lines of one resource file and flatten them; returns the flat table's name."""
    raw = staging.table(f"raw_{resource.table}")
    flat = staging.table(resource.table)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{raw}"')
        cursor.execute(
            f'CREATE UNLOGGED TABLE "{raw}" (line_no bigint GENERATED ALWAYS AS IDENTITY, doc text)'
        )
    try:
        with transaction.atomic():
            copy_bytes(COPY_LINES.format(table=raw), json_lines(path, name=name))
    except COPY_ERRORS as exc:
        raise InputError([f"{name} {copy_error_line(exc)}: {str(exc).splitlines()[0]}"]) from None
    columns = ", ".join(f"{expression} AS {column}" for column, expression in resource.columns)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{flat}"')
        try:
            with transaction.atomic(), connection.cursor() as inner:
                inner.execute(
                    f'CREATE UNLOGGED TABLE "{flat}" AS SELECT line_no, '
                    f"jsonb_typeof(d) = 'object' AS is_object, {columns} "
                    f'FROM (SELECT line_no, doc::jsonb AS d FROM "{raw}" '
                    f"WHERE doc IS NOT NULL AND btrim(doc) <> '' OFFSET 0) lines"
                )
        except COPY_ERRORS as exc:
            line = _first_bad_json_line(raw)
            raise InputError(
                [f"{name} line {line}: invalid JSON ({str(exc).splitlines()[0]})."]
            ) from None
        cursor.execute(f'DROP TABLE "{raw}"')
        cursor.execute(f'ANALYZE "{flat}"')
    return flat


def _first_bad_json_line(raw: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            DO $$
            DECLARE r record; probe jsonb;
            BEGIN
              FOR r IN SELECT line_no, doc FROM "{raw}" WHERE doc IS NOT NULL AND btrim(doc) <> ''
                       ORDER BY line_no LOOP
                BEGIN probe := r.doc::jsonb;
                EXCEPTION WHEN others THEN
                  PERFORM set_config('parallel.bad_line', r.line_no::text, false); EXIT;
                END;
              END LOOP;
            END $$
            """
        )
        cursor.execute("SELECT nullif(current_setting('parallel.bad_line', true), '')")
        value = cursor.fetchone()[0]
    return int(value) if value else None


def validate_resource(*, flat: str, name: str, resource: Resource) -> list[str]:
    """Structure, required members, dates and duplicate natural keys of one staged resource."""
    conditions = ["is_object"]
    labels = ["not a JSON object"]
    for column in resource.required:
        conditions.append(f"{column} IS NOT NULL AND {column} <> ''")
        labels.append(f"required member {resource.path_of(column)} is missing")
    for column in resource.dates:
        conditions.append(f"{column} IS NULL OR {column} ~ '{DATE_PATTERN}'")
        labels.append(f"{resource.path_of(column)} is not a date between 1900 and 2099")
    for column in resource.descriptors:
        conditions.append(f"{column} IS NULL OR {column} ~ '{DESCRIPTOR_PATTERN}'")
        labels.append(
            f"{resource.path_of(column)} is not a descriptor URI (uri://namespace/Descriptor#Code)"
        )
    problems = []
    flags = ", ".join(f"coalesce(({c}), false)" for c in conditions)
    key = ", ".join(resource.key)
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT line_no, ok FROM (SELECT line_no, ARRAY[{flags}] AS ok FROM "{flat}") v '
            f"WHERE false = ANY(ok) ORDER BY line_no LIMIT {MAX_PROBLEMS}"
        )
        for line_no, ok in cursor.fetchall():
            reasons = [label for label, passed in zip(labels, ok, strict=True) if not passed]
            problems.append(f"{name} line {line_no}: {'; '.join(reasons)}.")
        cursor.execute(
            f'SELECT {key}, array_agg(line_no ORDER BY line_no) FROM "{flat}" WHERE is_object '
            f"GROUP BY {key} HAVING count(*) > 1 ORDER BY {len(resource.key) + 1} "
            f"LIMIT {MAX_PROBLEMS}"
        )
        for row in cursor.fetchall():
            values = ", ".join(f"{k}={v!r}" for k, v in zip(resource.key, row[:-1], strict=True))
            lines = ", ".join(map(str, row[-1]))
            problems.append(f"{name} lines {lines}: duplicate natural key ({values}).")
    return problems


def check_reference(
    *, child: str, child_name: str, column: str, parent: str, parent_column: str, label: str
) -> list[str]:
    """Lines of ``child`` whose ``column`` names no row of ``parent`` (an unresolved reference)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT c.line_no, c.{column} FROM "{child}" c WHERE c.{column} IS NOT NULL AND '
            f'NOT EXISTS (SELECT 1 FROM "{parent}" p WHERE p.{parent_column} = c.{column}) '
            f"ORDER BY c.line_no LIMIT {MAX_PROBLEMS}"
        )
        return [
            f"{child_name} line {line_no}: {label} {value!r} does not resolve."
            for line_no, value in cursor.fetchall()
        ]
