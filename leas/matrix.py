"""The readiness matrix: LEAs × checklist items, filtered, paginated by LEA, bulk-editable.

One FilterSet (:class:`ReadinessMatrixFilterSet`) chooses the LEAs (name, stratum, cohort) and
the columns (phase, item) for the page and its export alike; :func:`readiness_matrix` reads the
items of one page of LEAs in one query and says which cells the user may change.
"""

from __future__ import annotations

from dataclasses import dataclass

import django_filters
from django.db.models import Q

from leas.filtersets import in_current_cohort
from leas.models import LEA, Cohort, ReadinessItem, RolloutPhase, Urbanicity
from leas.services.readiness import READINESS_CHECKLIST
from rolloutplanner.permissions import CHANGE

ITEM_CHOICES = tuple((key, title) for _, key, title in READINESS_CHECKLIST)


def _visible_cohorts(request):
    user = getattr(request, "user", None)
    return Cohort.objects.restrict(user) if user is not None else Cohort.objects.none()


class ReadinessMatrixFilterSet(django_filters.FilterSet):
    """Rows are LEAs (name, stratum, cohort); ``phase`` and ``item`` choose the columns."""

    q = django_filters.CharFilter(method="search", label="LEA name")
    urbanicity = django_filters.ChoiceFilter(
        choices=Urbanicity.choices, label="Stratum (urbanicity)"
    )
    cohort = django_filters.ModelChoiceFilter(
        queryset=_visible_cohorts,
        method="in_cohort",
        label="Cohort",
        help_text="LEAs in the cohort's latest saved membership.",
    )
    phase = django_filters.ChoiceFilter(
        choices=RolloutPhase.choices, method="columns_only", label="Phase"
    )
    item = django_filters.ChoiceFilter(
        choices=ITEM_CHOICES, method="columns_only", label="Readiness item"
    )

    class Meta:
        model = LEA
        fields = ["q", "urbanicity", "cohort", "phase", "item"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(state_lea_id__iexact=value))

    def in_cohort(self, queryset, name, value):
        return in_current_cohort(queryset, "", value.pk)

    def columns_only(self, queryset, name, value):
        return queryset  # chooses the columns (see matrix_columns), not the LEAs


@dataclass(frozen=True)
class MatrixColumn:
    key: str
    title: str
    phase_label: str


@dataclass(frozen=True)
class MatrixCell:
    item: ReadinessItem | None
    editable: bool

    @property
    def status(self) -> str:
        return self.item.status if self.item else "missing"

    @property
    def label(self) -> str:
        return self.item.get_status_display() if self.item else "No item"


def matrix_columns(*, phase: str = "", item: str = "") -> list[MatrixColumn]:
    """The checklist items shown as columns, in roadmap order."""
    return [
        MatrixColumn(key=key, title=title, phase_label=RolloutPhase(p).label)
        for p, key, title in READINESS_CHECKLIST
        if (not phase or p == phase) and (not item or key == item)
    ]


def readiness_matrix(*, user, leas: list[LEA], columns: list[MatrixColumn]) -> list[tuple]:
    """``[(lea, [MatrixCell per column])]`` for one page of LEAs: two queries whatever its size
    (the items, and which of them the user may change)."""
    keys = [column.key for column in columns]
    items = ReadinessItem.objects.restrict(user).filter(lea__in=leas, key__in=keys)
    by_cell = {(item.lea_id, item.key): item for item in items}
    changeable = set(
        ReadinessItem.objects.restrict(user, CHANGE)
        .filter(pk__in=[item.pk for item in by_cell.values()])
        .values_list("pk", flat=True)
    )
    rows = []
    for lea in leas:
        cells = []
        for key in keys:
            item = by_cell.get((lea.pk, key))
            cells.append(MatrixCell(item=item, editable=item is not None and item.pk in changeable))
        rows.append((lea, cells))
    return rows


def matrix_export_rows(*, user, leas, columns: list[MatrixColumn]):
    """Every filtered LEA (not one page) with each column's status word, for CSV/XLSX."""
    leas = list(leas)
    for start in range(0, len(leas), 500):
        chunk = leas[start : start + 500]
        for lea, cells in readiness_matrix(user=user, leas=chunk, columns=columns):
            yield [lea.state_lea_id, lea.name, *(cell.label for cell in cells)]
