"""Descriptor mapping pages and LEA local code sets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from mapping import filtersets, forms
from mapping.models import (
    DescriptorMapping,
    DescriptorValue,
    LocalCode,
    LocalCodeSet,
    StateCode,
)
from mapping.services import mappings as mapping_services
from mapping.services import state as state_services
from mapping.views._common import (
    _object_for,
    _redirect_with_errors,
)
from rolloutplanner.permissions import CHANGE, VIEW
from rolloutplanner.views import generic


class DescriptorMappingListView(generic.ObjectListView):
    model = DescriptorMapping
    filterset_class = filtersets.DescriptorMappingFilterSet

    def base_queryset(self):
        return DescriptorMapping.objects.restrict(self.request.user, VIEW).for_list()

    columns = [("__str__", "Mapping"), ("get_status_display", "Status"), ("notes", "Notes")]


class DescriptorMappingDetailView(generic.ObjectDetailView):
    model = DescriptorMapping
    template_name = "mapping/descriptormapping_detail.html"
    select_related = (
        "state_code__code_set",
        "descriptor_value__descriptor",
        "submitted_by",
        "approved_by",
    )
    detail_fields = ["state_code", "descriptor_value", "notes", "status", "submitted_by",
                     "approved_by", "approved_at"]  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(mapping_services.review_context(mapping=self.object, user=self.request.user))
        return context


class DescriptorMappingCreateView(generic.ObjectCreateView):
    model = DescriptorMapping
    form_class = forms.DescriptorMappingForm

    def form_valid(self, form):
        try:
            self.object, _ = state_services.map_state_code(
                user=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error("descriptor_value", exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.object)


class DescriptorMappingUpdateView(generic.ObjectUpdateView):
    model = DescriptorMapping
    form_class = forms.DescriptorMappingForm

    def save_form(self, form):
        return state_services.update_descriptor_mapping(
            mapping=self.object, user=self.request.user, **form.cleaned_data
        )


class DescriptorMappingDeleteView(generic.ObjectDeleteView):
    model = DescriptorMapping


@login_required
@require_POST
def accept_code_suggestion(request, pk):
    code = _object_for(request, StateCode, pk, CHANGE)
    value = get_object_or_404(DescriptorValue, pk=request.POST.get("value"))
    try:
        state_services.map_state_code(state_code=code, descriptor_value=value, user=request.user)
    except ValidationError as exc:
        return _redirect_with_errors(request, code.code_set, exc)
    messages.success(request, f"{code.code} mapped to {value}.")
    return redirect(code.code_set)


class LocalCodeSetListView(generic.ObjectListView):
    model = LocalCodeSet
    filterset_class = filtersets.LocalCodeSetFilterSet
    select_related = ("lea", "state_code_set")
    columns = [("__str__", "Local code set"), ("state_code_set", "Rolls up to")]


class LocalCodeSetDetailView(generic.ObjectDetailView):
    model = LocalCodeSet
    template_name = "mapping/localcodeset_detail.html"
    select_related = ("lea", "state_code_set")
    detail_fields = ["lea", "state_code_set", "name"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["codes"] = self.object.codes.select_related("state_code")
        return context


class LocalCodeSetCreateView(generic.ObjectCreateView):
    model = LocalCodeSet
    form_class = forms.LocalCodeSetForm


class LocalCodeSetUpdateView(generic.ObjectUpdateView):
    model = LocalCodeSet
    form_class = forms.LocalCodeSetForm


class LocalCodeSetDeleteView(generic.ObjectDeleteView):
    model = LocalCodeSet


class LocalCodeListView(generic.ObjectListView):
    model = LocalCode
    filterset_class = filtersets.LocalCodeFilterSet
    select_related = ("local_code_set__lea", "state_code")
    columns = [("__str__", "Local code"), ("local_code_set", "Set"), ("description", "Meaning")]


class LocalCodeDetailView(generic.ObjectDetailView):
    model = LocalCode
    select_related = ("local_code_set__lea", "state_code__code_set")
    detail_fields = ["local_code_set", "code", "description", "state_code"]


class LocalCodeCreateView(generic.ObjectCreateView):
    model = LocalCode
    form_class = forms.LocalCodeForm


class LocalCodeUpdateView(generic.ObjectUpdateView):
    model = LocalCode
    form_class = forms.LocalCodeForm


class LocalCodeDeleteView(generic.ObjectDeleteView):
    model = LocalCode
