"""Element mapping pages: CRUD, workflow transitions, suggestions, bulk edits and feedback."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from mapping import filtersets, forms
from mapping.models import (
    EdFiProperty,
    ElementMapping,
    MappingFeedback,
    StateElement,
)
from mapping.services import feedback as feedback_services
from mapping.services import mappings as mapping_services
from mapping.services.suggestions import (
    suggest_properties,
)
from mapping.views._common import (
    ReadOnlyListView,
    _object_for,
    _redirect_with_errors,
)
from rolloutplanner.permissions import CHANGE, VIEW, user_can_add_model
from rolloutplanner.review import SelfApprovalRefused
from rolloutplanner.views import generic


class ElementMappingListView(ReadOnlyListView):
    model = ElementMapping
    filterset_class = filtersets.ElementMappingFilterSet
    template_name = "mapping/elementmapping_list.html"

    def base_queryset(self):
        return ElementMapping.objects.restrict(self.request.user, VIEW).for_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_bulk"] = user_can_add_model(self.request.user, ElementMapping)
        context["status_choices"] = forms.BulkMappingForm.base_fields["status"].choices
        context["users"] = (
            get_user_model()
            .objects.filter(profile__role__in=["sea_team", "administrator"])
            .order_by("username")
        )
        return context


class ElementMappingDetailView(generic.ObjectDetailView):
    model = ElementMapping
    template_name = "mapping/elementmapping_detail.html"
    select_related = (
        "element__collection__plan__data_standard_version",
        "owner",
        "submitted_by",
        "approved_by",
    )
    detail_fields = [
        "kind",
        "status",
        "logical_map",
        "transformation_rule",
        "owner",
        "comments",
        "submitted_by",
        "approved_by",
        "approved_at",
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mapping = self.object
        user = self.request.user
        context["targets"] = mapping.targets.select_related("resource", "descriptor")
        context["feedback"] = mapping.feedback.select_related("author", "lea", "vendor")
        context["can_leave_feedback"] = user_can_add_model(user, MappingFeedback)
        context["feedback_form"] = forms.FeedbackForm()
        if context["can_change"] and mapping.status != "approved":
            context["suggestions"] = suggest_properties(element=mapping.element)
        if context["can_change"] and mapping.kind != "not_mapped":
            context["siblings"] = mapping_services.sibling_elements(mapping.element)
        context.update(mapping_services.review_context(mapping=mapping, user=user))
        return context


class ElementMappingUpdateView(generic.ObjectUpdateView):
    model = ElementMapping
    form_class = forms.ElementMappingForm
    select_related = ("element__collection__plan__data_standard_version",)

    def save_form(self, form):
        data = dict(form.cleaned_data)
        targets = data.pop("target_paths")
        return mapping_services.update_mapping(
            mapping=self.object, user=self.request.user, targets=targets, **data
        )


class ElementMappingDeleteView(generic.ObjectDeleteView):
    model = ElementMapping


@login_required
@require_POST
def transition_mapping(request, pk, model=ElementMapping):
    """One review step of an element mapping or (``model``) a descriptor mapping."""
    mapping = _object_for(request, model, pk, CHANGE)
    form = forms.TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Unknown review step.")
        return redirect(mapping)
    try:
        mapping_services.transition_mapping(
            mapping=mapping, transition=form.cleaned_data["transition"], user=request.user
        )
    except (ValidationError, SelfApprovalRefused) as exc:
        return _redirect_with_errors(request, mapping, exc)
    messages.success(request, "Review status updated.")
    return redirect(mapping)


@login_required
@require_POST
def accept_property_suggestion(request, pk):
    mapping = _object_for(request, ElementMapping, pk, CHANGE)
    target = get_object_or_404(EdFiProperty, pk=request.POST.get("target"))
    try:
        mapping_services.accept_suggestion(mapping=mapping, target=target, user=request.user)
    except ValidationError as exc:
        return _redirect_with_errors(request, mapping, exc)
    messages.success(request, f"{target} added as a target.")
    return redirect(mapping)


@login_required
@require_POST
def copy_to_sibling(request, pk):
    """Copy the mapping to a sibling column (``*_CODE`` → ``*_DESC``) of its collection."""
    mapping = _object_for(request, ElementMapping, pk, CHANGE)
    sibling = get_object_or_404(StateElement, pk=request.POST.get("sibling"))
    if hasattr(sibling, "mapping"):
        _object_for(request, ElementMapping, sibling.mapping.pk, CHANGE)
    try:
        copied = mapping_services.copy_mapping_to_sibling(
            mapping=mapping, sibling=sibling, user=request.user
        )
    except ValidationError as exc:
        return _redirect_with_errors(request, mapping, exc)
    messages.success(request, f"The mapping of {mapping.element.name} is copied to {sibling.name}.")
    return redirect(copied)


@login_required
@require_POST
def bulk_update_mappings(request):
    users = get_user_model().objects.all()
    visible = ElementMapping.objects.restrict(request.user, CHANGE)
    form = forms.BulkMappingForm(request.POST, mappings=visible, users=users)
    if not form.is_valid():
        messages.error(request, "Choose rows you may change and a status or owner to set.")
        return redirect("mapping:elementmapping-list")
    try:
        count = mapping_services.bulk_update_mappings(
            mappings=form.cleaned_data["mappings"],
            user=request.user,
            status=form.cleaned_data["status"],
            owner=form.cleaned_data["owner"],
        )
    except (ValidationError, SelfApprovalRefused) as exc:
        return _redirect_with_errors(request, "mapping:elementmapping-list", exc)
    messages.success(request, f"Updated {count} mappings.")
    return redirect("mapping:elementmapping-list")


@login_required
@require_POST
def add_feedback(request, pk):
    mapping = _object_for(request, ElementMapping, pk)
    form = forms.FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write your feedback before sending it.")
        return redirect(mapping)
    feedback_services.leave_feedback(
        mapping=mapping, user=request.user, body=form.cleaned_data["body"]
    )
    messages.success(request, "Thank you: the SEA team will answer your feedback.")
    return redirect(mapping)


class MappingFeedbackListView(generic.ObjectListView):
    model = MappingFeedback
    filterset_class = filtersets.MappingFeedbackFilterSet
    select_related = ("mapping__element__collection", "author", "lea", "vendor")
    columns = [
        ("__str__", "Feedback"),
        ("get_status_display", "Status"),
        ("lea", "LEA"),
        ("vendor", "Vendor"),
        ("created_at", "Left"),
    ]


class MappingFeedbackDetailView(generic.ObjectDetailView):
    model = MappingFeedback
    select_related = ("mapping__element__collection", "author", "lea", "vendor", "answered_by")
    detail_fields = [
        "mapping",
        "author",
        "lea",
        "vendor",
        "body",
        "status",
        "answer",
        "answered_by",
    ]


class MappingFeedbackUpdateView(generic.ObjectUpdateView):
    """The SEA team answers feedback."""

    model = MappingFeedback
    form_class = forms.FeedbackAnswerForm
    success_message = "Answer saved."

    def save_form(self, form):
        feedback_services.answer_feedback(
            feedback=self.object, user=self.request.user, **form.cleaned_data
        )
        return self.object


class MappingFeedbackDeleteView(generic.ObjectDeleteView):
    model = MappingFeedback
