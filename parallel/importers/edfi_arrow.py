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

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json
from django.db import connection, transaction

from parallel import contract
from parallel.concurrency import Connections, concurrent, map_at_once
from parallel.contract import all_true
from parallel.derivations import Resource
from parallel.staging import COPY_ERRORS

# Freed blocks go back to the operating system at once (Arrow's default pools keep them), so
# the worker's memory stays a few blocks whatever the size of the file.
pa.set_memory_pool(pa.system_memory_pool())
BLOCK_BYTES = 1 << 20
# Each thread holds one chunk's bytes and its parsed columns at a time.
CHUNK_BYTES = 8 << 20
DESCRIPTOR_PATTERN = r"(?s)^[a-z]+://[^#]+/[A-Za-z]+Descriptor#.+$"


class NotClean(Exception):
    """The file needs the exact path (its problems are reported there)."""


def schema_of(resource: Resource) -> pa.Schema:
    """Every member the Ed-Fi API contract types (so Arrow checks their JSON types)."""
    return contract.arrow_schema(contract.spec_of(resource.endpoint))


def _field(structs: pa.Array, member: str) -> pa.Array:
    """A struct member, null where the struct itself is null."""
    return pc.struct_field(structs, [structs.type.get_field_index(member)])


def _text(array: pa.Array) -> pa.Array:
    """Values as ``->>`` gives them: numbers and booleans as their JSON text."""
    return array if pa.types.is_string(array.type) else pc.cast(array, pa.string())


def _first_items(lists: pa.Array, member: str) -> pa.Array:
    """``member`` of the first element of each list (null for an empty or missing list)."""
    lengths = pc.list_value_length(lists)
    starts = lists.offsets.slice(0, len(lists))
    indices = pc.if_else(pc.greater(lengths, 0), starts, pa.scalar(None, pa.int32()))
    # The member is taken out before the gather: moving strings is cheaper than structs.
    return _field(lists.values, member).take(indices)


def _primary_disabilities(lists: pa.Array, extract) -> pa.Array:
    """One disability per record; records with several are ranked as the exact path ranks."""
    firsts = _first_items(lists, "disabilityDescriptor")
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
        return _text(_first_items(batch.column(path[0]), path[1]))
    if kind == "length":
        return pc.cast(pc.fill_null(pc.list_value_length(batch.column(path[0])), 0), pa.int32())
    if kind == "disabilities":
        return _primary_disabilities(batch.column("disabilities"), extract)
    raise NotClean(kind)


def _checked(column: str, values: pa.Array, resource: Resource) -> pa.Array:
    """The staged values of one column, or NotClean when any fails its rule."""
    if column in resource.required and not all_true(pc.greater(pc.utf8_length(values), 0)):
        raise NotClean(column)
    if column in resource.required and values.null_count:
        raise NotClean(column)
    if column in resource.dates and not all_true(
        pc.match_substring_regex(values, contract.DATE_PATTERN)
    ):
        raise NotClean(column)
    if column in resource.descriptors:
        # Descriptor URIs repeat: each distinct one is checked and split once.
        encoded = pc.dictionary_encode(values)
        uris = encoded.dictionary
        if not all_true(pc.match_substring_regex(uris, DESCRIPTOR_PATTERN)):
            raise NotClean(column)
        codes = pc.list_element(pc.split_pattern(uris, "#", max_splits=2), 1)
        return codes.take(encoded.indices)
    if pa.types.is_string(values.type) and not all_true(
        pc.invert(pc.match_substring(values, "\x00"))
    ):
        raise NotClean(column)
    return values


def flat_batch(batch: pa.RecordBatch, resource: Resource) -> pa.Table:
    if not contract.check_batch(batch, contract.spec_of(resource.endpoint)):
        raise NotClean("contract")
    arrays, names = [], []
    for column, extract in resource.columns:
        arrays.append(_checked(column, _values(batch, extract), resource))
        names.append(column)
    return pa.Table.from_arrays(arrays, names=names)


def csv_bytes(table: pa.Table) -> memoryview:
    """``table`` as CSV for COPY (null as an empty field, empty text as ``""``)."""
    # One chunk: pyarrow's CSV writer returns a bad buffer when the table's first chunks are
    # empty (seen with pyarrow 26).
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(table.combine_chunks(), sink, pa_csv.WriteOptions(include_header=False))
    return memoryview(sink.getvalue())


def parse_options(resource: Resource) -> pa_json.ParseOptions:
    return pa_json.ParseOptions(
        explicit_schema=schema_of(resource), unexpected_field_behavior="ignore"
    )


