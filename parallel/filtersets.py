import django_filters
from django.db.models import Q

from leas.models import LEA, Capacity, PovertyLevel, Urbanicity
from parallel.models import (
    CollectionCycle,
    Discrepancy,
    DiscrepancyGroup,
    DiscrepancyKind,
    LEARunSummary,
    ReportDefinition,
    TriageStatus,
)
from rolloutplanner.permissions import VIEW


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


# Columns of the LEA list a person may sort by (``ordering`` parameter; "-" for descending).
SUMMARY_ORDERING = (
    ("lea__name", "lea"),
    ("match_rate", "match_rate"),
    ("legacy_records", "legacy_records"),
    ("edfi_records", "edfi_records"),
    ("only_in_legacy", "only_in_legacy"),
    ("only_in_edfi", "only_in_edfi"),
    ("records_with_mismatches", "records_with_mismatches"),
    ("cells_outside_tolerance", "cells_outside_tolerance"),
)


class LEARunSummaryListFilterSet(LEARunSummaryFilterSet):
    """The paginated LEA list of the dashboard and run page: the strata plus search and sort.

    Kept apart from the API's filter set, where DRF's own ``ordering`` parameter already sorts.
    """

    q = django_filters.CharFilter(method="search", label="LEA name or state ID")
    ordering = django_filters.OrderingFilter(fields=SUMMARY_ORDERING, label="Sort by")

    class Meta(LEARunSummaryFilterSet.Meta):
        fields = ["q", "urbanicity", "poverty_level", "capacity", "within_tolerance"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(lea__name__icontains=value) | Q(lea__state_lea_id__iexact=value.strip())
        )


class DiscrepancyFilterSet(django_filters.FilterSet):
    """Differences of a run by LEA, kind, field and value (page, download and API).

    The LEA choice lists only LEAs the user may see (``leas``); the API filters by LEA id.
    """

    lea = django_filters.ModelChoiceFilter(queryset=LEA.objects.none(), label="LEA")
    kind = django_filters.ChoiceFilter(choices=DiscrepancyKind.choices)
    field = django_filters.CharFilter(label="Field", help_text="Exact field name, e.g. disability")
    value = django_filters.CharFilter(
        method="filter_value", label="Value", help_text="Found in the legacy or the Ed-Fi value."
    )

    class Meta:
        model = Discrepancy
        fields = ["run", "lea", "kind", "field", "value", "group"]

    def __init__(self, *args, leas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if leas is None:
            user = getattr(self.request, "user", None)
            leas = LEA.objects.restrict(user, VIEW) if user is not None else LEA.objects.none()
        self.filters["lea"].queryset = leas

    def filter_value(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(legacy_value__icontains=value) | Q(edfi_value__icontains=value))


class DiscrepancyGroupFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=DiscrepancyKind.choices)
    status = django_filters.ChoiceFilter(choices=TriageStatus.choices)

    class Meta:
        model = DiscrepancyGroup
        fields = ["run", "lea", "kind", "status", "responsible_party", "responsible_vendor"]
