"""Ed-Fi catalog pages (read-only; the catalog changes through import_edfi_model)."""

from __future__ import annotations

from mapping import filtersets, selectors
from mapping.models import (
    DataStandardVersion,
    Descriptor,
    DescriptorValue,
    EdFiProperty,
    EdFiResource,
)
from mapping.views._common import (
    ReadOnlyDetailView,
    ReadOnlyListView,
)


class DataStandardVersionListView(ReadOnlyListView):
    model = DataStandardVersion
    columns = [("__str__", "Version"), ("licence", "Licence"), ("imported_at", "Imported")]


class DataStandardVersionDetailView(ReadOnlyDetailView):
    model = DataStandardVersion
    template_name = "mapping/datastandardversion_detail.html"
    detail_fields = ["version", "licence", "imported_at"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["domains"] = selectors.resources_by_domain(version=self.object)
        return context


class EdFiResourceListView(ReadOnlyListView):
    model = EdFiResource
    filterset_class = filtersets.EdFiResourceFilterSet
    select_related = ("version",)
    columns = [
        ("name", "Resource"),
        ("primary_domain", "Domain"),
        ("kind", "Kind"),
        ("api_endpoint", "API endpoint"),
        ("version.version", "Data Standard"),
    ]


class EdFiResourceDetailView(ReadOnlyDetailView):
    model = EdFiResource
    template_name = "mapping/edfiresource_detail.html"
    select_related = ("version",)
    detail_fields = ["kind", "primary_domain", "api_endpoint", "base", "definition"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["properties"] = self.object.properties.select_related("descriptor").order_by("path")
        return context


class EdFiPropertyListView(ReadOnlyListView):
    model = EdFiProperty
    filterset_class = filtersets.EdFiPropertyFilterSet
    select_related = ("resource", "resource__version")
    columns = [
        ("__str__", "Property"),
        ("data_type", "Type"),
        ("required", "Required"),
        ("is_identity", "Identity"),
        ("api_path", "API path"),
    ]


class EdFiPropertyDetailView(ReadOnlyDetailView):
    model = EdFiProperty
    template_name = "mapping/edfiproperty_detail.html"
    select_related = ("resource", "resource__version", "descriptor")
    detail_fields = [
        "resource",
        "path",
        "data_type",
        "descriptor",
        "references",
        "required",
        "is_identity",
        "is_collection",
        "max_length",
        "api_path",
        "definition",
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["usage"] = selectors.property_usage(prop=self.object, user=self.request.user)
        return context


class DescriptorListView(ReadOnlyListView):
    model = Descriptor
    filterset_class = filtersets.DescriptorFilterSet
    select_related = ("version",)
    columns = [
        ("name", "Descriptor"),
        ("namespace", "Namespace"),
        ("values_source", "Values"),
        ("version.version", "Data Standard"),
    ]


class DescriptorDetailView(ReadOnlyDetailView):
    model = Descriptor
    template_name = "mapping/descriptor_detail.html"
    detail_fields = ["namespace", "api_endpoint", "values_source", "definition"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["values"] = self.object.values.order_by("code_value")
        return context


class DescriptorValueListView(ReadOnlyListView):
    model = DescriptorValue
    filterset_class = filtersets.DescriptorValueFilterSet
    select_related = ("descriptor",)
    columns = [("__str__", "Value"), ("short_description", "Short description")]


class DescriptorValueDetailView(ReadOnlyDetailView):
    model = DescriptorValue
    detail_fields = ["descriptor", "code_value", "short_description", "description"]
