"""FilterSets shared by list pages and the API."""

import django_filters
from django.db.models import Q

from usecases import models as m


class StakeholderFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = m.Stakeholder
        fields = ["q", "category", "influence", "preferred_channel"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(organisation__icontains=value)
            | Q(role_title__icontains=value)
        )


class DocumentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Search")

    class Meta:
        model = m.PlanningDocument
        fields = ["q", "kind", "status"]


class DataSystemFilterSet(django_filters.FilterSet):
    class Meta:
        model = m.DataSystem
        fields = ["system_type", "hosting", "vendor"]


class DataFlowFilterSet(django_filters.FilterSet):
    class Meta:
        model = m.DataFlow
        fields = ["source", "target", "method"]


class DecisionFilterSet(django_filters.FilterSet):
    class Meta:
        model = m.Decision
        fields = ["category", "status"]


class CommunicationItemFilterSet(django_filters.FilterSet):
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue")

    class Meta:
        model = m.CommunicationItem
        fields = ["active", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class DocumentPartFilterSet(django_filters.FilterSet):
    class Meta:
        fields = ["document"]


def part_filterset(model):
    return type(
        f"{model.__name__}FilterSet",
        (DocumentPartFilterSet,),
        {"Meta": type("Meta", (), {"model": model, "fields": ["document"]})},
    )


RiskFilterSet = part_filterset(m.Risk)
DataRequirementFilterSet = part_filterset(m.DataRequirement)
StakeholderImpactFilterSet = part_filterset(m.StakeholderImpact)
ScopeItemFilterSet = part_filterset(m.ScopeItem)
SectionFilterSet = part_filterset(m.DocumentSection)


class ChecklistTaskFilterSet(django_filters.FilterSet):
    class Meta:
        model = m.ChecklistTask
        fields = ["level", "status"]
