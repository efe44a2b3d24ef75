"""Suggestion quality on the public mapping corpus (bench/data/mapping-corpus/).

The split is fixed here and in the corpus README, and was decided before the ranking was tuned:
the ranking (abbreviation table, weights) is tuned only on TUNING sources; HELD_OUT sources are
only measured. Scores are at property level: a row hits when its Ed-Fi property is among the
first k suggestions. A ``program_membership`` row (the element says whether a program row
exists) hits when a suggestion belongs to the expected resource. Rows whose target is not in
the Data Standard 5.2 catalog are left out. Collections repeat patterns (dozens of accommodation
columns onto one property), so each (collection, target) pair counts at most CAP rows: a row of
a bigger group weighs CAP / group size.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "data" / "mapping-corpus" / "elements.csv"
TUNING = ("earthmover_edfi_bundles", "ed_fi_to_generate")
HELD_OUT = (
    "edfi_starter_kit_assessments",
    "tx_teds_via_aeries",
    "aeries_edfi_labels",
    "infinite_campus_edfi",
)
# The starter kit maps i-Ready columns; the bundles' i-Ready collection maps the same vendor's
# columns, so it is kept out of tuning to keep the held-out i-Ready rows unseen.
EXCLUDED_FROM_TUNING = {("earthmover_edfi_bundles", "i-Ready")}
CAP = 3


@dataclass
class SourceScore:
    rows: int = 0
    weight: float = 0.0
    hit1: float = 0.0
    hit5: float = 0.0
    misses: list = field(default_factory=list)

    def add(self, weight: float, rank: int | None, row: dict, found: list[str]) -> None:
        self.rows += 1
        self.weight += weight
        if rank == 0:
            self.hit1 += weight
        if rank is not None:
            self.hit5 += weight
        else:
            self.misses.append(
                f"{row['element']!r} expected {row['edfi_property']}; got {found[:3]}"
            )

    def merge(self, other: SourceScore) -> None:
        self.rows += other.rows
        self.weight += other.weight
        self.hit1 += other.hit1
        self.hit5 += other.hit5

    def rates(self) -> tuple[float, float]:
        if not self.weight:
            return 0.0, 0.0
        return self.hit1 / self.weight, self.hit5 / self.weight


def load_rows(paths: set[str], path: Path = CORPUS) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["edfi_property"] in paths]
    return [r for r in rows if (r["source_id"], r["collection"]) not in EXCLUDED_FROM_TUNING]


def evaluate(version, *, k: int = 5) -> dict[str, SourceScore]:
    """Per-source weighted hit@1 and hit@k of :func:`suggest_properties` (read-only)."""
    from mapping.models import EdFiProperty, MappingPlan, StateCollection, StateElement
    from mapping.services.suggestions import collection_context, suggest_properties

    paths = {
        f"{resource}.{path}"
        for resource, path in EdFiProperty.objects.filter(resource__version=version).values_list(
            "resource__name", "path"
        )
    }
    rows = load_rows(paths)
    group_sizes = Counter((r["source_id"], r["collection"], r["edfi_property"]) for r in rows)
    by_collection = defaultdict(list)
    for row in rows:
        by_collection[(row["source_id"], row["collection"])].append(row)
    plan = MappingPlan(name="evaluation", data_standard_version=version)
    scores: dict[str, SourceScore] = defaultdict(SourceScore)
    for (source, name), members in by_collection.items():
        collection = StateCollection(plan=plan, name=name)
        elements = [
            StateElement(collection=collection, name=r["element"], definition=r["definition"])
            for r in members
        ]
        context = collection_context(collection=collection, elements=elements)
        for row, element in zip(members, elements, strict=True):
            found = suggest_properties(element=element, limit=k, context=context)
            if row["target_kind"] == "program_membership":
                names = [s.target.resource.name for s in found]
                wanted = row["edfi_resource"]
            else:
                names = [str(s.target) for s in found]
                wanted = row["edfi_property"]
            rank = names.index(wanted) if wanted in names else None
            size = group_sizes[(source, name, row["edfi_property"])]
            weight = min(1.0, CAP / size)
            scores[source].add(weight, rank, row, [str(s.target) for s in found])
    return dict(scores)


def print_table(scores: dict[str, SourceScore], *, show_misses: bool = False) -> None:
    print(f"{'source':32} {'split':9} {'rows':>5} {'weight':>7} {'hit@1':>6} {'hit@5':>6}")
    for label, sources in (("tuning", TUNING), ("held-out", HELD_OUT)):
        total = SourceScore()
        for source in sources:
            score = scores.get(source, SourceScore())
            total.merge(score)
            one, five = score.rates()
            print(
                f"{source:32} {label:9} {score.rows:5d} {score.weight:7.1f} {one:6.0%} {five:6.0%}"
            )
        one, five = total.rates()
        name = f"ALL {label.upper()}"
        print(f"{name:32} {label:9} {total.rows:5d} {total.weight:7.1f} {one:6.0%} {five:6.0%}")
    if show_misses:
        # Only the tuning sources' misses are printed: reading the held-out misses would turn
        # them into tuning data.
        for source in TUNING:
            for miss in scores.get(source, SourceScore()).misses:
                print(f"  miss [{source}] {miss}")
