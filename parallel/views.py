from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import generic
from django.views.decorators.http import require_POST

from leas.models import LEA
from parallel import charts, selectors
from parallel.filtersets import (
    SUMMARY_ORDERING,
    CollectionCycleFilterSet,
    DiscrepancyGroupFilterSet,
    LEARunSummaryListFilterSet,
    ReportDefinitionFilterSet,
)
from parallel.forms import (
    CollectionCycleForm,
    EdFiConnectionForm,
    ReportDefinitionForm,
    TriageForm,
    UploadForm,
)
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
from parallel.services import definitions, exports, triage, uploads
from parallel.services.runs import PULL_JOB_KIND, start_reconciliation
from rolloutplanner.exports import FORMATS, Table, download
from rolloutplanner.jobs import enqueue_job
from rolloutplanner.permissions import VIEW, user_can, user_can_add_model
from rolloutplanner.roles import UNRESTRICTED_ROLES, Role, role_of
from rolloutplanner.views import generic as planner

LEA_PAGE_SIZE = 50
DIFFERENCE_PAGE_SIZE = 100
SORT_LABELS = {
    "lea": "LEA",
    "match_rate": "Match rate",
    "legacy_records": "Legacy",
    "edfi_records": "Ed-Fi",
    "only_in_legacy": "Only in legacy",
    "only_in_edfi": "Only in Ed-Fi",
    "records_with_mismatches": "Records with mismatches",
    "cells_outside_tolerance": "Cells outside tolerance",
}


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _sort_columns(request, current: str) -> list[dict]:
    """Column headers of the LEA list: a link that sorts by the column (again: reversed)."""
    base = _query_without(request, "ordering", "page")
    columns = []
    for _, key in SUMMARY_ORDERING:
        ascending = current == key
        descending = current == f"-{key}"
        target = f"-{key}" if ascending else key
        columns.append(
            {
                "key": key,
                "label": SORT_LABELS[key],
                "url": f"?{base + '&' if base else ''}ordering={target}",
                "aria_sort": "ascending" if ascending else "descending" if descending else "",
                "next": "descending" if ascending else "ascending",
            }
        )
    return columns


def lea_list_context(request, run) -> dict:
    """The run's LEA summaries the user may see: filtered, sorted, paginated, with trends."""
    user = request.user
    summaries = LEARunSummary.objects.restrict(user, VIEW).filter(run=run).worst_first()
    filterset = LEARunSummaryListFilterSet(request.GET or None, queryset=summaries)
    filtered = filterset.qs if filterset.is_bound and filterset.is_valid() else summaries
    ordering = request.GET.get("ordering", "")
    if ordering.lstrip("-") not in SORT_LABELS:
        ordering = ""
    elif ordering.lstrip("-") != "lea":
        # Ties (many LEAs at 100 %) keep a stable, readable order across pages.
        filtered = filtered.order_by(*filtered.query.order_by, "lea__name")
    page = Paginator(filtered, LEA_PAGE_SIZE).get_page(request.GET.get("page"))
    leas = [summary.lea for summary in page]
    runs = selectors.definition_runs(user=user, definition=run.cycle.report_definition)
    trends = selectors.lea_trends(user=user, leas=leas, runs=runs)
    sparklines = charts.lea_sparklines(trends, leas)
    for summary in page:
        summary.sparkline = sparklines[summary.lea_id]
    sort_label = (
        f"sorted by {SORT_LABELS[ordering.lstrip('-')].lower()}"
        f"{', descending' if ordering.startswith('-') else ''}"
        if ordering
        else "worst match rate first"
    )
    return {
        "filterset": filterset,
        "summaries": page,
        "page_obj": page,
        "is_paginated": page.paginator.num_pages > 1,
        "query_without_page": _query_without(request, "page"),
        "sort_columns": _sort_columns(request, ordering),
        "sort_label": sort_label,
        "sort_is_default": not ordering,
        "trend_run_count": len(runs),
    }


