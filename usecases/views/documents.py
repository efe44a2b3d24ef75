"""Pages of planning documents: detail with sections and comments, workflow actions, diff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views import generic as django_generic
from django.views.decorators.http import require_POST

from rolloutplanner import review
from rolloutplanner.middleware import read_only_roles_may_post
from rolloutplanner.permissions import (
    ADD,
    CHANGE,
    VIEW,
    save_restricted,
    user_can,
    user_can_add_model,
)
from rolloutplanner.roles import Role, role_of
from rolloutplanner.views import generic
from usecases import forms
from usecases import models as m
from usecases.filtersets import DocumentFilterSet, SectionFilterSet
from usecases.selectors.versions import diff_versions
from usecases.services import documents as workflow


def _visible(model, user, pk):
    return get_object_or_404(model.objects.restrict(user, VIEW), pk=pk)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class DocumentListView(generic.ObjectListView):
    model = m.PlanningDocument
    filterset_class = DocumentFilterSet
    columns = [
        ("title", "Title"),
        ("get_kind_display", "Kind"),
        ("get_status_display", "Status"),
        ("version", "Version"),
        ("review_due", "Review due"),
    ]


class DocumentCreateView(generic.RestrictedViewMixin, django_generic.FormView):
    model = m.PlanningDocument
    template_name = "rolloutplanner/object_form.html"
    form_class = forms.DocumentCreateForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_can_add_model(request.user, self.model):
            raise PermissionDenied("You may not add a planning document.")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        document = save_restricted(
            self.request.user,
            ADD,
            lambda: workflow.create_document(user=self.request.user, **form.cleaned_data),
        )
        messages.success(self.request, "Created with the template's sections.")
        return HttpResponseRedirect(document.get_absolute_url())


class DocumentDetailView(generic.ObjectDetailView):
    model = m.PlanningDocument
    template_name = "usecases/document_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                "reviewers",
                "data_systems",
                "sections__comments__author",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document, user = self.object, self.request.user
        role = role_of(user)
        team = role in (Role.SEA_TEAM, Role.ADMINISTRATOR)
        leader = role in (Role.LEADERSHIP, Role.ADMINISTRATOR)
        status = document.status
        S = m.DocumentStatus
        decide = leader and status == S.LEADERSHIP_REVIEW
        may_approve = review.may_approve(user=user, author_id=document.submitted_by_id)
        # Content is frozen under review and once approved: no Edit button then.
        context["can_change"] = context["can_change"] and document.is_editable
        context.update(
            sections=document.sections.all(),
            risks=document.risks.select_related("owner"),
            data_requirements=document.data_requirements.select_related(
                "data_system"
            ).prefetch_related("state_elements__collection"),
            impacts=document.stakeholder_impacts.select_related("stakeholder"),
            scope_items=document.scope_items.prefetch_related("use_cases"),
            approvals=document.approvals.select_related("decided_by"),
            versions=document.versions.all(),
            can_comment=workflow.can_comment(user, document),
            can_edit_content=context["can_change"] and document.is_editable,
            review_form=forms.ReviewForm(initial={"reviewers": document.reviewers.all()}),
            comment_form=forms.CommentForm(),
            resolve_form=forms.ResolveForm(),
            note_form=forms.DecisionNoteForm(),
            actions={
                "review": team and status == S.DRAFT,
                "revised": team and status == S.STAKEHOLDER_REVIEW,
                "leadership": team and status == S.REVISED,
                "decide": decide,
                "approve": decide and may_approve,
                "reopen": team and status == S.APPROVED,
                "present": team and status == S.APPROVED,
            },
            team=team,
            approval_refused="" if may_approve else review.SELF_APPROVAL_EXPLANATION,
        )
        return context


class DocumentUpdateView(generic.ObjectUpdateView):
    model = m.PlanningDocument
    form_class = forms.DocumentForm


class DocumentDeleteView(generic.ObjectDeleteView):
    model = m.PlanningDocument


def _transition(request, document, action: str):
    data = request.POST
    if action == "review":
        form = forms.ReviewForm(data)
        if not form.is_valid():
            raise ValidationError("Choose reviewers and a due date.")
        workflow.send_for_stakeholder_review(
            document=document,
            user=request.user,
            reviewers=form.cleaned_data["reviewers"],
            due=form.cleaned_data["due"],
        )
        return "Sent for stakeholder review."
    simple = {
        "revised": (workflow.mark_revised, "Marked as revised."),
        "leadership": (workflow.send_for_leadership_review, "Sent for leadership review."),
        "reopen": (workflow.reopen, "Reopened as a new version."),
        "present": (workflow.present_to_new_leadership, "Presented to new leadership."),
    }
    if action in simple:
        service, message = simple[action]
        service(document=document, user=request.user)
        return message
    if action == "approve":
        workflow.approve(document=document, user=request.user, comment=data.get("comment", ""))
        return "Approved."
    if action == "return":
        workflow.return_to_author(
            document=document, user=request.user, comment=data.get("comment", "")
        )
        return "Returned to the author."
    raise ValidationError("Unknown action.")


@read_only_roles_may_post  # leadership approves or returns; the service checks each step
@login_required
@require_POST
def document_transition(request, pk: int, action: str):
    """Run one workflow step; refused steps come back as an error message, not a crash."""
    document = _visible(m.PlanningDocument, request.user, pk)
    try:
        messages.success(request, _transition(request, document, action))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    except review.SelfApprovalRefused as error:
        messages.error(request, str(error))
    return HttpResponseRedirect(document.get_absolute_url())


@read_only_roles_may_post  # leadership comments during its review (workflow.can_comment)
@login_required
@require_POST
def section_comment(request, pk: int):
    section = _visible(m.DocumentSection, request.user, pk)
    form = forms.CommentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("A comment needs some text.")
        workflow.add_comment(section=section, user=request.user, body=form.cleaned_data["body"])
        messages.success(request, "Comment added.")
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return HttpResponseRedirect(f"{section.document.get_absolute_url()}#section-{section.pk}")


@login_required
@require_POST
def comment_resolve(request, pk: int):
    comment = _visible(m.SectionComment, request.user, pk)
    form = forms.ResolveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Choose accept or decline.")
        workflow.resolve_comment(
            comment=comment,
            user=request.user,
            resolution=form.cleaned_data["resolution"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "Comment resolved.")
    except ValidationError as error:
        messages.error(request, _error_text(error))
    document = comment.section.document
    return HttpResponseRedirect(f"{document.get_absolute_url()}#section-{comment.section_id}")


class SectionListView(generic.ObjectListView):
    model = m.DocumentSection
    filterset_class = SectionFilterSet
    select_related = ("document",)
    columns = [("heading", "Section"), ("document", "Document")]


class CommentListView(generic.ObjectListView):
    model = m.SectionComment
    select_related = ("section__document", "author")
    columns = [
        ("body", "Comment"),
        ("section", "Section"),
        ("author", "Author"),
        ("get_resolution_display", "Resolution"),
    ]


class SectionDetailView(generic.ObjectDetailView):
    model = m.DocumentSection
    detail_fields = ["document", "heading", "guidance", "body"]
    select_related = ("document",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_delete"] = False  # sections live and die with their document
        context["can_change"] = context["can_change"] and self.object.document.is_editable
        return context


class SectionUpdateView(generic.ObjectUpdateView):
    model = m.DocumentSection
    form_class = forms.SectionForm
    template_name = "usecases/section_form.html"
    success_message = "Section saved."

    def save_form(self, form):
        return workflow.edit_section(
            section=self.object,
            user=self.request.user,
            body=form.cleaned_data["body"],
            heading=form.cleaned_data["heading"],
        )

    def get_success_url(self):
        return f"{self.object.document.get_absolute_url()}#section-{self.object.pk}"


class CommentDetailView(generic.ObjectDetailView):
    model = m.SectionComment
    detail_fields = ["section", "version", "author", "body", "resolution", "resolution_reason"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Comments are resolved on their document's page, never edited or deleted.
        context["can_change"] = context["can_delete"] = False
        return context


@login_required
def document_diff(request, pk: int):
    """Section-by-section differences between two versions (default: previous → current)."""
    document = _visible(m.PlanningDocument, request.user, pk)
    numbers = list(document.versions.values_list("number", flat=True))
    if document.version not in numbers:
        numbers.append(document.version)
    try:
        older = int(request.GET.get("from", max(document.version - 1, 1)))
        newer = int(request.GET.get("to", document.version))
        diffs = diff_versions(document, older, newer)
    except (ValueError, LookupError) as error:
        messages.error(request, str(error) or "Choose two existing versions.")
        older, newer, diffs = document.version, document.version, []
    return render(
        request,
        "usecases/document_diff.html",
        {
            "object": document,
            "numbers": numbers,
            "older": older,
            "newer": newer,
            "diffs": diffs,
            "can_change": user_can(request.user, document, CHANGE),
        },
    )
