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


def _checked(column: str, values: pa.Array, resource: Resource, nul_free: bool) -> pa.Array:
    """The staged values of one column, or NotClean when any fails its rule.

    ``nul_free``: the chunk's text has no NUL and no ``\\u0000``, so no value holds a NUL.
    """
    if (
        not nul_free
        and pa.types.is_string(values.type)
        and not all_true(pc.invert(pc.match_substring(values, "\x00")))
    ):
        raise NotClean(column)
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
    return values


def flat_batch(batch: pa.RecordBatch, resource: Resource, nul_free: bool) -> pa.Table:
    if not contract.check_batch(batch, contract.spec_of(resource.endpoint)):
        raise NotClean("contract")
    arrays, names = [], []
    for column, extract in resource.columns:
        arrays.append(_checked(column, _values(batch, extract), resource, nul_free))
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
    fitted = fitted_options(clean.path, clean.resource)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(clean.create_sql)
            with cursor.cursor.copy(clean.copy_sql.format(freeze=", FREEZE")) as copy:
                for start, end in chunks_of(clean.path):
                    for flat in flat_chunk(clean.path, clean.resource, start, end, fitted):
                        copy.write(csv_bytes(flat))
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


def flat_chunk(
    path: Path, resource: Resource, start: int, end: int, fitted: pa_json.ParseOptions | None
) -> Iterator[pa.Table]:
    """Bytes ``start``–``end`` of a file (whole lines), parsed, checked and flattened batch by
    batch; raises :class:`NotClean` or ``pa.ArrowException`` when they are not clean.

    ``fitted`` (from :func:`fitted_options`) is tried first; a chunk it does not fit is parsed
    with the full contract schema, whose verdict stands.
    """
    with path.open("rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    table = None
    if fitted is not None:
        try:
            table = _read_block(data, fitted)
        except pa.ArrowException:
            table = None
    if table is None:
        table = _read_block(data, parse_options(resource))
    # JSON text holds a NUL only escaped (a raw one is refused by the parser, or checked).
    nul_free = b"\\u0000" not in data and b"\x00" not in data
    del data
    for batch in table.to_batches():
        yield flat_batch(batch, resource, nul_free)


def _read_block(data: bytes, options: pa_json.ParseOptions) -> pa.Table:
    if not shallow(data):
        # Arrow's reader recurses once per level (tens of thousands crash the worker) and so
        # does the schema fitting: such a file goes to the exact path, which names the line.
        raise pa.ArrowInvalid(f"JSON nested more than {MAX_NESTING} levels deep")
    if not data.isascii():
        try:
            data.decode("utf-8")  # Arrow's reader passes bytes that are not UTF-8 on as text
        except UnicodeDecodeError:
            raise pa.ArrowInvalid("not UTF-8 text") from None
    # The whole chunk as one block: fewer, larger batches to flatten.
    return pa_json.read_json(
        pa.BufferReader(data),
        read_options=pa_json.ReadOptions(use_threads=False, block_size=len(data) + 1),
        parse_options=options,
    )


# Ed-Fi resources nest a few levels (record, collection, item, reference).
MAX_NESTING = 32
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")


def shallow(data: bytes) -> bool:
    """Whether ``data`` (JSON text) surely nests at most MAX_NESTING levels.

    Every round removes each innermost ``{}`` and ``[]`` of the brackets alone, which ends
    up removing one or two levels, so a nesting of MAX_NESTING takes at most that many
    rounds. Brackets inside strings may make a shallow text look deep: it then only takes
    the exact path.
    """
    brackets = data.translate(None, _NOT_BRACKETS)
    for _ in range(MAX_NESTING):
        if not brackets:
            return True
        brackets = brackets.replace(b"{}", b"").replace(b"[]", b"")
    return not brackets


# The sample the members a file's records carry are read from: SAMPLE_SLICES slices spread over
# the file, SAMPLE_BYTES in all. A statewide file is often LEA after LEA, and one LEA's system
# writes members another's does not.
SAMPLE_BYTES = 1 << 20
SAMPLE_SLICES = 8


def _sample(path: Path) -> bytes:
    """Whole lines from SAMPLE_SLICES places spread over the file (all of a small file)."""
    size = path.stat().st_size
    slice_bytes = SAMPLE_BYTES // SAMPLE_SLICES
    with path.open("rb") as handle:
        if size <= SAMPLE_BYTES:
            data = handle.read()
            return data[: data.rfind(b"\n") + 1]
        parts = []
        for index in range(SAMPLE_SLICES):
            start = (size - slice_bytes) * index // max(1, SAMPLE_SLICES - 1)
            handle.seek(start)
            data = handle.read(slice_bytes)
            if start:  # from the first line that starts in the slice
                first = data.find(b"\n")
                data = data[first + 1 :] if first >= 0 else b""
            parts.append(data[: data.rfind(b"\n") + 1])
    return b"".join(parts)


def fitted_options(path: Path, resource: Resource) -> pa_json.ParseOptions | None:
    """Parse options that build only the members a sample of the file carries (None: the sample
    does not parse, so every chunk is parsed with the full contract schema).

    Arrow builds a column for every member of its schema, present or not: with the 23 members
    the contract gives a student, of which an extract carries 4, that costs more than the
    parse. The fitted schema has the contract's type for each member the sample carries (its
    children likewise), the sample's own type for members outside the contract (the full parse
    ignores those), and the whole contract type for the members the report reads. Any other
    member anywhere in a record, or another type, is an error: :func:`flat_chunk` then parses
    that chunk with the full schema. A chunk the fitted schema parses is therefore typed as the
    full schema would type it, less columns that would be null throughout.
    """
    sample = _sample(path)
    if not sample:
        return None
    contract_types = {f.name: f.type for f in schema_of(resource)}
    try:
        table = _read_block(
            sample,
            pa_json.ParseOptions(
                explicit_schema=schema_of(resource), unexpected_field_behavior="infer"
            ),
        )
    except pa.ArrowException:
        return None
    # Where the sample spells out nulls, a member null throughout it may still be spelt out:
    # it stays, typed null (a value there is an error), rather than being unexpected.
    keep_absent = b"null" in sample
    read = {extract.spec[1] for _, extract in resource.columns}
    fields = []
    for name in table.column_names:
        values = table.column(name).combine_chunks()
        fitted = _fitted_type(contract_types.get(name), values, keep_absent)
        if name in read:
            fitted = _with_contract(contract_types[name], fitted)
        if fitted is not None:
            fields.append(pa.field(name, fitted))
    return pa_json.ParseOptions(
        explicit_schema=pa.schema(fields), unexpected_field_behavior="error"
    )


def _fitted_type(
    contract_type: pa.DataType | None, values: pa.Array, keep_absent: bool
) -> pa.DataType | None:
    """The type that parses what ``values`` hold (None: left out, as null throughout)."""
    if values.null_count == len(values):
        return pa.null() if keep_absent else None
    if pa.types.is_struct(values.type):
        known = {f.name: f.type for f in contract_type} if contract_type is not None else {}
        fields = []
        for index, child in enumerate(values.type):
            member = pc.struct_field(values, [index])
            fitted = _fitted_type(known.get(child.name), member, keep_absent)
            if fitted is not None:
                fields.append(pa.field(child.name, fitted))
        return pa.struct(fields)
    if pa.types.is_list(values.type):
        item_type = (contract_type or values.type).value_type
        items = values.flatten()
        contract_item = contract_type.value_type if contract_type is not None else None
        fitted = _fitted_type(contract_item, items, keep_absent) if len(items) else None
        return pa.list_(fitted or item_type)
    return contract_type or values.type


def _with_contract(contract_type: pa.DataType, fitted: pa.DataType | None) -> pa.DataType:
    """``fitted`` with every member the contract has and it lacks (for the members read)."""
    if fitted is None or pa.types.is_null(fitted):
        return contract_type
    if pa.types.is_struct(contract_type):
        have = {f.name: f.type for f in fitted}
        fields = [pa.field(f.name, _with_contract(f.type, have.get(f.name))) for f in contract_type]
        names = {f.name for f in contract_type}
        return pa.struct(fields + [f for f in fitted if f.name not in names])
    if pa.types.is_list(contract_type):
        return pa.list_(_with_contract(contract_type.value_type, fitted.value_type))
    return contract_type


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
    fitted = {clean.flat: fitted_options(clean.path, clean.resource) for clean in files}
    with Connections() as connections:

        def stage_chunk(chunk: tuple[CleanFile, int, int]) -> None:
            clean, start, end = chunk
            if clean.flat in failed:
                return
            try:
                sql = clean.copy_sql.format(freeze="")
                with connections.get().cursor().copy(sql) as copy:
                    for flat in flat_chunk(
                        clean.path, clean.resource, start, end, fitted[clean.flat]
                    ):
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
