import django_filters
from django.db.models import Q

from leas.models import (
    CLOSED_READINESS,
    LEA,
    Capacity,
    Cohort,
    CohortVersion,
    LEAPerson,
    PovertyLevel,
    ReadinessItem,
    ReadinessStatus,
    ReportingRole,
    RolloutPhase,
    SupportNetwork,
    SupportRequest,
    Urbanicity,
)


def in_current_cohort(queryset, lea_field: str, cohort_id):
    """Rows whose LEA is in the cohort's latest saved membership (none if never saved)."""
    latest = CohortVersion.objects.filter(cohort_id=cohort_id).order_by("-number").values("pk")[:1]
    return queryset.filter(**{f"{lea_field}cohort_versions__in": latest})


def cohort_filter(lea_field: str):
    # An id, like the LEA filter: cohorts are the SEA team's planning tool.
    return django_filters.NumberFilter(
        method=lambda queryset, name, value: in_current_cohort(queryset, lea_field, value),
        label="Cohort id",
        help_text="LEAs in the cohort's latest saved membership.",
    )


class LEAFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    capacity = django_filters.ChoiceFilter(choices=Capacity.choices)
    urbanicity = django_filters.ChoiceFilter(choices=Urbanicity.choices)
    poverty_level = django_filters.ChoiceFilter(choices=PovertyLevel.choices)
    region = django_filters.CharFilter(lookup_expr="iexact")
    cohort = cohort_filter("")
    ordering = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("enrollment", "enrollment"),
            ("state_lea_id", "state_lea_id"),
            # Annotated by LEAQuerySet.with_readiness(), which the LEA page and API use.
            ("readiness_done", "readiness_done"),
        )
    )

    class Meta:
        model = LEA
        fields = ["q", "capacity", "urbanicity", "poverty_level", "region", "sis_vendor", "cohort"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(state_lea_id__iexact=value) | Q(nces_id__iexact=value)
        )


def lea_filter():
    # An id, not a choice list: a list of every LEA would name LEAs the user may not see.
    return django_filters.NumberFilter(field_name="lea", label="LEA id")


class LEAPersonFilterSet(django_filters.FilterSet):
    lea = lea_filter()
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Name")
    reporting_role = django_filters.ChoiceFilter(choices=ReportingRole.choices)
    current = django_filters.BooleanFilter(
        field_name="left_on", lookup_expr="isnull", label="Still at the LEA"
    )

    class Meta:
        model = LEAPerson
        fields = ["q", "lea", "reporting_role", "current"]


class ReadinessItemFilterSet(django_filters.FilterSet):
    lea = lea_filter()
    phase = django_filters.ChoiceFilter(choices=RolloutPhase.choices)
    status = django_filters.ChoiceFilter(choices=ReadinessStatus.choices)
    open = django_filters.BooleanFilter(
        method="filter_open", label="Still open", help_text="Neither done nor not applicable."
    )
    cohort = cohort_filter("lea__")
    region = django_filters.CharFilter(field_name="lea__region", lookup_expr="iexact")
    key = django_filters.CharFilter(label="Checklist item code")
    ordering = django_filters.OrderingFilter(
        fields=(("lea__name", "lea"), ("status", "status"), ("status_on", "status_on"))
    )

    class Meta:
        model = ReadinessItem
        fields = ["lea", "phase", "status", "open", "cohort", "region", "key"]

    def filter_open(self, queryset, name, value):
        closed = Q(status__in=CLOSED_READINESS)
        return queryset.exclude(closed) if value else queryset.filter(closed)


class SupportRequestFilterSet(django_filters.FilterSet):
    lea = lea_filter()
    q = django_filters.CharFilter(field_name="topic", lookup_expr="icontains", label="Topic")
    held_after = django_filters.DateFilter(field_name="held_on", lookup_expr="gte")

    class Meta:
        model = SupportRequest
        fields = ["q", "lea", "kind", "resolved", "held_after"]


class SupportNetworkFilterSet(django_filters.FilterSet):
    lea = lea_filter()

    class Meta:
        model = SupportNetwork
        fields = ["lea", "kind"]


class CohortFilterSet(django_filters.FilterSet):
    class Meta:
        model = Cohort
        fields = ["kind"]