def run_charts_context(request, run) -> dict:
    """The charts of one run over the LEAs the user may see (and their data tables)."""
    user = request.user
    summaries = LEARunSummary.objects.restrict(user, VIEW).filter(run=run)
    stratum = request.GET.get("stratum", "urbanicity")
    if stratum not in selectors.STRATA:
        stratum = "urbanicity"
    stratum_label = LEARunSummaryListFilterSet.base_filters[stratum].label.replace("LEA ", "")
    by_stratum = selectors.match_rate_by_stratum(summaries, stratum=stratum)
    return {
        "distribution_chart": charts.distribution_chart(
            selectors.match_rate_distribution(summaries)
        ),
        "worst_chart": charts.worst_leas_chart(selectors.worst_leas(summaries)),
        "stratum_chart": charts.stratum_chart(by_stratum, stratum_label=stratum_label),
        "stratum_rows": by_stratum,
        "stratum": stratum,
        "stratum_label": stratum_label,
        "strata": [
            (name, LEARunSummaryListFilterSet.base_filters[name].label) for name in selectors.STRATA
        ],
        "run_match_rate": selectors.run_match_rate(summaries),
    }


class DashboardView(LoginRequiredMixin, generic.TemplateView):
    """Statewide: charts of the latest complete run, the LEA list and production readiness."""

    template_name = "parallel/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        cycles = CollectionCycle.objects.restrict(user, VIEW).with_definition()
        cycle = cycles.filter(pk=self.request.GET.get("cycle") or 0).first() or cycles.first()
        run = selectors.latest_complete_run(cycle=cycle) if cycle else None
        try:
            consecutive = max(1, int(self.request.GET.get("consecutive", 2)))
        except ValueError:
            consecutive = 2
        context.update(
            cycles=cycles,
            cycle=cycle,
            run=run,
            consecutive=consecutive,
        )
        readiness = selectors.production_readiness(user=user, consecutive=consecutive)
        # One row per LEA: paginated like the LEA list, with its own page parameter.
        readiness_page = Paginator(readiness, LEA_PAGE_SIZE).get_page(
            self.request.GET.get("readiness_page")
        )
        context.update(
            readiness=readiness_page,
            readiness_ready=sum(1 for row in readiness if row["ready"]),
            readiness_query=_query_without(self.request, "readiness_page"),
        )
        if run is not None:
            context.update(lea_list_context(self.request, run))
            context.update(run_charts_context(self.request, run))
        else:
            context["filterset"] = LEARunSummaryListFilterSet(None)
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
        # Said before "Run" is pressed, by the rule the run itself applies.
        context["run_problems"] = (
            definitions.run_problems(cycle=self.object) if context["can_run"] else []
        )
        context["upload_form"] = UploadForm()
        context["lea_count"] = self.object.leas.count()
        runs = selectors.definition_runs(user=user, definition=self.object.report_definition)
        trend = selectors.statewide_trend(user=user, runs=runs)
        context["trend"] = trend
        context["trend_line"] = charts.trend_line(
            trend,
            key="cycle-trend",
            name=f"Match rate of {self.object.report_definition} runs, all LEAs you may see",
            width=420,
            height=120,
        )
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


class ReportDefinitionListView(planner.ObjectListView):
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


class ReportDefinitionDetailView(planner.ObjectDetailView):
    model = ReportDefinition
    template_name = "parallel/definition_detail.html"
    detail_fields = ["code", "file_specs", "derivation", "tolerance_absolute",
                     "tolerance_percent", "source"]  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        definition = self.object
        used = definitions.is_used(definition)
        if used:
            context["edit_url"] = None  # the edit page would only refuse; the copy is offered
        snapshot = definitions.sample_snapshot(definition)
        sql, problems = definitions.generated_sql(definition, snapshot)
        context.update(
            used=used,
            sql=sql,
            sql_snapshot=snapshot,
            problems=problems,
            missing_codes=definitions.missing_codes(definition),
            copy_url=_copy_url(self.request.user, definition),
        )
        return context


def _copy_url(user, definition) -> str | None:
    if not user_can_add_model(user, ReportDefinition):
        return None
    return f"{reverse('parallel:reportdefinition-add')}?copy={definition.pk}"


