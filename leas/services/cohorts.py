"""Pilot cohort selection: coverage of the state's strata and a deterministic suggestion."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import ngettext

from leas.models import LEA, Capacity, Cohort, CohortVersion, PovertyLevel, Urbanicity

# Enrollment bands used as the "size" criterion.
SIZE_BANDS: tuple[tuple[str, int | None], ...] = (
    ("Very small (under 1,000)", 1000),
    ("Small (1,000–4,999)", 5000),
    ("Medium (5,000–24,999)", 25000),
    ("Large (25,000 or more)", None),
)
UNKNOWN = "(not recorded)"


def size_band(enrollment: int | None) -> str:
    if enrollment is None:
        return UNKNOWN
    for label, upper in SIZE_BANDS:
        if upper is None or enrollment < upper:
            return label
    return UNKNOWN  # pragma: no cover - the last band has no upper bound


@dataclass(frozen=True)
class Criterion:
    name: str
    label: str

    def value(self, lea: LEA) -> str:
        if self.name == "size":
            return size_band(lea.enrollment)
        if self.name == "sis":
            return lea.sis_vendor.name if lea.sis_vendor_id else UNKNOWN
        raw = getattr(lea, self.name)
        if not raw:
            return UNKNOWN
        display = getattr(lea, f"get_{self.name}_display", None)
        return display() if display else raw


CRITERIA: tuple[Criterion, ...] = (
    Criterion("size", "Size (enrollment)"),
    Criterion("capacity", "Capacity"),
    Criterion("urbanicity", "Urbanicity"),
    Criterion("region", "Locality (region)"),
    Criterion("poverty_level", "Poverty level"),
    Criterion("sis", "Student information system"),
)
CHOICE_ORDER = {
    "capacity": [c.label for c in Capacity],
    "urbanicity": [c.label for c in Urbanicity],
    "poverty_level": [c.label for c in PovertyLevel],
    "size": [label for label, _ in SIZE_BANDS],
}


def strata_of(lea: LEA) -> dict[str, str]:
    return {c.name: c.value(lea) for c in CRITERIA}


@dataclass
class StratumRow:
    value: str
    state_count: int
    state_share: float
    cohort_count: int
    cohort_share: float

    @property
    def covered(self) -> bool:
        return self.cohort_count > 0


@dataclass
class CriterionCoverage:
    criterion: Criterion
    rows: list[StratumRow]

    @property
    def covered_count(self) -> int:
        return sum(1 for row in self.rows if row.covered)

    @property
    def missing(self) -> list[str]:
        return [row.value for row in self.rows if not row.covered]


def coverage(*, state: Sequence[LEA], cohort: Sequence[LEA]) -> list[CriterionCoverage]:
    """Per criterion, each stratum's share of the state and of the cohort, and what is missing.

    Strata that no LEA in the state has are not listed; "(not recorded)" is listed last.
    """
    result = []
    for criterion in CRITERIA:
        state_counts = Counter(criterion.value(lea) for lea in state)
        cohort_counts = Counter(criterion.value(lea) for lea in cohort)
        order = CHOICE_ORDER.get(criterion.name)
        values = sorted(state_counts, key=lambda v: _sort_key(v, order))
        rows = [
            StratumRow(
                value=value,
                state_count=state_counts[value],
                state_share=state_counts[value] / len(state) if state else 0.0,
                cohort_count=cohort_counts[value],
                cohort_share=cohort_counts[value] / len(cohort) if cohort else 0.0,
            )
            for value in values
        ]
        result.append(CriterionCoverage(criterion, rows))
    return result


def _sort_key(value: str, order: list[str] | None):
    if value == UNKNOWN:
        return (2, 0, value)
    if order and value in order:
        return (0, order.index(value), value)
    return (1, 0, value)


@dataclass
class Pick:
    lea: LEA
    reason: str
    new_strata: list[str] = field(default_factory=list)


@dataclass
class CohortSuggestion:
    picks: list[Pick]
    coverage: list[CriterionCoverage]

    @property
    def leas(self) -> list[LEA]:
        return [pick.lea for pick in self.picks]

    def explanation(self) -> dict[str, str]:
        return {pick.lea.state_lea_id: pick.reason for pick in self.picks}


def suggest_cohort(
    *,
    size: int,
    must_include: Iterable[LEA] = (),
    exclude: Iterable[LEA] = (),
    candidates: Iterable[LEA] | None = None,
) -> CohortSuggestion:
    """Propose ``size`` LEAs that together cover the most strata of the state.

    Greedy maximum coverage: must-include LEAs first, then repeatedly the LEA adding the most
    strata not yet covered; ties go to the LEA whose new strata are rarest in the state, then to
    the lowest state LEA id. Once every stratum is covered, the LEA whose strata are least
    represented in the cohort so far is taken, so the cohort leans toward the state's mix.
    The same inputs always give the same cohort.
    """
    state = list(candidates if candidates is not None else LEA.objects.select_related("sis_vendor"))
    state.sort(key=lambda lea: lea.state_lea_id)
    required = sorted(must_include, key=lambda lea: lea.state_lea_id)
    excluded_ids = {lea.pk for lea in exclude}
    if size < 1:
        raise ValidationError("A cohort needs at least one LEA.")
    if clash := [lea for lea in required if lea.pk in excluded_ids]:
        raise ValidationError(f"{clash[0]} is both required and excluded.")
    if len(required) > size:
        raise ValidationError(f"{len(required)} LEAs are required but the cohort size is {size}.")

    strata = {lea.pk: strata_of(lea) for lea in state}
    for lea in required:
        strata.setdefault(lea.pk, strata_of(lea))
    state_counts = Counter((c, v) for s in strata.values() for c, v in s.items())
    covered: Counter = Counter()
    picks: list[Pick] = []

    def take(lea: LEA, reason: str, new: list[str]):
        picks.append(Pick(lea, reason, new))
        covered.update(strata[lea.pk].items())

    for lea in required:
        new = _labels(strata[lea.pk].items() - covered.keys())
        take(lea, "Required." + (f" Covers {', '.join(new)}." if new else ""), new)

    chosen = {lea.pk for lea in picks_leas(picks)}
    pool = [lea for lea in state if lea.pk not in chosen and lea.pk not in excluded_ids]
    while len(picks) < size and pool:
        best = max(pool, key=lambda lea: _score(strata[lea.pk], covered, state_counts, len(picks)))
        new_pairs = strata[best.pk].items() - covered.keys()
        new = _labels(new_pairs)
        if new:
            noun = ngettext("stratum", "strata", len(new))
            reason = f"Adds {len(new)} uncovered {noun}: {', '.join(new)}."
        else:
            reason = "Every stratum it belongs to was covered; it best balances the cohort's mix."
        take(best, reason, new)
        pool.remove(best)

    cohort_leas = picks_leas(picks)
    all_leas = _union(state, required)
    return CohortSuggestion(picks, coverage(state=all_leas, cohort=cohort_leas))


def picks_leas(picks: list[Pick]) -> list[LEA]:
    return [pick.lea for pick in picks]


def _union(state: list[LEA], extra: list[LEA]) -> list[LEA]:
    ids = {lea.pk for lea in state}
    return state + [lea for lea in extra if lea.pk not in ids]


def _score(lea_strata: dict, covered: Counter, state_counts: Counter, picked: int):
    new = [pair for pair in lea_strata.items() if pair not in covered]
    rarity = sum(1 / state_counts[pair] for pair in new)
    # Under-representation: how far each stratum's cohort share lags its state share.
    total = sum(state_counts.values()) / len(CRITERIA)
    lag = sum(
        state_counts[pair] / total - covered[pair] / (picked or 1) for pair in lea_strata.items()
    )
    return (len(new), round(rarity, 9), round(lag, 9))


def _labels(pairs) -> list[str]:
    labels = {c.name: c.label for c in CRITERIA}
    return [f"{labels[c]}: {v}" for c, v in sorted(pairs, key=lambda p: _criterion_index(p[0]))]


def _criterion_index(name: str) -> int:
    return [c.name for c in CRITERIA].index(name)


def save_cohort_version(
    *, cohort: Cohort, leas: Iterable[LEA], user=None, explanation: dict | None = None, note=""
) -> CohortVersion:
    """Save the cohort's membership as its next version number (earlier versions are kept)."""
    leas = list(leas)
    if not leas:
        raise ValidationError("A cohort version needs at least one LEA.")
    with transaction.atomic():
        Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
        last = cohort.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = CohortVersion.objects.create(
            cohort=cohort,
            number=last + 1,
            explanation=explanation or {},
            note=note,
            created_by=user,
        )
        version.leas.set(leas)
    return version
