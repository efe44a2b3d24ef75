"""The fast path for clean Ed-Fi JSON Lines extracts: Apache Arrow's multi-threaded reader.

Arrow parses the file in blocks on every core, keeping only the members the report needs
(``Resource.columns`` carry a declarative ``spec`` of where each value lives); the values are
extracted and checked column-wise and streamed to ``COPY ... FROM STDIN`` block by block, so
memory stays a few blocks whatever the size of the file.

This path only loads files it can prove clean. Anything it cannot vouch for (a line that is not
an object, a member of an unexpected JSON type, a missing required value, a bad date or
descriptor URI, a NUL in a string, a byte-order mark) makes it return False without leaving
anything behind, and the exact per-record path (``edfi_json``) stages the file instead and
reports each problem with its line. Its line numbers count records, not blank lines, so a
staged table is marked ``exact_lines=False`` and validation re-stages it exactly when it has a
problem to report.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json
from django.db import connection, transaction

from parallel.derivations import Resource
from parallel.staging import COPY_ERRORS

# Freed blocks go back to the operating system at once (Arrow's default pools keep them), so
# the worker's memory stays a few blocks whatever the size of the file.
pa.set_memory_pool(pa.system_memory_pool())
BLOCK_BYTES = 1 << 20
DATE_PATTERN = r"^(19|20)[0-9][0-9]-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
DESCRIPTOR_PATTERN = r"(?s)^[a-z]+://[^#]+/[A-Za-z]+Descriptor#.+$"
# Members whose JSON type is not a string, as the Ed-Fi API contract types them.
MEMBER_TYPES = {
    "educationOrganizationId": pa.int64(),
    "schoolId": pa.int64(),
    "localEducationAgencyId": pa.int64(),
    "hispanicLatinoEthnicity": pa.bool_(),
    "orderOfDisability": pa.int64(),
}


class NotClean(Exception):
    """The file needs the exact path (its problems are reported there)."""


def _type(member: str) -> pa.DataType:
    return MEMBER_TYPES.get(member, pa.string())


def schema_of(resource: Resource) -> pa.Schema:
    """Only the members the resource's columns read, nested as the API nests them."""
    top: dict[str, pa.DataType | dict[str, pa.DataType]] = {}
    for _, extract in resource.columns:
        kind, *path = extract.spec
        if kind == "member":
            top[path[0]] = _type(path[0])
        elif kind == "ref":
            top.setdefault(path[0], {})[path[1]] = _type(path[1])
        elif kind in ("first", "length"):
            members = top.setdefault(path[0], {})
            if kind == "first":
                members[path[1]] = _type(path[1])
        elif kind == "disabilities":
            top["disabilities"] = {
                "disabilityDescriptor": pa.string(),
                "orderOfDisability": _type("orderOfDisability"),
            }
    fields = []
    for name, value in top.items():
        if isinstance(value, dict):
            struct = pa.struct([(member, kind) for member, kind in value.items()])
            is_list = any(
                e.spec[0] in ("first", "length", "disabilities") and e.spec[1] == name
                for _, e in resource.columns
            )
            fields.append((name, pa.list_(struct) if is_list else struct))
        else:
            fields.append((name, value))
    return pa.schema(fields)


def _field(structs: pa.Array, member: str) -> pa.Array:
    """A struct member, null where the struct itself is null."""
    return pc.struct_field(structs, [structs.type.get_field_index(member)])


def _text(array: pa.Array) -> pa.Array:
    """Values as ``->>`` gives them: numbers and booleans as their JSON text."""
    return array if pa.types.is_string(array.type) else pc.cast(array, pa.string())


def _first_items(lists: pa.Array) -> pa.Array:
    """The first element of each list (null for an empty or missing list)."""
    lengths = pc.list_value_length(lists)
    starts = lists.offsets.slice(0, len(lists))
    indices = pc.if_else(pc.greater(lengths, 0), starts, pa.scalar(None, pa.int32()))
    return lists.values.take(indices)


