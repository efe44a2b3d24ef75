"""Pages of the living timeline. Thin: they parse input, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from leas.models import LEA
from rolloutplanner.permissions import CHANGE, VIEW, user_can, user_can_add_model
from rolloutplanner.timeline import services
from rolloutplanner.timeline.critical_path import compute_critical_path
from rolloutplanner.timeline.dashboard import dashboard_charts
from rolloutplanner.timeline.filtersets import ChangeNoticeFilterSet, MilestoneFilterSet
from rolloutplanner.timeline.forms import (
    BaselineForm,
    DependencyForm,
    MilestoneForm,
    PhaseForm,
    WaveForm,
)
from rolloutplanner.timeline.gantt import build_gantt, phase_spans
from rolloutplanner.timeline.models import (
    STATUS_RULE,
    Baseline,
    BaselineEntry,
    CalendarFeedToken,
    ChangeNotice,
    Milestone,
    MilestoneDependency,
    Phase,
    Wave,
)
from rolloutplanner.timeline.selectors import notices_for
from rolloutplanner.views import generic
from vendors.models import Vendor

GANTT_PAGE_SIZE = 50


class ReadOnlyDetailMixin:
    """Detail of a row that is written only by services: no edit or delete buttons."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = context["can_delete"] = False
        return context


# Phases and waves: plain CRUD on the generic views.
class PhaseListView(generic.ObjectListView):
    model = Phase
    columns = [("__str__", "Phase"), ("description", "Description")]


class PhaseDetailView(generic.ObjectDetailView):
    model = Phase
    detail_fields = ["number", "name", "description"]


class PhaseCreateView(generic.ObjectCreateView):
    model = Phase
    form_class = PhaseForm


class PhaseUpdateView(generic.ObjectUpdateView):
    model = Phase
    form_class = PhaseForm


class PhaseDeleteView(generic.ObjectDeleteView):
    model = Phase


class WaveListView(generic.ObjectListView):
    model = Wave
    columns = [("name", "Wave"), ("description", "Description")]


class WaveDetailView(generic.ObjectDetailView):
    model = Wave
    detail_fields = ["name", "description"]
    template_name = "rolloutplanner/timeline/wave_detail.html"


class WaveCreateView(generic.ObjectCreateView):
    model = Wave
    form_class = WaveForm


class WaveUpdateView(generic.ObjectUpdateView):
    model = Wave
    form_class = WaveForm


class WaveDeleteView(generic.ObjectDeleteView):
    model = Wave


# Milestones.
class MilestoneListView(generic.ObjectListView):
    model = Milestone
    filterset_class = MilestoneFilterSet
    select_related = ("phase", "lea", "vendor", "wave", "owner")
    columns = [
        ("__str__", "Milestone"),
        ("phase", "Phase"),
        ("get_scope_display", "Scope"),
        ("planned_start", "Planned start"),
        ("planned_end", "Planned end"),
        ("status_label", "Status"),
        ("owner", "Owner"),
    ]

    def base_queryset(self):
        return super().base_queryset().with_status()

    def get_queryset(self):
        # As the generic list, but the filter choices are limited to what the user may see.
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=self.base_queryset(), request=self.request
        )
        return self.filterset.qs if self.filterset.is_bound else self.filterset.queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status_rules"] = STATUS_RULE.values()
        return context


class MilestoneDetailView(generic.ObjectDetailView):
    model = Milestone
    template_name = "rolloutplanner/timeline/milestone_detail.html"
    select_related = ("phase", "lea", "vendor", "wave", "owner")
    detail_fields = [
        "phase",
        "code",
        "kind",
        "scope",
        "wave",
        "lea",
        "vendor",
        "owner",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "description",
    ]

    def base_queryset(self):
        return super().base_queryset().with_status()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, milestone = self.request.user, self.object
        visible = Milestone.objects.restrict(user, VIEW).with_status().select_related("phase")
        predecessors = {p.pk: p for p in visible.filter(successor_links__successor=milestone)}
        links = MilestoneDependency.objects.filter(successor=milestone).order_by("pk")
        context["predecessor_rows"] = [
            (link, predecessors[link.predecessor_id])
            for link in links
            if link.predecessor_id in predecessors
        ]
        context["successors"] = visible.filter(predecessor_links__predecessor=milestone)
        context["notices"] = ChangeNotice.objects.restrict(user).filter(milestone=milestone)[:20]
        entries = BaselineEntry.objects.filter(milestone=milestone).select_related("baseline")
        context["baseline_rows"] = [
            (entry, (milestone.planned_end - entry.planned_end).days)
            for entry in entries.order_by("-baseline__created_at")[:10]
        ]
        if context["can_change"]:
            context["dependency_form"] = DependencyForm(milestones=Milestone.objects.all())
        return context


class MilestoneCreateView(generic.ObjectCreateView):
    model = Milestone
    form_class = MilestoneForm


