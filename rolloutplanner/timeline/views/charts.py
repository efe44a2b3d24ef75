"""Chart pages: the Gantt chart (statewide, per LEA, per vendor), the critical path and the
leadership dashboard with its PDF export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone

from leas.models import LEA
from rolloutplanner.home import home_tiles
from rolloutplanner.permissions import user_can_add_model
from rolloutplanner.roles import Role, role_of
from rolloutplanner.timeline.critical_path import compute_critical_path
from rolloutplanner.timeline.dashboard import dashboard_charts
from rolloutplanner.timeline.filtersets import MilestoneFilterSet
from rolloutplanner.timeline.gantt import build_gantt, mark_editable, phase_spans
from rolloutplanner.timeline.models import (
    STATUS_RULE,
    Baseline,
    Milestone,
)
from rolloutplanner.timeline.selectors import notices_for
from vendors.models import Vendor

GANTT_PAGE_SIZE = 50


# Gantt, critical path, baselines.
@login_required
def gantt(request):
    """One page of the filtered timeline as an SVG Gantt chart, with baseline and today line."""
    milestones = Milestone.objects.restrict(request.user).with_status().for_pages()
    filterset = MilestoneFilterSet(request.GET or None, queryset=milestones, request=request)
    if filterset.is_bound:
        milestones = filterset.qs
    context = _gantt_context(request, milestones)
    context["filterset"] = filterset
    return render(request, "rolloutplanner/timeline/gantt.html", context)


def _gantt_context(request, milestones) -> dict:
    page = Paginator(
        milestones.order_by("planned_start", "phase__number", "code", "pk"), GANTT_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    baselines = Baseline.objects.restrict(request.user)
    query = request.GET.copy()
    query.pop("page", None)
    gantt = build_gantt(
        list(page.object_list),
        baseline=_chosen_baseline(request, baselines),
        phases=phase_spans(milestones),
    )
    return {
        "page_obj": page,
        "is_paginated": page.paginator.num_pages > 1,
        "query_without_page": query.urlencode(),
        "gantt": gantt,
        "gantt_editable": mark_editable(gantt, request.user),
        "baselines": baselines[:20],
        "status_rules": STATUS_RULE.values(),
        "today": timezone.localdate(),
    }


@login_required
def lea_timeline(request, pk):
    """An LEA's page of the timeline: its notices and its milestones (with statewide ones)."""
    lea = get_object_or_404(LEA.objects.restrict(request.user), pk=pk)
    milestones = Milestone.objects.restrict(request.user).for_lea(lea).with_status().for_pages()
    context = _gantt_context(request, milestones)
    context.update(organisation=lea, notices=notices_for(user=request.user, organisation=lea))
    return render(request, "rolloutplanner/timeline/organisation_timeline.html", context)


@login_required
def vendor_timeline(request, pk):
    """A vendor's page of the timeline: its notices and its milestones (with statewide ones)."""
    vendor = get_object_or_404(Vendor.objects.restrict(request.user), pk=pk)
    milestones = (
        Milestone.objects.restrict(request.user).for_vendor(vendor).with_status().for_pages()
    )
    context = _gantt_context(request, milestones)
    context.update(organisation=vendor, notices=notices_for(user=request.user, organisation=vendor))
    return render(request, "rolloutplanner/timeline/organisation_timeline.html", context)


def _chosen_baseline(request, baselines):
    chosen = request.GET.get("baseline")
    if chosen and chosen.isdigit():
        return baselines.filter(pk=chosen).first()
    return baselines.first()


@login_required
def critical_path(request):
    """Which late milestones delay which later ones, and the production date."""
    user = request.user
    visible_ids = None
    if not user_can_add_model(user, Milestone):  # scoped users: only what they may see
        visible_ids = set(Milestone.objects.restrict(user).values_list("pk", flat=True))
    result = compute_critical_path(visible_ids=visible_ids)
    return render(request, "rolloutplanner/timeline/critical_path.html", {"result": result})


# Dashboard.
@login_required
def dashboard(request):
    return render(
        request,
        "rolloutplanner/timeline/dashboard.html",
        {"charts": dashboard_charts(request.user), "generated_at": timezone.now()},
    )


@login_required
def dashboard_pdf(request):
    """The dashboard as a PDF for a board meeting, rendered by WeasyPrint from the same charts;
    leadership's starts, as their home does, with the approvals waiting for them."""
    from weasyprint import HTML

    user = request.user
    html = render_to_string(
        "rolloutplanner/timeline/dashboard_pdf.html",
        {
            "tiles": home_tiles(user) if role_of(user) == Role.LEADERSHIP else [],
            "charts": dashboard_charts(user),
            "generated_at": timezone.now(),
        },
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="rollout-dashboard-{stamp}.pdf"'
    return response
