"""Pages of the mapping app. Thin: they restrict, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mapping import filtersets, forms, selectors
from mapping.exporters import workbook
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
    MappingPlan,
    PracticeChange,
    SeedDataElement,
    StateCode,
    StateCodeSet,
    StateCollection,
    StateElement,
)
from mapping.services import feedback as feedback_services
from mapping.services import mappings as mapping_services
from mapping.services import state as state_services
from mapping.services.lineage import lineage_conflicts, lineage_graph
from mapping.services.mappings import identity_gaps
from mapping.services.state_spec import import_state_spec
from mapping.services.suggestions import (
    candidate_values,
    suggest_descriptor_values,
    suggest_properties,
)
from rolloutplanner import jobs
from rolloutplanner.models import Job
from rolloutplanner.permissions import CHANGE, VIEW, user_can, user_can_add, user_can_add_model
from rolloutplanner.review import SelfApprovalRefused
from rolloutplanner.views import generic


def _object_for(request, model, pk, action: str = VIEW):
    """404 outside the user's view scope, 403 when the action is not theirs."""
    obj = get_object_or_404(model.objects.restrict(request.user, VIEW), pk=pk)
    if action != VIEW and not user_can(request.user, obj, action):
        raise PermissionDenied(f"You may not {action} this {obj._meta.verbose_name}.")
    return obj


class _NoAddButton(generic.RestrictedViewMixin):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = False
        return context


class ReadOnlyListView(generic.ObjectListView, _NoAddButton):
    """A list without an "Add" button: rows are created by imports, jobs or their parent."""


