from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from usecases.models import AgreedRating, AssessmentRound, Dimension, Rating


@dataclass
class ItemResult:
    item: object
    levels: list[int]
    agreed: int | None
    agreed_rationale: str = ""

    @property
    def spread(self) -> int | None:
        return max(self.levels) - min(self.levels) if self.levels else None

    @property
    def mean(self) -> float | None:
        return round(statistics.mean(self.levels), 2) if self.levels else None

    @property
    def needs_discussion(self) -> bool:
        return (self.spread or 0) >= 2


@dataclass
class DimensionResult:
    dimension: Dimension
    items: list[ItemResult] = field(default_factory=list)

    @property
    def agreed_mean(self) -> float | None:
        values = [i.agreed for i in self.items if i.agreed is not None]
        return round(statistics.mean(values), 2) if values else None


def round_results(round_: AssessmentRound) -> list[DimensionResult]:
    """Per dimension and item: every rater's level, the spread and the agreed level."""
    ratings: dict[int, list[int]] = {}
    for item_id, level in Rating.objects.filter(round=round_).values_list("item_id", "level"):
        ratings.setdefault(item_id, []).append(level)
    agreed = {a.item_id: a for a in AgreedRating.objects.filter(round=round_)}
    results = []
    dimensions = Dimension.objects.filter(instrument=round_.instrument_id).prefetch_related("items")
    for dimension in dimensions:
        result = DimensionResult(dimension)
        for item in dimension.items.all():
            a = agreed.get(item.pk)
            result.items.append(
                ItemResult(
                    item=item,
                    levels=sorted(ratings.get(item.pk, [])),
                    agreed=a.level if a else None,
                    agreed_rationale=a.rationale if a else "",
                )
            )
        results.append(result)
    return results


def rater_count(round_: AssessmentRound) -> int:
    return Rating.objects.filter(round=round_).values("rater").distinct().count()


@dataclass
class Movement:
    item: object
    dimension: str
    before: int
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before


def compare_rounds(rounds: list[AssessmentRound]) -> dict:
    """Agreed levels across rounds: mean per dimension, each item per dimension, and the items
    whose agreed level moved between the first and the last round."""
    series: dict[str, list[float | None]] = {}
    item_series: dict[str, dict[str, list[int | None]]] = {}
    per_round = [round_results(r) for r in rounds]
    for results in per_round:
        for dim in results:
            series.setdefault(dim.dimension.title, []).append(dim.agreed_mean)
            items = item_series.setdefault(dim.dimension.title, {})
            for result in dim.items:
                items.setdefault(result.item.text, []).append(result.agreed)
    moved: list[Movement] = []
    if len(per_round) >= 2:
        first = {i.item.pk: i for d in per_round[0] for i in d.items}
        for dim in per_round[-1]:
            for result in dim.items:
                before = first.get(result.item.pk)
                if before and before.agreed and result.agreed and before.agreed != result.agreed:
                    moved.append(
                        Movement(result.item, dim.dimension.title, before.agreed, result.agreed)
                    )
    moved.sort(key=lambda m: -abs(m.change))
    return {"rounds": rounds, "series": series, "item_series": item_series, "moved": moved}
