import django_filters

from leas.models import Capacity, PovertyLevel, Urbanicity
from parallel.models import (
    CollectionCycle,
    DiscrepancyGroup,
    DiscrepancyKind,
    LEARunSummary,
    ReportDefinition,
    TriageStatus,
)


class CollectionCycleFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Search")

    class Meta:
        model = CollectionCycle
        fields = ["q", "school_year", "report_definition"]


class ReportDefinitionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Search")

    class Meta:
        model = ReportDefinition
        fields = ["q", "derivation"]


class LEARunSummaryFilterSet(django_filters.FilterSet):
    """Strata of the statewide dashboard (shared by the page and the API)."""

    urbanicity = django_filters.ChoiceFilter(
        field_name="lea__urbanicity", choices=Urbanicity.choices, label="LEA urbanicity"
    )
    poverty_level = django_filters.ChoiceFilter(
        field_name="lea__poverty_level", choices=PovertyLevel.choices, label="LEA poverty level"
    )
    capacity = django_filters.ChoiceFilter(
        field_name="lea__capacity", choices=Capacity.choices, label="LEA capacity"
    )
    within_tolerance = django_filters.BooleanFilter()

    class Meta:
        model = LEARunSummary
        fields = ["run", "urbanicity", "poverty_level", "capacity", "within_tolerance"]


class DiscrepancyGroupFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=DiscrepancyKind.choices)
    status = django_filters.ChoiceFilter(choices=TriageStatus.choices)

    class Meta:
        model = DiscrepancyGroup
        fields = ["run", "lea", "kind", "status", "responsible_party", "responsible_vendor"]