class ReadOnlyDetailView(generic.ObjectDetailView):
    """A detail page without edit or delete actions (catalog rows, coverage runs)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = context["can_delete"] = False
        return context


# --- Ed-Fi catalog (read-only pages; the catalog changes through import_edfi_model) ---------


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
    select_related = ("resource", "descriptor")
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


# --- Mapping plans and the state data model ------------------------------------------------


class MappingPlanListView(generic.ObjectListView):
    model = MappingPlan
    filterset_class = filtersets.MappingPlanFilterSet
    select_related = ("data_standard_version",)
    columns = [("name", "Plan"), ("data_standard_version", "Targets")]


class MappingPlanDetailView(generic.ObjectDetailView):
    model = MappingPlan
    template_name = "mapping/mappingplan_detail.html"
    select_related = ("data_standard_version",)
    detail_fields = ["data_standard_version", "description"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        context["collections"] = StateCollection.objects.filter(plan=plan).with_element_counts()
        context["code_sets"] = StateCodeSet.objects.filter(plan=plan).with_code_counts()
        context["coverage"] = selectors.plan_coverage(plan=plan)
        context["coverage_runs"] = plan.coverage_runs.all()[:20]
        context["identity_gaps"] = identity_gaps(plan=plan)
        context["upgrade_form"] = forms.UpgradeImpactForm()
        return context


class MappingPlanCreateView(generic.ObjectCreateView):
    model = MappingPlan
    form_class = forms.MappingPlanForm


class MappingPlanUpdateView(generic.ObjectUpdateView):
    model = MappingPlan
    form_class = forms.MappingPlanForm


class MappingPlanDeleteView(generic.ObjectDeleteView):
    model = MappingPlan


@login_required
def import_spec(request, pk):
    """Upload a state collection specification (or an exported plan workbook)."""
    plan = _object_for(request, MappingPlan, pk, CHANGE)
    form = forms.SpecUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = import_state_spec(
                plan=plan, name=upload.name, content=upload.read(), user=request.user
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"Imported {upload.name}: {summary}")
            return redirect(plan)
    return render(
        request,
        "mapping/spec_import.html",
        {"plan": plan, "form": form, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
def spec_template(request, fmt: str):
    if fmt == "xlsx":
        return _download(workbook.template_workbook(), "state-spec-template.xlsx", "xlsx")
    return _download(workbook.template_csv().encode(), "state-spec-template.csv", "csv")


@login_required
def export_plan(request, pk, fmt: str):
    plan = _object_for(request, MappingPlan, pk)
    stem = plan.name.lower().replace(" ", "-")
    if fmt == "xlsx":
        return _download(workbook.plan_workbook(plan=plan), f"{stem}.xlsx", "xlsx")
    return _download(workbook.plan_csv(plan=plan).encode(), f"{stem}.csv", "csv")


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _download(content: bytes, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def start_coverage(request, pk):
    plan = _object_for(request, MappingPlan, pk, CHANGE)
    job = jobs.enqueue_job(kind="mapping_coverage", user=request.user, parameters={"plan": plan.pk})
    messages.info(request, "The coverage job is queued; this page follows its progress.")
    return redirect(job)


@login_required
def upgrade_impact_result(request, job_pk):
    """The mappings an upgrade-impact job found would break (visible to whoever sees the job)."""
    job = get_object_or_404(
        Job.objects.restrict(request.user), pk=job_pk, kind="mapping_upgrade_impact"
    )
    return render(request, "mapping/upgrade_impact.html", {"job": job, "result": job.result})


@login_required
@require_POST
def start_upgrade_impact(request, pk):
    plan = _object_for(request, MappingPlan, pk, CHANGE)
    form = forms.UpgradeImpactForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a Data Standard version to compare with.")
        return redirect(plan)
    job = jobs.enqueue_job(
        kind="mapping_upgrade_impact",
        user=request.user,
        parameters={"plan": plan.pk, "version": form.cleaned_data["version"].pk},
    )
    messages.info(request, "The upgrade-impact job is queued; this page follows its progress.")
    return redirect(job)


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

    def form_valid(self, form):
        self.object = state_services.create_element(**form.cleaned_data)
        messages.success(self.request, self.success_message)
        return redirect(self.object)


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


class StateCodeSetCreateView(generic.ObjectCreateView):
    model = StateCodeSet
    form_class = forms.StateCodeSetForm


class StateCodeSetUpdateView(generic.ObjectUpdateView):
    model = StateCodeSet
    form_class = forms.StateCodeSetForm


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


# --- Element mappings --------------------------------------------------------------------


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
        context["can_leave_feedback"] = user_can_add(
            user, feedback_services.feedback_for(user=user, mapping=mapping)
        )
        context["feedback_form"] = forms.FeedbackForm()
        if context["can_change"] and mapping.status != "approved":
            context["suggestions"] = suggest_properties(element=mapping.element)
        context.update(mapping_services.review_context(mapping=mapping, user=user))
        return context


class ElementMappingUpdateView(generic.ObjectUpdateView):
    model = ElementMapping
    form_class = forms.ElementMappingForm
    select_related = ("element__collection__plan__data_standard_version",)

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        targets = data.pop("target_paths")
        mapping_services.update_mapping(
            mapping=self.object, user=self.request.user, targets=targets, **data
        )
        messages.success(self.request, "Saved.")
        return redirect(self.object)


class ElementMappingDeleteView(generic.ObjectDeleteView):
    model = ElementMapping


def _redirect_with_errors(request, obj, exc: ValidationError | SelfApprovalRefused):
    for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
        messages.error(request, message)
    return redirect(obj)


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
    has_add_page = False  # feedback is left on its mapping row's page
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

    def form_valid(self, form):
        feedback_services.answer_feedback(
            feedback=self.object, user=self.request.user, **form.cleaned_data
        )
        messages.success(self.request, "Answer saved.")
        return redirect(self.object)


class MappingFeedbackDeleteView(generic.ObjectDeleteView):
    model = MappingFeedback


# --- Descriptor mappings and LEA local codes ------------------------------------------------


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


class DescriptorMappingUpdateView(generic.ObjectUpdateView):
    model = DescriptorMapping
    form_class = forms.DescriptorMappingForm

    def form_valid(self, form):
        state_services.update_descriptor_mapping(
            mapping=self.object, user=self.request.user, **form.cleaned_data
        )
        messages.success(self.request, self.success_message)
        return redirect(self.object)


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


# --- Coverage ----------------------------------------------------------------------------


class CoverageRunListView(ReadOnlyListView):
    model = CoverageRun
    filterset_class = filtersets.CoverageRunFilterSet
    select_related = ("plan",)
    columns = [
        ("__str__", "Run"),
        ("element_count", "Elements"),
        ("mapped_percent", "Mapped %"),
    ]


class CoverageRunDetailView(ReadOnlyDetailView):
    model = CoverageRun
    template_name = "mapping/coveragerun_detail.html"
    select_related = ("plan", "job")
    detail_fields = ["plan", "element_count", "mapped_percent", "created_at"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["trend"] = CoverageRun.objects.filter(plan=self.object.plan).order_by(
            "created_at", "pk"
        )[:100]
        return context


# --- Seed data, extensions, practice changes, lineage ---------------------------------------


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


class LineageAssignmentListView(generic.ObjectListView):
    model = LineageAssignment
    filterset_class = filtersets.LineageAssignmentFilterSet
    select_related = ("plan", "resource")
    columns = [("__str__", "Assignment"), ("plan", "Plan")]


class LineageAssignmentDetailView(generic.ObjectDetailView):
    model = LineageAssignment
    select_related = ("plan", "resource")
    detail_fields = ["plan", "resource", "source_system", "properties", "load_order"]


class LineageAssignmentCreateView(generic.ObjectCreateView):
    model = LineageAssignment
    form_class = forms.LineageAssignmentForm


class LineageAssignmentUpdateView(generic.ObjectUpdateView):
    model = LineageAssignment
    form_class = forms.LineageAssignmentForm


class LineageAssignmentDeleteView(generic.ObjectDeleteView):
    model = LineageAssignment


@login_required
def plan_lineage(request, pk):
    """The plan's load order as a layered graph, with the conflicts it contains."""
    plan = _object_for(request, MappingPlan, pk)
    return render(
        request,
        "mapping/plan_lineage.html",
        {
            "plan": plan,
            "graph": lineage_graph(plan=plan),
            "conflicts": lineage_conflicts(plan=plan),
            "assignments": LineageAssignment.objects.filter(plan=plan).with_resource(),
        },
    )