def starts_with_object(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(1) == b"{"


@dataclass(frozen=True)
class CleanFile:
    path: Path
    resource: Resource
    flat: str  # the staging table to create
    columns_sql: str  # its resource columns, as CREATE TABLE lists them

    @property
    def create_sql(self) -> str:
        # Line numbers stay empty: they are only reported from an exact re-stage.
        return (
            f'CREATE UNLOGGED TABLE "{self.flat}" (line_no bigint, is_object boolean DEFAULT '
            f"true, problems integer DEFAULT 0, contract text, {self.columns_sql})"
        )

    @property
    def copy_sql(self) -> str:
        columns = ", ".join(column for column, _ in self.resource.columns)
        return f'COPY "{self.flat}" ({columns}) FROM STDIN (FORMAT csv{{freeze}})'


def _ignore(fraction: float) -> None:
    return None


def stage_clean_files(files: list[CleanFile], on_progress=_ignore) -> set[str]:
    """Stage every clean file into its new table; returns the tables staged.

    A file that is not clean leaves no table. Outside a transaction the files are cut into
    chunks at line ends and staged by one thread per core, each with its own connection
    (parsing, flattening and COPY release the GIL); inside one (tests), file by file over this
    connection, so the tables stay in that transaction.
    """
    candidates = [f for f in files if starts_with_object(f.path)]
    if not concurrent():
        return {f.flat for f in candidates if _stage_serially(f)}
    return _stage_in_parallel(candidates, on_progress)


def _stage_serially(clean: CleanFile) -> bool:
    try:
        reader = pa_json.open_json(
            clean.path,
            read_options=pa_json.ReadOptions(use_threads=True, block_size=BLOCK_BYTES),
            parse_options=parse_options(clean.resource),
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(clean.create_sql)
            with cursor.cursor.copy(clean.copy_sql.format(freeze=", FREEZE")) as copy:
                for batch in reader:
                    copy.write(csv_bytes(flat_batch(batch, clean.resource)))
    except (NotClean, pa.ArrowException, *COPY_ERRORS):
        return False
    return True


def chunks_of(path: Path, size: int | None = None) -> list[tuple[int, int]]:
    """Byte ranges of about ``size`` covering the file, each ending after a line end."""
    size = size or CHUNK_BYTES
    total = path.stat().st_size
    ranges, start = [], 0
    with path.open("rb") as handle:
        while start < total:
            end = min(start + size, total)
            if end < total:
                handle.seek(end)
                rest = handle.readline()
                end += len(rest)
            ranges.append((start, end))
            start = end
    return ranges


def flat_chunk(path: Path, resource: Resource, start: int, end: int) -> Iterator[pa.Table]:
    """Bytes ``start``–``end`` of a file (whole lines), parsed, checked and flattened batch by
    batch; raises :class:`NotClean` or ``pa.ArrowException`` when they are not clean."""
    with path.open("rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    table = pa_json.read_json(
        pa.BufferReader(data),
        # The whole chunk as one block: fewer, larger batches to flatten.
        read_options=pa_json.ReadOptions(use_threads=False, block_size=len(data) + 1),
        parse_options=parse_options(resource),
    )
    del data
    for batch in table.to_batches():
        yield flat_batch(batch, resource)


def flat_schema(resource: Resource) -> pa.Schema:
    """The columns a flattened batch of ``resource`` has."""
    return pa.schema(
        [(c, pa.int32() if c in resource.integers else pa.string()) for c, _ in resource.columns]
    )


def _stage_in_parallel(files: list[CleanFile], on_progress) -> set[str]:
    with connection.cursor() as cursor:
        for clean in files:
            cursor.execute(clean.create_sql)
    failed: set[str] = set()
    with Connections() as connections:

        def stage_chunk(chunk: tuple[CleanFile, int, int]) -> None:
            clean, start, end = chunk
            if clean.flat in failed:
                return
            try:
                sql = clean.copy_sql.format(freeze="")
                with connections.get().cursor().copy(sql) as copy:
                    for flat in flat_chunk(clean.path, clean.resource, start, end):
                        copy.write(csv_bytes(flat))
            except (NotClean, pa.ArrowException, psycopg.Error):
                failed.add(clean.flat)

        try:
            map_at_once(
                stage_chunk,
                [(clean, *span) for clean in files for span in chunks_of(clean.path)],
                on_done=lambda done, total: on_progress(done / total),
            )
        finally:
            with connection.cursor() as cursor:
                for flat in failed:
                    cursor.execute(f'DROP TABLE IF EXISTS "{flat}"')
    return {clean.flat for clean in files} - failed
