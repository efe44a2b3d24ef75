"""One partition compared: record differences, and counts per category-set cell.

Record level is a full join on (LEA, student): a key on one side only, or each field whose
values differ. Cells span student partitions (an LEA's students are spread over all of them).
As in the SQL path, a cell's difference comes from the differing records only: each partition
gives those records' signed counts per cell (:func:`cell_deltas`), which are spilled by LEA
and summed one group of LEAs at a time; the legacy count is then needed only for the cells
that differ (:func:`differing`, over that group's legacy records), and :func:`cell_table`
makes their rows. Every LEA's total (TOT) comes from its records per side
(:class:`CellTotals`, :func:`records_per_lea`, :func:`lea_totals`).
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

from .records import SEPARATOR, key_of, lookup

KEY = ["lea_id", "student_id"]
DIFF_SCHEMA = pa.schema(
    [(name, pa.string()) for name in
     ("lea_id", "student_id", "kind", "field", "legacy_value", "edfi_value")]
)  # fmt: skip


@dataclass
class Differences:
    rows: pa.Table  # DIFF_SCHEMA: one per record on one side only, or per differing field
    legacy: pa.Table  # the records of each side that are not matched identically
    edfi: pa.Table


def record_differences(legacy: pa.Table, edfi: pa.Table, fields: list[str]) -> Differences:
    """A full join on the key (unique on both sides), by looking each side up in the other."""
    in_edfi = lookup(legacy, KEY, edfi, KEY)
    only_legacy = legacy.filter(pc.is_null(in_edfi))
    only_edfi = edfi.filter(pc.is_null(lookup(edfi, KEY, legacy, KEY)))
    parts = [_only(only_legacy, "only_legacy"), _only(only_edfi, "only_edfi")]
    matched = legacy.filter(pc.is_valid(in_edfi))
    partner = edfi.take(in_edfi.drop_null())
    unequal = pa.array([False] * matched.num_rows, pa.bool_())
    for name in fields:
        legacy_value, edfi_value = matched[name], partner[name]
        distinct = pc.fill_null(pc.not_equal(legacy_value, edfi_value), True)
        both_null = pc.and_(pc.is_null(legacy_value), pc.is_null(edfi_value))
        differs = pc.and_(distinct, pc.invert(both_null))
        rows = matched.filter(differs)
        parts.append(_rows(rows, "mismatch", name, rows[name], edfi_value.filter(differs)))
        unequal = pc.or_(unequal, differs)
    return Differences(
        rows=pa.concat_tables(parts),
        legacy=pa.concat_tables([only_legacy, matched.filter(unequal)]),
        edfi=pa.concat_tables([only_edfi, partner.filter(unequal)]),
    )


def _only(rows: pa.Table, kind: str) -> pa.Table:
    nothing = pa.nulls(rows.num_rows, pa.string())
    return _rows(rows, kind, "", nothing, nothing)


def _rows(rows: pa.Table, kind: str, field: str, legacy_value, edfi_value) -> pa.Table:
    size = rows.num_rows
    return pa.table(
        [
            rows["lea_id"],
            rows["student_id"],
            pa.array([kind] * size, pa.string()),
            pa.array([field] * size, pa.string()),
            pc.cast(legacy_value, pa.string()),
            pc.cast(edfi_value, pa.string()),
        ],
        schema=DIFF_SCHEMA,
    )


def cell_counts(records: pa.Table, groupings, *, sign: int = 1) -> dict[tuple, pa.Table]:
    """Per grouping (the category fields of one or more sets), the records per cell.

    A cell is a key (LEA and the grouping's values, joined) with its count (times ``sign``).
    """
    return {g: _counted(key_of(records, ["lea_id", *g]), sign) for g in groupings}


def _counted(keys, sign: int = 1) -> pa.Table:
    found = pc.value_counts(keys)
    counts = pc.multiply(pc.cast(found.field("counts"), pa.int64()), sign)
    return pa.table([found.field("values"), counts], names=["cell", "count"])


def cell_deltas(differences: Differences, groupings) -> dict[tuple, pa.Table]:
    """Per cell, the Ed-Fi count minus the legacy count.

    Records matched identically add the same to both sides of every cell, so only the records
    that differ are counted: +1 with their Ed-Fi values, -1 with their legacy values.
    """
    edfi = cell_counts(differences.edfi, groupings)
    legacy = cell_counts(differences.legacy, groupings, sign=-1)
    return {g: summed(pa.concat_tables([edfi[g], legacy[g]])) for g in groupings}


def counts_in(records: pa.Table, cells: dict[tuple, pa.Table]) -> dict[tuple, pa.Table]:
    """The records per cell of ``records``, for the given cells of each grouping only."""
    counts = {}
    for grouping, wanted in cells.items():
        keys = key_of(records, ["lea_id", *grouping])
        counts[grouping] = _counted(keys.filter(pc.is_in(keys, value_set=wanted["cell"])))
    return counts


class CellTotals:
    """Per-cell counts summed over the partitions (thread-safe).

    Partitions' counts wait in a list and are summed into the total once they hold as many
    rows as it does: each row is re-summed a few times at most, not once per partition.
    """

    def __init__(self):
        self._totals: dict[tuple, pa.Table] = {}
        self._waiting: dict[tuple, list[pa.Table]] = defaultdict(list)
        self._lock = threading.Lock()

    def add(self, counts: dict[tuple, pa.Table]) -> None:
        with self._lock:
            for grouping, table in counts.items():
                waiting = self._waiting[grouping]
                waiting.append(table)
                total = self._totals.get(grouping)
                if sum(t.num_rows for t in waiting) >= (total.num_rows if total else 0):
                    self._sum(grouping)

    def _sum(self, grouping: tuple) -> None:
        parts = self._waiting.pop(grouping, [])
        if grouping in self._totals:
            parts.append(self._totals[grouping])
        if parts:
            self._totals[grouping] = summed(pa.concat_tables(parts))

    def get(self, grouping: tuple) -> pa.Table:
        with self._lock:
            self._sum(grouping)
        empty = pa.table([pa.array([], pa.string()), pa.array([], pa.int64())], ["cell", "count"])
        return self._totals.get(grouping, empty)


def summed(cells: pa.Table) -> pa.Table:
    """One row per cell: sorted by cell, each run of equal cells summed (its cumulative sums'
    difference at the run's ends)."""
    if not cells.num_rows:
        return cells
    cells = cells.sort_by("cell")
    names = cells["cell"].combine_chunks()
    ends = pc.indices_nonzero(
        pa.concat_arrays([pc.not_equal(names[1:], names[:-1]), pa.array([True])])
    )
    running = pc.cumulative_sum(cells["count"]).combine_chunks().take(ends)
    before = pa.concat_arrays([pa.array([0], pa.int64()), running[:-1]])
    return pa.table([names.take(ends), pc.subtract(running, before)], names=["cell", "count"])


def groupings(definition) -> list[tuple[str, ...]]:
    """The category fields of every set but the totals (TOT), each once, in a fixed order."""
    return list(
        dict.fromkeys(tuple(s["fields"]) for s in definition.category_sets if s.get("fields"))
    )


def cell_columns(definition) -> list[str]:
    """The legacy columns the cells are counted on."""
    return ["lea_id", *dict.fromkeys(f for g in groupings(definition) for f in g)]


def with_lea(cells: pa.Table) -> pa.Table:
    """``cells`` with the LEA of each cell (the start of its key) as a column."""
    parts = pc.split_pattern(cells["cell"], SEPARATOR, max_splits=1)
    return cells.append_column("lea_id", pc.list_element(parts, 0))


def differing(deltas: pa.Table, legacy: pa.Table, grouping: tuple[str, ...]) -> tuple:
    """(cells, legacy counts, differences) of the cells whose summed deltas are not zero.

    ``deltas`` holds every partition's deltas for some LEAs, ``legacy`` those LEAs' records.
    """
    deltas = summed(deltas.select(["cell", "count"]))
    deltas = deltas.filter(pc.not_equal(deltas["count"], 0))
    counted = counts_in(legacy, {grouping: deltas})[grouping]
    legacy_counts = pc.fill_null(
        counted["count"].take(lookup(deltas, ["cell"], counted, ["cell"])), 0
    )
    return (
        deltas["cell"].combine_chunks(),
        legacy_counts.combine_chunks(),
        deltas["count"].combine_chunks(),
    )


def lea_totals(counts: dict[str, tuple[int, int]]) -> tuple:
    """(LEAs, legacy records, differences) of every LEA on either side, from
    :func:`records_per_lea`."""
    return (
        pa.array(list(counts), pa.string()),
        pa.array([n for n, _ in counts.values()], pa.int64()),
        pa.array([e - n for n, e in counts.values()], pa.int64()),
    )


def cell_table(category_set: dict, cells, legacy_counts, differences, definition) -> pa.Table:
    """The cells table's rows (CELL_SCHEMA) for one category set's cells."""
    grouping = tuple(category_set.get("fields", []))
    parts = pc.split_pattern(cells, SEPARATOR, max_splits=1)
    return pa.table(
        [
            pa.array([category_set["code"]] * len(cells), pa.string()),
            pc.list_element(parts, 0),
            _categories(grouping, parts),
            legacy_counts,
            pc.add(legacy_counts, differences),
            differences,
            _within(differences, legacy_counts, definition),
        ],
        schema=CELL_SCHEMA,
    )


CELL_SCHEMA = pa.schema(
    [("category_set", pa.string()), ("lea_id", pa.string()), ("categories", pa.string()),
     ("legacy_count", pa.int64()), ("edfi_count", pa.int64()), ("difference", pa.int64()),
     ("within_tolerance", pa.bool_())]
)  # fmt: skip


def _categories(grouping: tuple[str, ...], parts: pa.Array) -> pa.Array:
    """Each cell's categories as a JSON object; made once per distinct combination of values."""
    if not grouping:
        return pa.array(["{}"] * len(parts), pa.string())
    encoded = pc.dictionary_encode(pc.list_element(parts, 1))
    objects = [
        json.dumps(dict(zip(grouping, values.split(SEPARATOR), strict=True)))
        for values in encoded.dictionary.to_pylist()
    ]
    return pa.array(objects, pa.string()).take(encoded.indices)


def records_per_lea(legacy: CellTotals, edfi: CellTotals) -> dict[str, tuple[int, int]]:
    """``{LEA: (legacy records, Ed-Fi records)}`` for every LEA on either side (the cells of the
    empty grouping are the LEAs)."""
    counts: dict[str, list[int]] = {}
    for side, totals in enumerate((legacy, edfi)):
        table = totals.get(())
        for lea_id, n in zip(table["cell"].to_pylist(), table["count"].to_pylist(), strict=True):
            counts.setdefault(lea_id, [0, 0])[side] += n
    return {lea_id: (n[0], n[1]) for lea_id, n in counts.items()}


def _within(differences: pa.Array, legacy_counts: pa.Array, definition) -> pa.Array:
    """|difference| at most the absolute tolerance, or at most the percentage of the legacy
    count: in exact integer arithmetic, as PostgreSQL's numeric (the boundary cases agree
    with the SQL path)."""
    numerator, denominator = Decimal(str(definition.tolerance_percent)).as_integer_ratio()
    size = pc.abs_checked(differences)
    return pc.or_(
        pc.less_equal(size, int(definition.tolerance_absolute)),
        pc.less_equal(
            pc.multiply_checked(size, 100 * denominator),
            pc.multiply_checked(legacy_counts, numerator),
        ),
    )
