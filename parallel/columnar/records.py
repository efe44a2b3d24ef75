"""One partition's Ed-Fi records in the legacy shape: the SQL derivations, column-wise.

The rules are ``parallel.derivations``' to the letter (the tests hold both paths to the same
results): the association active on the snapshot date (the latest begin date), descriptor
code values through the crosswalk (``MISSING`` when absent, ``UNMAPPED`` when the crosswalk
has no code), age on the snapshot date, the federal race/ethnicity rule. Where the SQL path's
answer would hang on its collation (two associations that begin on the same day), the
partition is declined and the SQL path does the run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from parallel.contract import all_true
from parallel.models import Derivation

from .inputs import Declined


@dataclass(frozen=True)
class Context:
    """What every partition's derivation needs from the run."""

    definition: object
    snapshot: date
    crosswalk: dict[str, dict[str, str]]
    lea_alias: dict[str, str]
    lea_ids: frozenset[str]

    @property
    def fields(self) -> list[str]:
        return list(self.definition.compared_fields)


@dataclass
class Derived:
    records: pa.Table  # lea_id, student_id, compared fields (LEAs of the cycle only)
    missing: Counter = field(default_factory=Counter)  # (field, raw value) → records
    outside_cycle: int = 0


# Joins and groupings go through keys and Arrow's hash kernels (``index_in``, ``unique``,
# ``value_counts``), not Acero's join and group-by nodes: those keep about 100 MB of work area
# on every thread that ran one, several times a partition's own size.
SEPARATOR = "\x00"  # no key value holds a NUL: both sides refuse them


def key_of(table: pa.Table, columns: list[str]) -> pa.ChunkedArray:
    """One text key per row from ``columns`` (a row with a null in any of them has none)."""
    if len(columns) == 1:
        return pc.cast(table.column(columns[0]), pa.string())
    parts = [pc.cast(table.column(c), pa.string()) for c in columns]
    return pc.binary_join_element_wise(*parts, SEPARATOR)


def lookup(table: pa.Table, columns: list[str], parent: pa.Table, parent_columns: list[str]):
    """Each row's position in ``parent`` (whose key is unique), null where it has none."""
    return pc.index_in(key_of(table, columns), value_set=key_of(parent, parent_columns))


def require_unique(table: pa.Table, key: list[str], what: str) -> None:
    keys = key_of(table, key)
    if len(pc.unique(keys)) != len(keys):
        raise Declined(f"duplicate {what} keys")


def require_resolved(child: pa.Table, column: str, parent: pa.Table, parent_column: str) -> None:
    values = child.column(column).drop_null()
    if not all_true(pc.is_in(values, value_set=parent.column(parent_column).unique())):
        raise Declined(f"an unresolved {column} reference")


def derive(tables: dict[str, pa.Table], context: Context) -> Derived:
    """Key columns from the active associations, the other members looked up by their keys."""
    if context.definition.derivation == Derivation.IDEA_CHILD_COUNT:
        joined = _active_programs(tables["sepa"], context)
        students = tables["students"]
        found = lookup(joined, ["student_id"], students, ["student_id"])
        joined = joined.append_column("birth_date", students["birth_date"].take(found))
    elif context.definition.derivation == Derivation.ENROLMENT:
        joined = _active_enrolments(tables, context)
    else:  # pragma: no cover - choices are validated
        raise Declined(context.definition.derivation)
    seoa = tables["seoa"]
    found = lookup(joined, ["student_id", "edorg_id"], seoa, ["student_id", "edorg_id"])
    for name in ("sex", "hispanic", "race_count", "race", "english_learner"):
        joined = joined.append_column(name, seoa[name].take(found))
    joined = joined.append_column("o_here", pc.is_valid(found))
    return _records(joined, context)


def _dates(column: pa.ChunkedArray) -> pa.ChunkedArray:
    try:
        return pc.cast(column, pa.date32())
    except pa.ArrowInvalid:
        raise Declined("a date that is not a calendar date") from None


def _on_snapshot(start: pa.ChunkedArray, end: pa.ChunkedArray, snapshot: date) -> pa.Array:
    day = pa.scalar(snapshot, pa.date32())
    ended = pc.and_kleene(pc.is_valid(end), pc.less(_dates(end), day))
    return pc.and_(pc.less_equal(_dates(start), day), pc.invert(ended))


def _latest(table: pa.Table, group: list[str], begin: str, tie_break: str) -> pa.Table:
    """Per ``group``, the row with the latest ``begin`` (SQL's DISTINCT ON … ORDER BY)."""
    ordered = table.sort_by([*((c, "ascending") for c in group), (begin, "descending")])
    if ordered.num_rows < 2:
        return ordered
    new_group = _changes(ordered, group)
    if not all_true(pc.or_(new_group, _changes(ordered, [begin]))):
        # Two rows of a group begin on the same day: the SQL path orders them by ``tie_break``
        # in the database's collation, which this path does not reproduce.
        raise Declined(f"two associations with the same {begin} ({tie_break} decides)")
    first = pa.concat_arrays([pa.array([True]), new_group])
    return ordered.filter(first)


def _changes(table: pa.Table, columns: list[str]) -> pa.Array:
    """For rows 1…n-1, whether any of ``columns`` differs from the row before."""
    changed = None
    for name in columns:
        values = table.column(name).combine_chunks()
        differs = pc.fill_null(pc.not_equal(values[1:], values[:-1]), True)
        changed = differs if changed is None else pc.or_(changed, differs)
    return changed