def _primary_disabilities(lists: pa.Array, extract) -> pa.Array:
    """One disability per record; records with several are ranked as the exact path ranks."""
    firsts = _field(_first_items(lists), "disabilityDescriptor")
    lengths = pc.fill_null(pc.list_value_length(lists), 0)
    if pc.max(lengths).as_py() in (None, 0, 1):
        return firsts
    values = firsts.to_pylist()
    several = pc.indices_nonzero(pc.greater(lengths, 1)).to_pylist()
    for index, items in zip(several, lists.take(several).to_pylist(), strict=True):
        values[index] = extract({"disabilities": items})
    return pa.array(values, pa.string())


def _values(batch: pa.RecordBatch, extract) -> pa.Array:
    kind, *path = extract.spec
    if kind == "member":
        return _text(batch.column(path[0]))
    if kind == "ref":
        return _text(_field(batch.column(path[0]), path[1]))
    if kind == "first":
        return _text(_field(_first_items(batch.column(path[0])), path[1]))
    if kind == "length":
        return pc.cast(pc.fill_null(pc.list_value_length(batch.column(path[0])), 0), pa.int32())
    if kind == "disabilities":
        return _primary_disabilities(batch.column("disabilities"), extract)
    raise NotClean(kind)


def _all(mask: pa.Array) -> bool:
    return bool(pc.all(pc.fill_null(mask, True)).as_py())


def _checked(column: str, values: pa.Array, resource: Resource) -> pa.Array:
    """The staged values of one column, or NotClean when any fails its rule."""
    if column in resource.required and not _all(pc.greater(pc.utf8_length(values), 0)):
        raise NotClean(column)
    if column in resource.required and values.null_count:
        raise NotClean(column)
    if column in resource.dates and not _all(pc.match_substring_regex(values, DATE_PATTERN)):
        raise NotClean(column)
    if column in resource.descriptors:
        # Descriptor URIs repeat: each distinct one is checked and split once.
        encoded = pc.dictionary_encode(values)
        uris = encoded.dictionary
        if not _all(pc.match_substring_regex(uris, DESCRIPTOR_PATTERN)):
            raise NotClean(column)
        codes = pc.list_element(pc.split_pattern(uris, "#", max_splits=2), 1)
        return codes.take(encoded.indices)
    if pa.types.is_string(values.type) and not _all(pc.invert(pc.match_substring(values, "\x00"))):
        raise NotClean(column)
    return values


def _flat_batch(batch: pa.RecordBatch, resource: Resource, first_line: int) -> pa.Table:
    rows = batch.num_rows
    ones = pc.fill_null(pa.nulls(rows, pa.int64()), 1)
    arrays = [
        pc.add(pc.cumulative_sum(ones), first_line - 1),
        pc.fill_null(pa.nulls(rows, pa.bool_()), True),
        pc.fill_null(pa.nulls(rows, pa.int32()), 0),
    ]
    names = ["line_no", "is_object", "problems"]
    for column, extract in resource.columns:
        arrays.append(_checked(column, _values(batch, extract), resource))
        names.append(column)
    return pa.Table.from_arrays(arrays, names=names)


def _starts_with_object(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(1) == b"{"


def stage_clean_file(*, path: Path, resource: Resource, flat: str, columns_sql: str) -> bool:
    """Stage ``path`` into a new table ``flat``; False (and no table) when it is not clean."""
    if not _starts_with_object(path):  # JSON arrays, byte-order marks, leading blank lines
        return False
    try:
        reader = pa_json.open_json(
            path,
            read_options=pa_json.ReadOptions(use_threads=True, block_size=BLOCK_BYTES),
            parse_options=pa_json.ParseOptions(
                explicit_schema=schema_of(resource), unexpected_field_behavior="ignore"
            ),
        )
        csv_options = pa_csv.WriteOptions(include_header=False)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f'CREATE UNLOGGED TABLE "{flat}" '
                f"(line_no bigint, is_object boolean, problems integer, {columns_sql})"
            )
            with cursor.cursor.copy(f'COPY "{flat}" FROM STDIN (FORMAT csv, FREEZE)') as copy:
                line = 1
                for batch in reader:
                    table = _flat_batch(batch, resource, line)
                    line += batch.num_rows
                    sink = pa.BufferOutputStream()
                    pa_csv.write_csv(table, sink, csv_options)
                    copy.write(memoryview(sink.getvalue()))
    except (NotClean, pa.ArrowException, *COPY_ERRORS):
        return False
    return True
