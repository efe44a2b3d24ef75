"""The state data model pages: collections, elements, code sets and codes."""

from __future__ import annotations

from mapping import filtersets, forms, selectors
from mapping.models import (
    ElementMapping,
    StateCode,
    StateCodeSet,
    StateCollection,
    StateElement,
)
from mapping.services import state as state_services
from mapping.services import versions
from mapping.services.suggestions import (
    candidate_values,
    suggest_descriptor_values,
)
from mapping.views._common import ServiceSaveMixin
from rolloutplanner.views import generic

SAVE_CODE_SET = staticmethod(lambda code_set: versions.save_code_set(code_set=code_set))


class StateCollectionListView(generic.ObjectListView):
    model = StateCollection
    filterset_class = filtersets.StateCollectionFilterSet
    select_related = ("plan",)
    columns = [("name", "Collection"), ("plan", "Plan")]


class StateCollectionDetailView(generic.ObjectDetailView):
    model = StateCollection
    template_name = "mapping/statecollection_detail.html"
    select_related = ("plan",)
    detail_fields = ["plan", "description"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["mappings"] = ElementMapping.objects.filter(
            element__collection=self.object
        ).for_list()
        return context


class StateCollectionCreateView(generic.ObjectCreateView):
    model = StateCollection
    form_class = forms.StateCollectionForm


class StateCollectionUpdateView(generic.ObjectUpdateView):
    model = StateCollection
    form_class = forms.StateCollectionForm


class StateCollectionDeleteView(generic.ObjectDeleteView):
    model = StateCollection


class StateElementListView(generic.ObjectListView):
    model = StateElement
    filterset_class = filtersets.StateElementFilterSet
    select_related = ("collection", "code_set")
    columns = [
        ("name", "Element"),
        ("collection", "Collection"),
        ("get_data_type_display", "Data type"),
        ("required", "Required"),
        ("code_set", "Code set"),
    ]


class StateElementDetailView(generic.ObjectDetailView):
    model = StateElement
    template_name = "mapping/stateelement_detail.html"
    select_related = ("collection", "code_set", "mapping")
    detail_fields = ["collection", "definition", "data_type", "required", "code_set"]


class StateElementCreateView(generic.ObjectCreateView):
    model = StateElement
    form_class = forms.StateElementForm

    def save_form(self, form):
        return state_services.create_element(**form.cleaned_data)


class StateElementUpdateView(generic.ObjectUpdateView):
    model = StateElement
    form_class = forms.StateElementForm


class StateElementDeleteView(generic.ObjectDeleteView):
    model = StateElement


class StateCodeSetListView(generic.ObjectListView):
    model = StateCodeSet
    filterset_class = filtersets.StateCodeSetFilterSet
    select_related = ("plan", "descriptor")
    columns = [("name", "Code set"), ("plan", "Plan"), ("descriptor", "Ed-Fi descriptor")]


class StateCodeSetDetailView(generic.ObjectDetailView):
    model = StateCodeSet
    template_name = "mapping/statecodeset_detail.html"
    select_related = ("plan", "descriptor")
    detail_fields = ["plan", "descriptor"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        codes = selectors.codes_with_mappings(code_set=self.object)
        values = candidate_values(code_set=self.object)
        rows = []
        for code in codes:
            mapping = getattr(code, "descriptor_mapping", None)
            suggestions = (
                []
                if mapping
                else suggest_descriptor_values(state_code=code, limit=3, values=values)
            )
            rows.append({"code": code, "mapping": mapping, "suggestions": suggestions})
        context["rows"] = rows
        context["unmapped_values"] = selectors.required_values_without_mapping(code_set=self.object)
        return context


class StateCodeSetCreateView(ServiceSaveMixin, generic.ObjectCreateView):
    model = StateCodeSet
    form_class = forms.StateCodeSetForm
    save_service = SAVE_CODE_SET


class StateCodeSetUpdateView(ServiceSaveMixin, generic.ObjectUpdateView):
    model = StateCodeSet
    form_class = forms.StateCodeSetForm
    save_service = SAVE_CODE_SET


class StateCodeSetDeleteView(generic.ObjectDeleteView):
    model = StateCodeSet


class StateCodeListView(generic.ObjectListView):
    model = StateCode
    filterset_class = filtersets.StateCodeFilterSet
    select_related = ("code_set",)
    columns = [("__str__", "Code"), ("description", "Description")]


class StateCodeDetailView(generic.ObjectDetailView):
    model = StateCode
    select_related = ("code_set",)
    detail_fields = ["code_set", "code", "description"]


class StateCodeCreateView(generic.ObjectCreateView):
    model = StateCode
    form_class = forms.StateCodeForm


class StateCodeUpdateView(generic.ObjectUpdateView):
    model = StateCode
    form_class = forms.StateCodeForm


class StateCodeDeleteView(generic.ObjectDeleteView):
    model = StateCode
