from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import generic
from django.views.decorators.http import require_POST

from leas.models import LEA
from parallel import selectors
from parallel.filtersets import (
    CollectionCycleFilterSet,
    DiscrepancyGroupFilterSet,
    LEARunSummaryFilterSet,
    ReportDefinitionFilterSet,
)
from parallel.forms import CollectionCycleForm, EdFiConnectionForm, TriageForm, UploadForm
from parallel.models import (
    AggregateDifference,
    CollectionCycle,
    Discrepancy,
    DiscrepancyGroup,
    DownloadLog,
    EdFiConnection,
    LEARunSummary,
    ReconciliationRun,
    ReportDefinition,
)
from parallel.services import exports, triage, uploads
from parallel.services.runs import PULL_JOB_KIND, start_reconciliation
from rolloutplanner.exports import FORMATS, Table, download
from rolloutplanner.jobs import enqueue_job
from rolloutplanner.permissions import VIEW, user_can
from rolloutplanner.roles import UNRESTRICTED_ROLES, Role, role_of
from rolloutplanner.views import generic as planner


class DashboardView(LoginRequiredMixin, generic.TemplateView):
    """Statewide: match rate per LEA (worst first, by stratum) and production readiness."""

    template_name = "parallel/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        cycles = CollectionCycle.objects.restrict(user, VIEW).with_definition()
        cycle = cycles.filter(pk=self.request.GET.get("cycle") or 0).first() or cycles.first()
        run = selectors.latest_complete_run(cycle=cycle) if cycle else None
        summaries = LEARunSummary.objects.restrict(user, VIEW).filter(run=run).worst_first()
        filterset = LEARunSummaryFilterSet(self.request.GET or None, queryset=summaries)
        try:
            consecutive = max(1, int(self.request.GET.get("consecutive", 2)))
        except ValueError:
            consecutive = 2
        context.update(
            cycles=cycles,
            cycle=cycle,
            run=run,
            filterset=filterset,
            summaries=filterset.qs if filterset.is_bound else summaries,
            consecutive=consecutive,
            readiness=selectors.production_readiness(user=user, consecutive=consecutive),
        )
        return context


class ListWithoutAddPage(planner.ObjectListView):
    """Lists of rows created elsewhere (the admin, a run, a download)."""

    def get_context_data(self, **kwargs):
        # Skips ObjectListView's own step, which links an "add" page these models lack.
        context = super(planner.ObjectListView, self).get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filterset=self.filterset,
            columns=self.columns,
            add_url=None,
            query_without_page=query.urlencode(),
        )
        return context


class CollectionCycleListView(planner.ObjectListView):
    model = CollectionCycle
    filterset_class = CollectionCycleFilterSet
    select_related = ("report_definition",)
    columns = [
        ("name", "Name"),
        ("school_year", "School year"),
        ("report_definition", "Report"),
        ("snapshot_date", "Snapshot date"),
    ]