def _active_programs(sepa: pa.Table, context: Context) -> pa.Table:
    active = sepa.filter(_on_snapshot(sepa["begin_date"], sepa["end_date"], context.snapshot))
    active = _latest(active, ["student_id", "edorg_id"], "begin_date", "program_name")
    return active.select(["student_id", "edorg_id", "setting", "disability"])


def _active_enrolments(tables: dict[str, pa.Table], context: Context) -> pa.Table:
    ssa = tables["ssa"]
    ssa = ssa.filter(_on_snapshot(ssa["entry_date"], ssa["exit_date"], context.snapshot))
    schools = tables["schools"]
    found = lookup(ssa, ["school_id"], schools, ["school_id"])
    at_school = pc.is_valid(found)
    ssa = ssa.filter(at_school).append_column(
        "edorg_id", schools["lea_id"].take(found.filter(at_school))
    )
    active = _latest(ssa, ["student_id", "edorg_id"], "entry_date", "school_id")
    return active.select(["student_id", "edorg_id", "grade_level"])


def _records(joined: pa.Table, context: Context) -> Derived:
    definition, fields = context.definition, context.fields
    missing: Counter = Counter()
    if definition.derivation == Derivation.IDEA_CHILD_COUNT:
        joined, ages = _ages(joined, context)
    columns = {
        "lea_id": _lookup(joined["edorg_id"], context.lea_alias.get, keep=True),
        "student_id": joined["student_id"],
    }
    here = joined["o_here"]
    for name in fields:
        if name == "age":
            columns[name] = ages
        elif name == "race":
            columns[name] = _race(joined, here, context, missing)
        else:
            source = {"disability": "disability", "environment": "setting"}.get(name, name)
            columns[name] = _mapped(joined[source], context.crosswalk.get(name, {}), name, missing)
    records = pa.table(columns)
    inside = pc.is_in(records["lea_id"], value_set=pa.array(sorted(context.lea_ids), pa.string()))
    kept = records.filter(inside)
    return Derived(kept, missing, records.num_rows - kept.num_rows)


def _ages(joined: pa.Table, context: Context) -> tuple[pa.Table, pa.ChunkedArray]:
    """Whole years on the snapshot date; records outside the population's ages are left out."""
    population = context.definition.population or {}
    birth = pc.cast(pc.replace_substring(joined["birth_date"], "-", ""), pa.int32())
    snapshot = int(context.snapshot.strftime("%Y%m%d"))
    age = pc.divide(pc.subtract(pa.scalar(snapshot, pa.int32()), birth), 10000)
    in_range = pc.and_(
        pc.greater_equal(age, int(population.get("min_age", 0))),
        pc.less_equal(age, int(population.get("max_age", 200))),
    )
    keep = pc.or_(pc.is_null(birth), in_range)
    joined, age = joined.filter(keep), age.filter(keep)
    codes = population.get("age_codes", {})
    text = _lookup(pc.cast(age, pa.string()), codes.get, keep=True)
    return joined, pc.fill_null(text, "MISSING")


def _lookup(values, function, *, keep: bool = False) -> pa.ChunkedArray:
    """``function`` of each distinct value (the value itself when it gives None and ``keep``)."""
    encoded = pc.dictionary_encode(values)
    chunks = []
    for chunk in encoded.chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]:
        words = chunk.dictionary.to_pylist()
        looked = [function(word) for word in words]
        if keep:
            looked = [
                found if found is not None else word
                for found, word in zip(looked, words, strict=True)
            ]
        chunks.append(pa.array(looked, pa.string()).take(chunk.indices))
    return pa.chunked_array(chunks, pa.string())


def _codes(raw, crosswalk: dict[str, str]) -> pa.ChunkedArray:
    """Each code value's crosswalk code (case-insensitive), UNMAPPED without one, null if null."""
    return _lookup(raw, lambda value: crosswalk.get(value.lower(), "UNMAPPED"))


def _mapped(raw, crosswalk: dict[str, str], name: str, missing: Counter) -> pa.ChunkedArray:
    codes = _codes(raw, crosswalk)
    _count_unmapped(codes, raw, name, missing)
    return pc.fill_null(codes, "MISSING")


def _count_unmapped(codes, raw, name: str, missing: Counter) -> None:
    unmapped = pc.fill_null(pc.equal(codes, "UNMAPPED"), False)
    if not pc.any(unmapped).as_py():
        return
    for entry in pc.value_counts(pc.cast(raw, pa.string()).filter(unmapped)).to_pylist():
        missing[(name, entry["values"] or "(more than one)")] += entry["counts"]


def _race(joined: pa.Table, here, context: Context, missing: Counter) -> pa.ChunkedArray:
    """MISSING without an association; HI7 when Hispanic/Latino; MU7 for two or more races."""
    hispanic = pc.fill_null(pc.equal(pc.utf8_lower(pc.cast(joined["hispanic"], pa.string())),
                                     "true"), False)  # fmt: skip
    count = joined["race_count"]
    not_hispanic = pc.and_(here, pc.invert(hispanic))
    single = pc.and_(not_hispanic, pc.fill_null(pc.equal(count, 1), False))
    codes = _codes(joined["race"], context.crosswalk.get("race", {}))
    codes = pc.if_else(single, pc.fill_null(codes, "UNMAPPED"), pa.scalar(None, pa.string()))
    raw = pc.if_else(single, pc.cast(joined["race"], pa.string()), pa.scalar(None, pa.string()))
    _count_unmapped(codes, raw, "race", missing)
    several = pc.and_(not_hispanic, pc.fill_null(pc.greater(count, 1), False))
    result = pc.if_else(pc.and_(here, hispanic), pa.scalar("HI7"), codes)
    result = pc.if_else(several, pa.scalar("MU7"), result)
    return pc.fill_null(result, "MISSING")
