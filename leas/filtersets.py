import django_filters
from django.db.models import Q

from leas.models import LEA, Capacity, PovertyLevel, Urbanicity


class LEAFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    capacity = django_filters.ChoiceFilter(choices=Capacity.choices)
    urbanicity = django_filters.ChoiceFilter(choices=Urbanicity.choices)
    poverty_level = django_filters.ChoiceFilter(choices=PovertyLevel.choices)
    region = django_filters.CharFilter(lookup_expr="iexact")
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"), ("enrollment", "enrollment"), ("state_lea_id", "state_lea_id"))
    )

    class Meta:
        model = LEA
        fields = ["q", "capacity", "urbanicity", "poverty_level", "region", "sis_vendor"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(state_lea_id__iexact=value) | Q(nces_id__iexact=value)
        )
