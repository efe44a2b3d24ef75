"""One partition compared: record differences, and counts per category-set cell.

Record level is a full join on (LEA, student): a key on one side only, or each field whose
values differ. Cells span partitions (an LEA's students are spread over all of them), so each
partition returns its counts per cell, and :func:`differing_cells` adds them up and keeps the
cells whose counts differ, with every LEA's total (TOT), as the SQL path does.
"""

from __future__ import annotations

import json
import threading
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

KEY = ["lea_id", "student_id"]
DIFF_SCHEMA = pa.schema(
    [(name, pa.string()) for name in
     ("lea_id", "student_id", "kind", "field", "legacy_value", "edfi_value")]
)  # fmt: skip


def record_differences(legacy: pa.Table, edfi: pa.Table, fields: list[str]) -> pa.Table:
    left = _side(legacy, "l", fields)
    right = _side(edfi, "e", fields)
    joined = left.join(right, KEY, join_type="full outer")
    in_legacy = pc.is_valid(joined["l_here"])
    in_edfi = pc.is_valid(joined["e_here"])
    parts = [
        _only(joined.filter(pc.invert(in_edfi)), "only_legacy"),
        _only(joined.filter(pc.invert(in_legacy)), "only_edfi"),
    ]
    matched = joined.filter(pc.and_(in_legacy, in_edfi))
    for name in fields:
        legacy_value, edfi_value = matched[f"l_{name}"], matched[f"e_{name}"]
        distinct = pc.fill_null(pc.not_equal(legacy_value, edfi_value), True)
        both_null = pc.and_(pc.is_null(legacy_value), pc.is_null(edfi_value))
        rows = matched.filter(pc.and_(distinct, pc.invert(both_null)))
        parts.append(_rows(rows, "mismatch", name, rows[f"l_{name}"], rows[f"e_{name}"]))
    return pa.concat_tables(parts)


def _side(table: pa.Table, prefix: str, fields: list[str]) -> pa.Table:
    side = table.select([*KEY, *fields]).rename_columns([*KEY, *(f"{prefix}_{f}" for f in fields)])
    return side.append_column(f"{prefix}_here", pa.array([True] * side.num_rows, pa.bool_()))


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


def cell_counts(records: pa.Table, groupings: set[tuple[str, ...]]) -> dict[tuple, pa.Table]:
    """Per grouping (the category fields of one or more sets), the records per cell."""
    return {
        grouping: records.group_by(["lea_id", *grouping]).aggregate([([], "count_all")])
        for grouping in groupings
    }


class CellTotals:
    """Running per-cell counts of one side, summed partition by partition (thread-safe)."""

    def __init__(self):
        self._tables: dict[tuple, pa.Table] = {}
        self._lock = threading.Lock()

    def add(self, counts: dict[tuple, pa.Table]) -> None:
        with self._lock:
            for grouping, table in counts.items():
                if grouping in self._tables:
                    table = _summed([self._tables[grouping], table], ["lea_id", *grouping])
                self._tables[grouping] = table

    def get(self, grouping: tuple) -> pa.Table:
        return self._tables[grouping]


def _summed(parts: list[pa.Table], keys: list[str]) -> pa.Table:
    summed = pa.concat_tables(parts).group_by(keys).aggregate([("count_all", "sum")])
    return summed.rename_columns([*keys, "count_all"])


def differing_cells(legacy: CellTotals, edfi: CellTotals, definition) -> list[tuple]:
    """Rows for the cells table: (set, LEA, categories JSON, legacy, Ed-Fi, difference, ok).

    Cells whose counts are equal are not kept; every LEA's total (TOT) is.
    """
    rows = []
    for category_set in definition.category_sets:
        grouping = tuple(category_set.get("fields", []))
        keys = ["lea_id", *grouping]
        counts = (
            legacy.get(grouping)
            .rename_columns([*keys, "legacy"])
            .join(edfi.get(grouping).rename_columns([*keys, "edfi"]), keys,
                  join_type="full outer")
        )  # fmt: skip
        legacy_counts = pc.fill_null(counts["legacy"], 0)
        edfi_counts = pc.fill_null(counts["edfi"], 0)
        if grouping:
            counts = counts.filter(pc.not_equal(legacy_counts, edfi_counts))
        for cell in counts.to_pylist():
            legacy_count, edfi_count = cell["legacy"] or 0, cell["edfi"] or 0
            difference = edfi_count - legacy_count
            rows.append(
                (
                    category_set["code"],
                    cell["lea_id"],
                    json.dumps({name: cell[name] for name in grouping if cell[name] is not None}),
                    legacy_count,
                    edfi_count,
                    difference,
                    _within(difference, legacy_count, definition),
                )
            )
    return rows


def _within(difference: int, legacy_count: int, definition) -> bool:
    # Decimal arithmetic, as PostgreSQL's numeric: the boundary cases agree with the SQL path.
    tolerance_pct = Decimal(str(definition.tolerance_percent))
    return abs(difference) <= int(definition.tolerance_absolute) or abs(difference) * 100 <= (
        tolerance_pct * legacy_count
    )
