"""The columnar engine's run: read into partitions, reconcile each, store the results."""

from __future__ import annotations

import itertools
import math
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyarrow as pa
from django.db import connection

from parallel import derivations
from parallel.concurrency import WORKERS, map_at_once
from parallel.importers.edfi_arrow import csv_bytes, flat_schema
from parallel.reconciliation import Inputs, Outcome
from parallel.staging import Staging

from . import compare, records
from .inputs import (
    Declined,
    EdfiFile,
    edfi_chunks,
    legacy_chunks,
    read_whole,
    spill_edfi_chunk,
    spill_legacy_chunk,
)
from .partitions import LEGACY_BY_LEA, Spill, allow_open_files, release_memory

# Input bytes per partition: two partitions at once (one per core) stay within a worker's
# 256 MB, with 1.5 GB of input (a million students) in 22 partitions.
PARTITION_INPUT_BYTES = 64 << 20
# Legacy CSV bytes per group of LEAs whose cells are summed and counted at once (about 200,000
# records): the differing cells in memory at any time stay the same however many students.
LEGACY_BYTES_PER_LEA_GROUP = 8 << 20


def reconcile(*, run_id: int, inputs: Inputs, staging: Staging, progress, timings) -> Outcome:
    """Reconcile clean input; raises :class:`Declined` (leaving nothing behind) otherwise."""
    files = [EdfiFile.of(path, derivations.RESOURCES[e]) for e, path in inputs.edfi.items()]
    legacy_bytes = sum(f.path.stat().st_size for f in inputs.legacy)
    total = legacy_bytes + sum(f.path.stat().st_size for f in files)
    spill = Spill.for_run(
        run_id,
        max(1, math.ceil(total / PARTITION_INPUT_BYTES)),
        max(1, math.ceil(legacy_bytes / LEGACY_BYTES_PER_LEA_GROUP)),
    )
    try:
        if not allow_open_files(_streams(spill, files, inputs.definition)):
            raise Declined("the worker may not open a spill stream per partition and thread")
        step = time.perf_counter()
        whole = _read(spill, files, inputs, progress)
        timings["edfi_load_seconds"] = round(time.perf_counter() - step, 3)
        timings["legacy_load_seconds"] = 0.0  # read at the same time as the Ed-Fi files
        progress(60, "Comparing records")
        step = time.perf_counter()
        context = records.Context(
            definition=inputs.definition,
            snapshot=inputs.snapshot,
            crosswalk=inputs.crosswalk,
            lea_alias=derivations.lea_aliases(inputs.lea_ids),
            lea_ids=frozenset(inputs.lea_ids),
        )
        totals = _Totals()
        results = map_at_once(
            lambda number: _partition(spill, number, files, whole, context, totals),
            range(spill.count),
            on_done=lambda done, count: progress(60 + 20 * done / count, "Comparing records"),
        )
        spill.finish_writing()  # the deltas and differences, read from here on
        timings["partitions"] = spill.count
        timings["compare_partitions_seconds"] = round(time.perf_counter() - step, 3)
        progress(80, "Comparing aggregates")
        step = time.perf_counter()
        _differing_cells(spill, context.definition)
        spill.finish_writing()
        timings["lea_groups"] = spill.lea_groups
        timings["legacy_cells_seconds"] = round(time.perf_counter() - step, 3)
        progress(85, "Storing the differences")
        step = time.perf_counter()
        outcome = _store(staging, spill, results, totals, inputs.definition)
        timings["store_seconds"] = round(time.perf_counter() - step, 3)
        return outcome
    finally:
        spill.remove()


def _streams(spill: Spill, files: list[EdfiFile], definition) -> int:
    """The spill streams a run may hold open at once: per thread, one per partition of each
    input it splits by student and per group of LEAs of each it splits by LEA."""
    by_student = len(files) + 1  # the legacy records too
    by_lea = len(compare.groupings(definition)) + 1
    return WORKERS * (by_student * spill.count + by_lea * spill.lea_groups + 2)


def _read(spill: Spill, files: list[EdfiFile], inputs: Inputs, progress) -> dict[str, pa.Table]:
    """Every student-level file into the spill; resources without students whole (schools)."""
    by_student = [f for f in files if "student_id" in dict(f.resource.columns)]
    whole = {f.resource.table: read_whole(f) for f in files if f not in by_student}
    for edfi in files:
        if edfi.resource.table in whole:
            records.require_unique(
                whole[edfi.resource.table], edfi.resource.key, edfi.resource.endpoint
            )
    tasks = [
        ("legacy", chunk)
        for legacy in inputs.legacy
        for chunk in legacy_chunks(legacy, inputs.definition)
    ]
    tasks += [("edfi", chunk) for chunk in edfi_chunks(by_student)]
    cell_columns = compare.cell_columns(inputs.definition)

    def read(task) -> None:
        kind, item = task
        if kind == "legacy":
            spill_legacy_chunk(item, inputs.definition, spill, inputs.lea_ids, cell_columns)
        else:
            spill_edfi_chunk(item, spill, inputs.known)
        release_memory(every=4)  # chunks are small and many

    try:
        map_at_once(
            read,
            tasks,
            on_done=lambda done, count: progress(5 + 50 * done / count, "Reading both sides"),
        )
    finally:
        spill.finish_writing()
    return whole


@dataclass
class _Totals:
    """Records per LEA on each side, summed over the partitions (for every LEA's total)."""

    legacy_leas: compare.CellTotals = field(default_factory=compare.CellTotals)
    edfi_leas: compare.CellTotals = field(default_factory=compare.CellTotals)


@dataclass
class _PartitionResult:
    missing: Counter
    outside_cycle: int