class ReportDefinitionCreateView(planner.ObjectCreateView):
    """A new definition, empty or (``?copy=<pk>``) starting from one the user may see."""

    model = ReportDefinition
    form_class = ReportDefinitionForm
    template_name = "parallel/definition_form.html"

    def get_initial(self):
        initial = super().get_initial()
        initial.pop("copy", None)
        source_pk = self.request.GET.get("copy", "")
        if source_pk.isdigit():
            visible = ReportDefinition.objects.restrict(self.request.user, VIEW)
            original = visible.filter(pk=source_pk).first()
            if original is not None:
                initial.update(definitions.copy_values(original))
        return initial

    def save_form(self, form):
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        return definitions.create_definition(user=self.request.user, **values)


class ReportDefinitionUpdateView(planner.ObjectUpdateView):
    """Refused (with the copy offered) while a cycle's runs read the definition."""

    model = ReportDefinition
    form_class = ReportDefinitionForm
    template_name = "parallel/definition_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if definitions.is_used(self.object):
            context["used_message"] = definitions.USED_MESSAGE
            context["copy_url"] = _copy_url(self.request.user, self.object)
        return context

    def save_form(self, form):
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        return definitions.update_definition(
            definition=self.object, user=self.request.user, **values
        )


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
        if run.is_complete:
            context.update(lea_list_context(self.request, run))
            context.update(run_charts_context(self.request, run))
        context["job_visible"] = bool(run.job and user_can(user, run.job, VIEW))
        context["sees_student_rows"] = exports.may_export(user=user)
        return context


class RunDifferencesView(LoginRequiredMixin, generic.TemplateView):
    """A run's differing records the user may see, filtered by LEA, kind, field and value."""

    template_name = "parallel/run_differences.html"
    model = ReconciliationRun  # the URL walk reads the object's model from here

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        run = get_object_or_404(
            ReconciliationRun.objects.restrict(user, VIEW).select_related("cycle"),
            pk=self.kwargs["pk"],
        )
        if not exports.may_export(user=user):
            raise PermissionDenied(
                "Student-level data is for the SEA team and the LEA's coordinators."
            )
        filterset, records = selectors.run_differences(user=user, run=run, data=self.request.GET)
        page = Paginator(records, DIFFERENCE_PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            run=run,
            filterset=filterset,
            page_obj=page,
            is_paginated=page.paginator.num_pages > 1,
            query_without_page=_query_without(self.request, "page"),
            download_query=_query_without(self.request, "page"),
        )
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
        query = self.request.GET.copy()
        query["lea"] = str(lea.pk)
        filterset, records = selectors.run_differences(user=user, run=run, data=query)
        page = Paginator(records, DIFFERENCE_PAGE_SIZE).get_page(self.request.GET.get("page"))
        runs = selectors.definition_runs(user=user, definition=run.cycle.report_definition)
        trend = selectors.lea_trends(user=user, leas=[lea], runs=runs)[lea.pk]
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
            filterset=filterset,
            page_obj=page,
            is_paginated=page.paginator.num_pages > 1,
            query_without_page=_query_without(self.request, "page"),
            download_query=query.urlencode(),
            trend=trend,
            trend_line=charts.trend_line(
                trend,
                key="lea-trend",
                name=f"Match rate of {lea.name} across runs",
                width=420,
                height=120,
            ),  # fmt: skip
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
    """CSV/XLSX of the run's differing record pairs the user may see, filtered as on the
    differences page (LEA, kind, field, value); logged."""
    if fmt not in FORMATS:
        raise PermissionDenied("Unknown format.")
    run = get_object_or_404(ReconciliationRun.objects.restrict(request.user, VIEW), pk=run_pk)
    lea = None
    if lea_pk := request.GET.get("lea"):
        lea = get_object_or_404(LEA.objects.restrict(request.user, VIEW), pk=lea_pk)
    if not exports.may_export(user=request.user, lea=lea):
        raise PermissionDenied("Student-level data is for the SEA team and the LEA's coordinators.")
    filterset, queryset = selectors.run_differences(user=request.user, run=run, data=request.GET)
    queryset = exports.for_export(queryset)
    filters = exports.describe_filters(filterset)
    what = f"discrepancies of {run}" + (f", {lea}" if lea else "") + filters
    exports.log_download(
        user=request.user,
        run=run,
        lea=lea,
        file_format=fmt,
        row_count=queryset.count(),
        what=what[:255],
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