class MilestoneUpdateView(generic.ObjectUpdateView):
    model = Milestone
    form_class = MilestoneForm

    def form_valid(self, form):
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        original = Milestone.objects.get(pk=self.object.pk)
        try:
            self.object = services.update_milestone(
                milestone=original,
                user=self.request.user,
                changes=changes,
                reason=form.cleaned_data["change_reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Saved.")
        return HttpResponseRedirect(self.object.get_absolute_url())


class MilestoneDeleteView(generic.ObjectDeleteView):
    model = Milestone


@login_required
@require_POST
def dependency_add(request, pk):
    successor = _milestone_for(request.user, pk, CHANGE)
    form = DependencyForm(request.POST, milestones=Milestone.objects.restrict(request.user, VIEW))
    if form.is_valid():
        try:
            services.add_dependency(
                predecessor=form.cleaned_data["predecessor"], successor=successor
            )
            messages.success(request, "Dependency added.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, "Give the number of a milestone you can see.")
    return redirect(successor)


@login_required
@require_POST
def dependency_remove(request, pk, dependency_pk):
    successor = _milestone_for(request.user, pk, CHANGE)
    dependency = get_object_or_404(MilestoneDependency, pk=dependency_pk, successor=successor)
    services.remove_dependency(dependency=dependency)
    messages.success(request, "Dependency removed.")
    return redirect(successor)


def _milestone_for(user, pk: int, action: str) -> Milestone:
    milestone = get_object_or_404(Milestone.objects.restrict(user, VIEW), pk=pk)
    if not user_can(user, milestone, action):
        raise PermissionDenied(f"You may not {action} this milestone.")
    return milestone


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
    return {
        "page_obj": page,
        "is_paginated": page.paginator.num_pages > 1,
        "query_without_page": query.urlencode(),
        "gantt": build_gantt(
            list(page.object_list),
            baseline=_chosen_baseline(request, baselines),
            phases=phase_spans(milestones),
        ),
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


class BaselineListView(generic.ObjectListView):
    model = Baseline
    columns = [("name", "Baseline"), ("created_at", "Saved at"), ("created_by", "Saved by")]
    template_name = "rolloutplanner/timeline/baseline_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = BaselineForm()
        return context


class BaselineDetailView(ReadOnlyDetailMixin, generic.ObjectDetailView):
    model = Baseline
    template_name = "rolloutplanner/timeline/baseline_detail.html"
    detail_fields = ["name", "created_at", "created_by"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = (
            BaselineEntry.objects.restrict(self.request.user)
            .filter(baseline=self.object)
            .select_related("milestone", "milestone__phase")
            .order_by("milestone__planned_start", "milestone_id")
        )
        page = Paginator(entries, 100).get_page(self.request.GET.get("page"))
        context["page_obj"], context["is_paginated"] = page, page.paginator.num_pages > 1
        return context


@login_required
@require_POST
def baseline_create(request):
    if not user_can_add_model(request.user, Baseline):
        raise PermissionDenied("Only the SEA project team saves baselines.")
    form = BaselineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the baseline a name.")
        return redirect("rolloutplanner:baseline-list")
    baseline = services.save_baseline(name=form.cleaned_data["name"], user=request.user)
    messages.success(request, f"Saved baseline {baseline.name}.")
    return redirect(baseline)


# Change notices.
class ChangeNoticeListView(generic.ObjectListView):
    model = ChangeNotice
    filterset_class = ChangeNoticeFilterSet
    select_related = ("milestone", "lea", "vendor", "changed_by")
    columns = [
        ("__str__", "Change"),
        ("lea", "LEA"),
        ("vendor", "Vendor"),
        ("reason", "Reason"),
        ("created_at", "When"),
        ("emailed_at", "E-mailed"),
    ]

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=self.base_queryset(), request=self.request
        )
        return self.filterset.qs if self.filterset.is_bound else self.filterset.queryset


class ChangeNoticeDetailView(ReadOnlyDetailMixin, generic.ObjectDetailView):
    model = ChangeNotice
    select_related = ("milestone", "lea", "vendor", "changed_by")
    detail_fields = [
        "milestone",
        "lea",
        "vendor",
        "old_start",
        "old_end",
        "new_start",
        "new_end",
        "reason",
        "changed_by",
        "created_at",
        "emailed_at",
    ]


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
    """The dashboard as a PDF for a board meeting, rendered by WeasyPrint from the same charts."""
    from weasyprint import HTML

    html = render_to_string(
        "rolloutplanner/timeline/dashboard_pdf.html",
        {"charts": dashboard_charts(request.user), "generated_at": timezone.now()},
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="rollout-dashboard-{stamp}.pdf"'
    return response


# Calendar feed keys.
@login_required
def calendar_feeds(request):
    """The user's private calendar URLs; a new key is shown once, right after it is made."""
    new_key = None
    if request.method == "POST":
        _, new_key = services.create_feed_token(user=request.user)
    tokens = CalendarFeedToken.objects.filter(user=request.user)
    return render(
        request,
        "rolloutplanner/timeline/calendar_feeds.html",
        {
            "tokens": tokens,
            "new_key": new_key,
            "leas": _feed_leas(request.user),
            "vendors": _feed_vendors(request.user),
        },
    )


def _feed_leas(user):
    from leas.models import LEA

    profile = getattr(user, "profile", None)
    if profile is None:
        return []
    return list(LEA.objects.filter(pk__in=profile.lea_ids()))


def _feed_vendors(user):
    from vendors.models import Vendor

    profile = getattr(user, "profile", None)
    if profile is None:
        return []
    return list(Vendor.objects.filter(pk__in=profile.vendor_ids()))


@login_required
@require_POST
def calendar_feed_revoke(request, pk):
    token = get_object_or_404(CalendarFeedToken, pk=pk, user=request.user)
    services.revoke_feed_token(token=token)
    messages.success(request, "Calendar key revoked; its feed URLs no longer work.")
    return redirect("rolloutplanner:calendar-feeds")
