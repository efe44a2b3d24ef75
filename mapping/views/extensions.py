"""Seed data, extension and practice-change pages."""

from __future__ import annotations

from mapping import filtersets, forms
from mapping.models import (
    Extension,
    PracticeChange,
    SeedDataElement,
)
from rolloutplanner.views import generic


class SeedDataElementListView(generic.ObjectListView):
    model = SeedDataElement
    filterset_class = filtersets.SeedDataElementFilterSet
    select_related = ("plan", "owner")
    columns = [
        ("__str__", "Seed data"),
        ("authoritative_source", "Authoritative source"),
        ("plan", "Plan"),
    ]


class SeedDataElementDetailView(generic.ObjectDetailView):
    model = SeedDataElement
    select_related = ("plan", "owner")
    detail_fields = [
        "plan",
        "category",
        "element",
        "authoritative_source",
        "delivery",
        "owner",
        "notes",
    ]


class SeedDataElementCreateView(generic.ObjectCreateView):
    model = SeedDataElement
    form_class = forms.SeedDataElementForm


class SeedDataElementUpdateView(generic.ObjectUpdateView):
    model = SeedDataElement
    form_class = forms.SeedDataElementForm


class SeedDataElementDeleteView(generic.ObjectDeleteView):
    model = SeedDataElement


class ExtensionListView(generic.ObjectListView):
    model = Extension
    filterset_class = filtersets.ExtensionFilterSet
    select_related = ("plan",)
    columns = [
        ("name", "Extension"),
        ("get_category_display", "Category"),
        ("get_status_display", "Status"),
    ]


class ExtensionDetailView(generic.ObjectDetailView):
    model = Extension
    template_name = "mapping/extension_detail.html"
    select_related = ("plan",)
    detail_fields = ["plan", "proposed_elements", "category", "justification", "status"]


class ExtensionCreateView(generic.ObjectCreateView):
    model = Extension
    form_class = forms.ExtensionForm


class ExtensionUpdateView(generic.ObjectUpdateView):
    model = Extension
    form_class = forms.ExtensionForm


class ExtensionDeleteView(generic.ObjectDeleteView):
    model = Extension


class PracticeChangeListView(generic.ObjectListView):
    model = PracticeChange
    filterset_class = filtersets.PracticeChangeFilterSet
    select_related = ("plan", "owner", "affected_collection")
    columns = [
        ("__str__", "Practice change"),
        ("affected_collection", "Collection"),
        ("owner", "Owner"),
        ("get_status_display", "Status"),
    ]


class PracticeChangeDetailView(generic.ObjectDetailView):
    model = PracticeChange
    select_related = ("plan", "owner", "affected_collection")
    detail_fields = ["plan", "description", "owner", "affected_collection", "status"]


class PracticeChangeCreateView(generic.ObjectCreateView):
    model = PracticeChange
    form_class = forms.PracticeChangeForm


class PracticeChangeUpdateView(generic.ObjectUpdateView):
    model = PracticeChange
    form_class = forms.PracticeChangeForm


class PracticeChangeDeleteView(generic.ObjectDeleteView):
    model = PracticeChange
