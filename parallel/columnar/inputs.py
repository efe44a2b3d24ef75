"""Reading both sides into the spill: the Ed-Fi extract chunk by chunk, the legacy CSVs.

Only input that passes every check is read here; anything else raises :class:`Declined`, and
the run is done by the SQL path, which names each problem's file, line and column. The checks
are the SQL path's own: the Ed-Fi API contract, required members and dates
(``edfi_arrow``), descriptor values known to the catalog or the state's descriptor set; and
for the legacy file its layout, permitted values and the cycle's LEAs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json

from parallel.contract import all_true
from parallel.derivations import Resource
from parallel.importers import edfi_arrow, legacy_csv
from parallel.importers.edfi_arrow import NotClean
from parallel.staging import InputError

from .partitions import LEGACY_BY_LEA, Spill

# Records per chunk: Arrow materialises every member of its schema for each record (null when
# absent; all the contract's when a chunk does not fit the sample), so a chunk's memory follows
# its number of records more than its bytes.
CHUNK_RECORDS = 16 * 1024


class Declined(Exception):
    """The input needs the SQL path (bad input is reported there, with its line)."""


@dataclass(frozen=True)
class EdfiFile:
    path: Path
    resource: Resource
    fitted: pa_json.ParseOptions | None  # edfi_arrow.fitted_options of the file

    @classmethod
    def of(cls, path: Path, resource: Resource) -> EdfiFile:
        return cls(path, resource, edfi_arrow.fitted_options(path, resource))


def edfi_chunks(files: list[EdfiFile]) -> list[tuple[EdfiFile, int, int]]:
    """The pieces of work: every file cut at line ends into chunks of a few megabytes."""
    for edfi in files:
        if not edfi_arrow.starts_with_object(edfi.path):
            raise Declined(f"{edfi.path.name} is not JSON Lines")
    return [
        (edfi, *span)
        for edfi in files
        for span in edfi_arrow.chunks_of(edfi.path, _chunk_bytes(edfi))
    ]


def _chunk_bytes(edfi: EdfiFile) -> int:
    """Chunk size for about CHUNK_RECORDS records (their length read off the file's start)."""
    with edfi.path.open("rb") as handle:
        sample = handle.read(1 << 16)
    lines = max(1, sample.count(b"\n"))
    return max(1 << 20, min(edfi_arrow.CHUNK_BYTES, len(sample) // lines * CHUNK_RECORDS))


def _flat_chunk(edfi: EdfiFile, start: int, end: int) -> pa.Table:
    """One chunk of a file parsed, checked against the contract and flattened."""
    try:
        tables = edfi_arrow.flat_chunk(edfi.path, edfi.resource, start, end, edfi.fitted)
        return pa.concat_tables(list(tables))
    except (NotClean, pa.ArrowException) as exc:
        raise Declined(f"{edfi.path.name}: {exc}") from None


def spill_edfi_chunk(
    chunk: tuple[EdfiFile, int, int], spill: Spill, known: dict[str, set[str]]
) -> None:
    """Parse, check and flatten one chunk, then write it to the spill, split by student."""
    edfi = chunk[0]
    flat = _flat_chunk(*chunk)
    _check_descriptors(flat, edfi.resource, known)
    # Plain text, not dictionary-encoded: every write of a dictionary column also writes its
    # dictionary, and there is a write per chunk and partition.
    spill.write(edfi.resource.table, flat)


def _check_descriptors(flat: pa.Table, resource: Resource, known: dict[str, set[str]]) -> None:
    for column, descriptor in resource.descriptor_names.items():
        if descriptor not in known:
            continue
        values = pc.unique(flat.column(column).drop_null()).to_pylist()
        if any(value.lower() not in known[descriptor] for value in values):
            raise Declined(f"{column}: a {descriptor} value the catalog does not know")


def read_whole(edfi: EdfiFile) -> pa.Table:
    """A resource without students (schools): small, read whole and kept for every partition."""
    tables = [_flat_chunk(*chunk) for chunk in edfi_chunks([edfi])]
    return (
        pa.concat_tables(tables) if tables else edfi_arrow.flat_schema(edfi.resource).empty_table()
    )


# The legacy side -----------------------------------------------------------------------------

LEGACY_CHUNK_BYTES = 4 << 20


@dataclass(frozen=True)
class LegacyChunk:
    legacy: legacy_csv.LegacyFile
    fields: tuple[str, ...]  # the layout field of each column, in file order
    start: int
    end: int


def legacy_chunks(legacy: legacy_csv.LegacyFile, definition) -> list[LegacyChunk]:
    """A legacy CSV's header checked against the layout, and the file cut at line ends.

    Values with line breaks are refused (they need quotes, which send the file to the SQL
    path), so every line is a record and a chunk is whole records.
    """
    try:
        header = legacy_csv.read_header(legacy.path, name=legacy.name)
        fields = tuple(legacy_csv.check_header(header, definition, name=legacy.name))
    except InputError as exc:
        raise Declined(str(exc)) from None
    with legacy.path.open("rb") as handle:
        if b'"' in handle.readline(1 << 16):
            raise Declined("a quoted header")  # the SQL path's CSV reader settles such headers
    return [
        LegacyChunk(legacy, fields, start, end)
        for start, end in edfi_arrow.chunks_of(legacy.path, LEGACY_CHUNK_BYTES)
    ]


def spill_legacy_chunk(
    chunk: LegacyChunk, definition, spill: Spill, lea_ids: list[str], cell_columns: list[str]
) -> None:
    """Check one chunk of a legacy CSV against the layout and write it to the spill: by
    student, and its ``cell_columns`` by LEA."""
    legacy = chunk.legacy
    with legacy.path.open("rb") as handle:
        handle.seek(chunk.start)
        data = handle.read(chunk.end - chunk.start)
    # Quotes, carriage returns, NULs: the SQL path's CSV reader is the one that settles them (a
    # line break inside a value needs quotes). One scan of the bytes, not one per column.
    if any(byte in data for byte in (b'"', b"\r", b"\x00")):
        raise Declined(f"{legacy.name}: a quote, carriage return or NUL")
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(data),
            read_options=pa_csv.ReadOptions(
                column_names=list(chunk.fields),
                skip_rows=1 if chunk.start == 0 else 0,  # the header
                block_size=len(data) + 1,
                use_threads=False,
            ),
            # An empty line is a row of missing values to the SQL path: an error here too.
            parse_options=pa_csv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(chunk.fields, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowException as exc:
        raise Declined(f"{legacy.name}: {exc}") from None
    del data
    table = table.select([c["field"] for c in definition.columns])
    permitted = {c["field"]: c.get("permitted_values") or [] for c in definition.columns}
    allowed_leas = pa.array([legacy.lea_id] if legacy.lea_id else lea_ids, pa.string())
    _check_legacy_batch(table, permitted, legacy_csv.value_limits(definition), allowed_leas)
    spill.write("legacy", table)
    by_lea = table.select(cell_columns)
    spill.write(LEGACY_BY_LEA, by_lea, ids="lea_id", count=spill.lea_groups)


def _check_legacy_batch(
    table: pa.Table, permitted: dict, limits: dict[str, int], allowed_leas: pa.Array
) -> None:
    for field, values in permitted.items():
        column = table.column(field)
        if values:
            ok = pc.is_in(column, value_set=pa.array(values, pa.string()))
        else:
            length = pc.utf8_length(column)
            ok = pc.and_(pc.greater(length, 0), pc.less_equal(length, limits[field]))
        if not all_true(pc.fill_null(ok, False)):
            raise Declined(f"column {field}: a value the layout does not permit")
    if not all_true(pc.fill_null(pc.is_in(table.column("lea_id"), value_set=allowed_leas), False)):
        raise Declined("an LEA outside the cycle or the file's LEA")
