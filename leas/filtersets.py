import django_filters
from django.db.models import Q

from leas.models import (
    LEA,
    Capacity,
    Cohort,
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


class LEAFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    capacity = django_filters.ChoiceFilter(choices=Capacity.choices)
    urbanicity = django_filters.ChoiceFilter(choices=Urbanicity.choices)
    poverty_level = django_filters.ChoiceFilter(choices=PovertyLevel.choices)
    region = django_filters.CharFilter(lookup_expr="iexact")
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
        fields = ["q", "capacity", "urbanicity", "poverty_level", "region", "sis_vendor"]

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
    region = django_filters.CharFilter(field_name="lea__region", lookup_expr="iexact")
    key = django_filters.CharFilter(label="Checklist item code")
    ordering = django_filters.OrderingFilter(
        fields=(("lea__name", "lea"), ("status", "status"), ("status_on", "status_on"))
    )

    class Meta:
        model = ReadinessItem
        fields = ["lea", "phase", "status", "region", "key"]


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