class CollectionCycleDetailView(planner.ObjectDetailView):
    model = CollectionCycle
    template_name = "parallel/cycle_detail.html"
    select_related = ("report_definition",)
    detail_fields = [
        "school_year",
        "report_definition",
        "snapshot_date",
        "legacy_due_date",
        "edfi_due_date",
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["files"] = selectors.cycle_files(user=user, cycle=self.object)
        context["runs"] = self.object.runs.all()
        context["can_run"] = role_of(user) in UNRESTRICTED_ROLES
        context["upload_form"] = UploadForm()
        context["lea_count"] = self.object.leas.count()
        return context


class CollectionCycleCreateView(planner.ObjectCreateView):
    model = CollectionCycle
    form_class = CollectionCycleForm


class CollectionCycleUpdateView(planner.ObjectUpdateView):
    model = CollectionCycle
    form_class = CollectionCycleForm


class CollectionCycleDeleteView(planner.ObjectDeleteView):
    model = CollectionCycle


def _cycle_for(request, pk):
    return get_object_or_404(CollectionCycle.objects.restrict(request.user, VIEW), pk=pk)


@login_required
@require_POST
def upload_file(request, pk):
    cycle = _cycle_for(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a side and a file.")
        return redirect(cycle)
    try:
        submission = uploads.upload_submission(
            cycle=cycle,
            user=request.user,
            side=form.cleaned_data["side"],
            uploaded=form.cleaned_data["file"],
            lea=form.cleaned_data["lea"],
            resource=form.cleaned_data["resource"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Uploaded {submission.original_name}.")
    return redirect(cycle)


@login_required
@require_POST
def start_run(request, pk):
    cycle = _cycle_for(request, pk)
    try:
        run = start_reconciliation(cycle=cycle, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(cycle)
    messages.info(request, f"Run {run.number} is queued; this page follows its progress.")
    return redirect(run)


class ReportDefinitionListView(ListWithoutAddPage):
    model = ReportDefinition
    filterset_class = ReportDefinitionFilterSet
    columns = [
        ("name", "Name"),
        ("file_specs", "EDFacts"),
        ("get_derivation_display", "Built from"),
    ]


class NoPageActionsMixin:
    """Detail pages of models edited elsewhere (admin, triage form) or never deleted."""

    page_actions: frozenset[str] = frozenset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = context.get("can_change") and "change" in self.page_actions
        context["can_delete"] = context.get("can_delete") and "delete" in self.page_actions
        return context


class ReportDefinitionDetailView(NoPageActionsMixin, planner.ObjectDetailView):
    model = ReportDefinition
    template_name = "parallel/definition_detail.html"
    detail_fields = ["code", "file_specs", "derivation", "tolerance_absolute",
                     "tolerance_percent", "source"]  # fmt: skip


class ReconciliationRunListView(ListWithoutAddPage):
    model = ReconciliationRun
    select_related = ("cycle",)
    columns = [("__str__", "Run"), ("state_label", "State"), ("created_at", "Started")]


class ReconciliationRunDetailView(planner.ObjectDetailView):
    model = ReconciliationRun
    template_name = "parallel/run_detail.html"
    select_related = ("cycle__report_definition", "job")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        run = self.object
        context["summaries"] = (
            LEARunSummary.objects.restrict(user, VIEW).filter(run=run).worst_first()
        )
        context["job_visible"] = bool(run.job and user_can(user, run.job, VIEW))
        context["sees_student_rows"] = exports.may_export(user=user)
        return context


class LEAResultsView(LoginRequiredMixin, generic.TemplateView):
    """One LEA in one run: summary, differing cells, triage groups and the record pairs."""

    template_name = "parallel/lea_results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        run = get_object_or_404(
            ReconciliationRun.objects.restrict(user, VIEW).select_related("cycle"),
            pk=self.kwargs["run_pk"],
        )
        summary = get_object_or_404(
            LEARunSummary.objects.restrict(user, VIEW).select_related("lea"),
            run=run,
            lea_id=self.kwargs["lea_pk"],
        )
        lea = summary.lea
        records = (
            Discrepancy.objects.restrict(user, VIEW)
            .filter(run=run, lea=lea)
            .select_related("first_seen_run")
        )
        if kind := self.request.GET.get("kind"):
            records = records.filter(kind=kind)
        page = Paginator(records, 100).get_page(self.request.GET.get("page"))
        context.update(
            run=run,
            lea=lea,
            summary=summary,
            aggregates=AggregateDifference.objects.restrict(user, VIEW)
            .filter(run=run, lea=lea)
            .order_by("within_tolerance", "category_set", "pk")[:500],
            groups=DiscrepancyGroup.objects.restrict(user, VIEW)
            .filter(run=run, lea=lea)
            .with_related(),
            student_rows_allowed=exports.may_export(user=user, lea=lea),
            page_obj=page,
            trend=selectors.lea_trend(user=user, lea=lea),
        )
        return context


class DiscrepancyGroupListView(ListWithoutAddPage):
    model = DiscrepancyGroup
    filterset_class = DiscrepancyGroupFilterSet
    select_related = ("lea", "run__cycle", "responsible_vendor")
    columns = [
        ("__str__", "Group"),
        ("lea", "LEA"),
        ("run", "Run"),
        ("count", "Discrepancies"),
        ("get_responsible_party_display", "Responsible"),
        ("get_status_display", "Status"),
    ]


class DiscrepancyGroupDetailView(NoPageActionsMixin, planner.ObjectDetailView):
    page_actions = frozenset({"change"})
    model = DiscrepancyGroup
    template_name = "parallel/group_detail.html"
    select_related = ("lea", "run__cycle", "responsible_vendor", "carried_from__run")
    detail_fields = ["lea", "run", "kind", "field", "count", "new_count", "responsible_party",
                     "responsible_vendor", "status", "notes", "carried_from"]  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["records"] = Discrepancy.objects.restrict(user, VIEW).filter(group=self.object)[
            :200
        ]
        return context


class DiscrepancyGroupUpdateView(planner.ObjectUpdateView):
    """Triage: through the service, which limits what LEA coordinators may set."""

    model = DiscrepancyGroup
    form_class = TriageForm
    success_message = "Triage saved."

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["lea_coordinator"] = role_of(self.request.user) == Role.LEA_COORDINATOR
        return kwargs

    def save_form(self, form):
        data = form.cleaned_data
        return triage.triage_group(
            group=self.get_object(),
            user=self.request.user,
            status=data["status"],
            notes=data["notes"],
            responsible_party=data.get("responsible_party"),
            responsible_vendor=data.get("responsible_vendor"),
        )


class DownloadLogListView(ListWithoutAddPage):
    model = DownloadLog
    select_related = ("user", "lea", "run")
    columns = [("__str__", "Download"), ("what", "What"), ("file_format", "Format"),
               ("row_count", "Rows")]  # fmt: skip


@login_required
def export_discrepancies(request, run_pk, fmt):
    """CSV/XLSX of the run's discrepancies the user may see (optionally one LEA); logged."""
    if fmt not in FORMATS:
        raise PermissionDenied("Unknown format.")
    run = get_object_or_404(ReconciliationRun.objects.restrict(request.user, VIEW), pk=run_pk)
    lea = None
    if lea_pk := request.GET.get("lea"):
        lea = get_object_or_404(LEA.objects.restrict(request.user, VIEW), pk=lea_pk)
    queryset = exports.discrepancy_rows(
        user=request.user, run=run, lea=lea, kind=request.GET.get("kind", "")
    )
    if not exports.may_export(user=request.user, lea=lea):
        raise PermissionDenied("Student-level data is for the SEA team and the LEA's coordinators.")
    what = f"discrepancies of {run}" + (f", {lea}" if lea else "")
    exports.log_download(
        user=request.user,
        run=run,
        lea=lea,
        file_format=fmt,
        row_count=queryset.count(),
        what=what,
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    name = f"discrepancies-run{run.pk}{f'-lea{lea.pk}' if lea else ''}-{stamp}"
    table = Table(name, "Discrepancies", exports.DISCREPANCY_HEADER, exports.as_table(queryset))
    return download(table, fmt)


class EdFiConnectionListView(planner.ObjectListView):
    model = EdFiConnection
    select_related = ("cycle",)
    columns = [("name", "Name"), ("cycle", "Cycle"), ("base_url", "API")]


class EdFiConnectionDetailView(planner.ObjectDetailView):
    model = EdFiConnection
    template_name = "parallel/connection_detail.html"
    select_related = ("cycle",)
    detail_fields = ["cycle", "base_url", "token_url", "client_id", "school_year", "page_size"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pulls"] = self.object.pulls.all()[:20]
        return context


class EdFiConnectionCreateView(planner.ObjectCreateView):
    model = EdFiConnection
    form_class = EdFiConnectionForm


class EdFiConnectionUpdateView(planner.ObjectUpdateView):
    model = EdFiConnection
    form_class = EdFiConnectionForm


class EdFiConnectionDeleteView(planner.ObjectDeleteView):
    model = EdFiConnection


@login_required
@require_POST
def pull_from_edfi(request, pk):
    """Queue a pull of the cycle's Ed-Fi resources (resumes an unfinished one)."""
    connection = get_object_or_404(EdFiConnection.objects.restrict(request.user, VIEW), pk=pk)
    job = enqueue_job(
        kind=PULL_JOB_KIND, user=request.user, parameters={"connection_id": connection.pk}
    )
    messages.info(request, "The Ed-Fi pull is queued; this page follows its progress.")
    return redirect(job)
