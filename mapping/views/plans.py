"""Mapping plan pages: CRUD, the state spec import/export, coverage and upgrade-impact jobs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mapping import filtersets, forms, selectors
from mapping.exporters import workbook
from mapping.models import (
    MappingPlan,
    StateCodeSet,
    StateCollection,
)
from mapping.services import versions
from mapping.services.mappings import identity_gaps
from mapping.services.state_spec import import_state_spec, start_spec_import
from mapping.views._common import (
    ServiceSaveMixin,
    _download,
    _object_for,
)
from rolloutplanner import jobs
from rolloutplanner.import_files import imports_in_background
from rolloutplanner.models import Job
from rolloutplanner.permissions import CHANGE
from rolloutplanner.views import generic


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
        context["upgrade_form"] = forms.UpgradeImpactForm(plan=plan)
        return context


SAVE_PLAN = staticmethod(lambda plan: versions.save_plan(plan=plan))


class MappingPlanCreateView(ServiceSaveMixin, generic.ObjectCreateView):
    model = MappingPlan
    form_class = forms.MappingPlanForm
    save_service = SAVE_PLAN


class MappingPlanUpdateView(ServiceSaveMixin, generic.ObjectUpdateView):
    model = MappingPlan
    form_class = forms.MappingPlanForm
    save_service = SAVE_PLAN


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
        if imports_in_background(size=upload.size):
            job = start_spec_import(plan=plan, user=request.user, upload=upload)
            messages.info(
                request, f"{upload.name} is imported in the background; this page follows it."
            )
            return redirect(job)
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
        status=400 if errors or form.errors else 200,
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
    form = forms.UpgradeImpactForm(request.POST, plan=plan)
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
