"""Pages of the timeline's records: phases, waves, milestones and their dependencies,
baselines and change notices, on the generic list/detail/edit views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from rolloutplanner.permissions import CHANGE, VIEW, user_can, user_can_add_model
from rolloutplanner.timeline import services
from rolloutplanner.timeline.filtersets import ChangeNoticeFilterSet, MilestoneFilterSet
from rolloutplanner.timeline.forms import (
    BaselineForm,
    DependenciesForm,
    MilestoneForm,
    PhaseForm,
    WaveForm,
)
from rolloutplanner.timeline.models import (
    STATUS_RULE,
    Baseline,
    BaselineEntry,
    ChangeNotice,
    Milestone,
    MilestoneDependency,
    Phase,
    Wave,
)
from rolloutplanner.views import generic


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

    def form_valid(self, form):
        if self.object.milestones.exists():
            messages.error(self.request, "This phase still has milestones; move them first.")
            return redirect(self.object)
        return super().form_valid(form)


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
            context["dependency_form"] = DependenciesForm(
                milestones=Milestone.objects.restrict(user, VIEW), successor=milestone
            )
        return context


class MilestoneCreateView(generic.ObjectCreateView):
    model = Milestone
    form_class = MilestoneForm


class MilestoneUpdateView(generic.ObjectUpdateView):
    model = Milestone
    form_class = MilestoneForm

    def save_form(self, form):
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        original = Milestone.objects.get(pk=self.object.pk)
        return services.update_milestone(
            milestone=original,
            user=self.request.user,
            changes=changes,
            reason=form.cleaned_data["change_reason"],
        )


class MilestoneDeleteView(generic.ObjectDeleteView):
    model = Milestone


@login_required
@require_POST
def dependency_add(request, pk):
    """Add one or several predecessors at once (all or none, see ``add_dependencies``)."""
    successor = _milestone_for(request.user, pk, CHANGE)
    form = DependenciesForm(
        request.POST,
        milestones=Milestone.objects.restrict(request.user, VIEW),
        successor=successor,
    )
    if form.is_valid():
        try:
            added = services.add_dependencies(
                successor=successor, predecessors=list(form.cleaned_data["predecessor"])
            )
            count = len(added)
            messages.success(request, f"{count} dependenc{'y' if count == 1 else 'ies'} saved.")
        except ValidationError as error:
            messages.error(request, "Nothing was added. " + " ".join(error.messages))
    else:
        messages.error(request, " ".join(form.errors["predecessor"]))
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