def _partition(spill, number, files, whole, context, totals) -> _PartitionResult:
    try:
        return _reconcile_partition(spill, number, files, whole, context, totals)
    finally:
        release_memory()


def _reconcile_partition(spill, number, files, whole, context, totals) -> _PartitionResult:
    tables = dict(whole)
    for edfi in files:
        resource = edfi.resource
        if resource.table in whole:
            continue
        table = spill.read(resource.table, number, flat_schema(resource))
        records.require_unique(table, resource.key, resource.endpoint)
        tables[resource.table] = table
    derivation = context.definition.derivation
    for child, column, parent, parent_column, _ in derivations.REFERENCES[derivation]:
        records.require_resolved(tables[child], column, tables[parent], parent_column)
    derived = records.derive(tables, context)
    legacy = spill.read("legacy", number, _legacy_schema(context.definition))
    records.require_unique(legacy, compare.KEY, "legacy")
    records.require_unique(derived.records, compare.KEY, "Ed-Fi record")
    differences = compare.record_differences(legacy, derived.records, context.fields)
    totals.legacy_leas.add(compare.cell_counts(legacy, [()]))
    totals.edfi_leas.add(compare.cell_counts(derived.records, [()]))
    groupings = compare.groupings(context.definition)
    deltas = compare.cell_deltas(differences, groupings)
    for index, grouping in enumerate(groupings):
        delta = compare.with_lea(deltas[grouping])
        spill.write(f"delta-{index}", delta, ids="lea_id", count=spill.lea_groups)
    spill.append("diff", differences.rows)
    return _PartitionResult(missing=derived.missing, outside_cycle=derived.outside_cycle)


def _legacy_schema(definition) -> pa.Schema:
    return pa.schema([(c["field"], pa.string()) for c in definition.columns])


# A partition's signed counts per cell, with the cell's LEA (spilled by LEA).
DELTA_SCHEMA = pa.schema([("cell", pa.string()), ("count", pa.int64()), ("lea_id", pa.string())])


def _differing_cells(spill: Spill, definition) -> None:
    """The cells whose counts differ, one group of LEAs at a time, spilled as ``cells``.

    A group's deltas from every partition are summed; the legacy count of each cell that
    differs is counted over the group's legacy records (spilled by LEA as they were read).
    """
    groupings = compare.groupings(definition)
    schema = pa.schema([(c, pa.string()) for c in compare.cell_columns(definition)])

    def cells_of(number: int) -> None:
        legacy = spill.read(LEGACY_BY_LEA, number, schema)
        found = {
            grouping: compare.differing(
                spill.read(f"delta-{index}", number, DELTA_SCHEMA), legacy, grouping
            )
            for index, grouping in enumerate(groupings)
        }
        for category_set in definition.category_sets:
            grouping = tuple(category_set.get("fields", []))
            if grouping:
                table = compare.cell_table(category_set, *found[grouping], definition)
                spill.append("cells", table)
        release_memory()

    map_at_once(cells_of, range(spill.lea_groups))


def _create_result_tables(cursor, diff: str, cells: str, counts: str) -> None:
    """The tables the SQL path's comparison creates, with the same columns."""
    for table in (diff, cells, counts):
        cursor.execute(f'DROP TABLE IF EXISTS "{table}"')
    cursor.execute(
        f'CREATE UNLOGGED TABLE "{diff}" (lea_id text, student_id text, kind text, '
        "field text, legacy_value text, edfi_value text)"
    )
    cursor.execute(
        f'CREATE UNLOGGED TABLE "{cells}" (category_set text, lea_id text, categories jsonb, '
        "legacy_count integer, edfi_count integer, difference integer, within_tolerance boolean)"
    )
    cursor.execute(
        f'CREATE UNLOGGED TABLE "{counts}" (lea_id text, legacy_records integer, '
        "edfi_records integer)"
    )


def _store(staging: Staging, spill: Spill, results: list[_PartitionResult], totals, definition):
    diff, cells, counts = staging.table("diff"), staging.table("cells"), staging.table("counts")
    lea_counts = compare.records_per_lea(totals.legacy_leas, totals.edfi_leas)
    leas = compare.lea_totals(lea_counts)
    every_lea = [
        compare.cell_table(s, *leas, definition)
        for s in definition.category_sets
        if not s.get("fields")
    ]
    missing = Counter()
    for result in results:
        missing.update(result.missing)
    with connection.cursor() as cursor:
        _create_result_tables(cursor, diff, cells, counts)
        _copy_tables(cursor, diff, _tables(spill.batches("diff")))
        cells_differing = _copy_tables(
            cursor, cells, itertools.chain(every_lea, _tables(spill.batches("cells")))
        )
        with cursor.cursor.copy(f'COPY "{counts}" FROM STDIN') as copy:
            for lea_id, (legacy_records, edfi_records) in sorted(lea_counts.items()):
                copy.write_row((lea_id, legacy_records, edfi_records))
        for table in (diff, cells, counts):
            cursor.execute(f'ANALYZE "{table}"')
    return Outcome(
        diff=diff,
        cells=cells,
        counts=counts,
        cells_differing=cells_differing,
        missing=[
            {"field": name, "value": value, "records": n}
            for (name, value), n in sorted(missing.items())
        ],
        outside_cycle=sum(r.outside_cycle for r in results),
    )


def _tables(batches) -> Iterator[pa.Table]:
    return (pa.Table.from_batches([batch]) for batch in batches)


def _copy_tables(cursor, table: str, tables) -> int:
    """COPY ``tables`` into ``table``; returns the rows written."""
    rows = 0
    with cursor.cursor.copy(f'COPY "{table}" FROM STDIN (FORMAT csv)') as copy:
        for part in tables:
            copy.write(csv_bytes(part))
            rows += part.num_rows
    return rows
