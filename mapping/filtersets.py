"""FilterSets shared by the list pages and the API."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q

from mapping import selectors
from mapping.models import (
    CoverageRun,
    DataStandardVersion,
    Descriptor,
    DescriptorMapping,
    DescriptorValue,
    EdFiProperty,
    EdFiResource,
    ElementMapping,
    Extension,
    LineageAssignment,
    LocalCode,
    LocalCodeSet,
    MappingFeedback,
    MappingKind,
    MappingPlan,
    MappingStatus,
    PracticeChange,
    SeedDataElement,
    StateCode,
    StateCodeSet,
    StateCollection,
    StateElement,
)


class _OneVersion(django_filters.FilterSet):
    """A catalog search shows one Data Standard: the version asked for, the plan's, or else the
    newest; with several versions loaded it would otherwise list every row once per version."""

    plan = django_filters.ModelChoiceFilter(
        queryset=MappingPlan.objects.all(), method="for_plan", label="Plan's Data Standard"
    )

    # The type hint tells the API schema what ``?plan=`` takes: the plan's id.
    def for_plan(self, queryset, name, value: int):
        return queryset.for_plan(value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        chosen = self.form.cleaned_data
        if not chosen.get("version") and not chosen.get("plan"):
            latest = selectors.latest_version()
            if latest is not None:
                queryset = queryset.for_version(latest)
        return queryset


class EdFiResourceFilterSet(_OneVersion):
    q = django_filters.CharFilter(method="search", label="Search")
    version = django_filters.ModelChoiceFilter(queryset=DataStandardVersion.objects.all())
    domain = django_filters.CharFilter(field_name="primary_domain", lookup_expr="iexact")

    class Meta:
        model = EdFiResource
        fields = ["q", "version", "plan", "domain", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(definition__icontains=value))


class EdFiPropertyFilterSet(_OneVersion):
    q = django_filters.CharFilter(method="search", label="Search")
    version = django_filters.ModelChoiceFilter(
        field_name="resource__version", queryset=DataStandardVersion.objects.all()
    )
    resource = django_filters.CharFilter(field_name="resource__name", lookup_expr="iexact")

    class Meta:
        model = EdFiProperty
        fields = ["q", "version", "plan", "resource", "data_type", "is_identity", "required"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(path__icontains=value) | Q(definition__icontains=value) | Q(api_path__icontains=value)
        )


class DescriptorFilterSet(_OneVersion):
    q = django_filters.CharFilter(method="search", label="Search")
    version = django_filters.ModelChoiceFilter(queryset=DataStandardVersion.objects.all())

    class Meta:
        model = Descriptor
        fields = ["q", "version", "plan"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(definition__icontains=value)
            | Q(values__code_value__icontains=value)
        ).distinct()


class DescriptorValueFilterSet(_OneVersion):
    descriptor = django_filters.CharFilter(field_name="descriptor__name", lookup_expr="iexact")
    q = django_filters.CharFilter(field_name="code_value", lookup_expr="icontains")
    version = django_filters.ModelChoiceFilter(
        field_name="descriptor__version", queryset=DataStandardVersion.objects.all()
    )

    class Meta:
        model = DescriptorValue
        fields = ["descriptor", "q", "version", "plan"]


class MappingPlanFilterSet(django_filters.FilterSet):
    class Meta:
        model = MappingPlan
        fields = ["data_standard_version"]


class StateCollectionFilterSet(django_filters.FilterSet):
    class Meta:
        model = StateCollection
        fields = ["plan"]


class StateElementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    collection = django_filters.ModelChoiceFilter(queryset=StateCollection.objects.all())

    class Meta:
        model = StateElement
        fields = ["q", "collection", "data_type", "required"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(definition__icontains=value))


class StateCodeSetFilterSet(django_filters.FilterSet):
    class Meta:
        model = StateCodeSet
        fields = ["plan"]


class StateCodeFilterSet(django_filters.FilterSet):
    class Meta:
        model = StateCode
        fields = ["code_set"]


class ElementMappingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    plan = django_filters.ModelChoiceFilter(
        field_name="element__collection__plan", queryset=MappingPlan.objects.all()
    )
    collection = django_filters.ModelChoiceFilter(
        field_name="element__collection", queryset=StateCollection.objects.all()
    )
    kind = django_filters.ChoiceFilter(choices=MappingKind.choices)
    status = django_filters.ChoiceFilter(choices=MappingStatus.choices)
    resource = django_filters.CharFilter(
        field_name="targets__resource__name", lookup_expr="iexact", distinct=True
    )
    owner = django_filters.ModelChoiceFilter(queryset=get_user_model().objects.all())

    class Meta:
        model = ElementMapping
        fields = ["q", "plan", "collection", "kind", "status", "resource", "owner"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(element__name__icontains=value) | Q(element__definition__icontains=value)
        )


class MappingFeedbackFilterSet(django_filters.FilterSet):
    class Meta:
        model = MappingFeedback
        fields = ["mapping", "status", "lea", "vendor"]


class DescriptorMappingFilterSet(django_filters.FilterSet):
    code_set = django_filters.ModelChoiceFilter(
        field_name="state_code__code_set", queryset=StateCodeSet.objects.all()
    )
    descriptor = django_filters.CharFilter(
        field_name="descriptor_value__descriptor__name", lookup_expr="iexact"
    )

    class Meta:
        model = DescriptorMapping
        fields = ["code_set", "descriptor"]


class LocalCodeSetFilterSet(django_filters.FilterSet):
    class Meta:
        model = LocalCodeSet
        fields = ["lea", "state_code_set"]


class LocalCodeFilterSet(django_filters.FilterSet):
    class Meta:
        model = LocalCode
        fields = ["local_code_set", "state_code"]


class CoverageRunFilterSet(django_filters.FilterSet):
    class Meta:
        model = CoverageRun
        fields = ["plan"]


class SeedDataElementFilterSet(django_filters.FilterSet):
    class Meta:
        model = SeedDataElement
        fields = ["plan", "category", "owner"]


class ExtensionFilterSet(django_filters.FilterSet):
    class Meta:
        model = Extension
        fields = ["plan", "category", "status"]


class PracticeChangeFilterSet(django_filters.FilterSet):
    class Meta:
        model = PracticeChange
        fields = ["plan", "status", "owner", "affected_collection"]


class LineageAssignmentFilterSet(django_filters.FilterSet):
    resource = django_filters.CharFilter(field_name="resource__name", lookup_expr="iexact")

    class Meta:
        model = LineageAssignment
        fields = ["plan", "resource", "source_system"]
