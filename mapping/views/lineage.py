"""Lineage assignment pages and the plan's load-order graph."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from mapping import filtersets, forms
from mapping.models import (
    LineageAssignment,
    MappingPlan,
)
from mapping.services import versions
from mapping.services.lineage import lineage_conflicts, lineage_graph
from mapping.views._common import (
    ServiceSaveMixin,
    _object_for,
)
from rolloutplanner.views import generic


class LineageAssignmentListView(generic.ObjectListView):
    model = LineageAssignment
    filterset_class = filtersets.LineageAssignmentFilterSet
    select_related = ("plan", "resource")
    columns = [("__str__", "Assignment"), ("plan", "Plan")]


class LineageAssignmentDetailView(generic.ObjectDetailView):
    model = LineageAssignment
    select_related = ("plan", "resource")
    detail_fields = ["plan", "resource", "source_system", "properties", "load_order"]


SAVE_ASSIGNMENT = staticmethod(lambda step: versions.save_lineage_assignment(assignment=step))


class LineageAssignmentCreateView(ServiceSaveMixin, generic.ObjectCreateView):
    model = LineageAssignment
    form_class = forms.LineageAssignmentForm
    save_service = SAVE_ASSIGNMENT


class LineageAssignmentUpdateView(ServiceSaveMixin, generic.ObjectUpdateView):
    model = LineageAssignment
    form_class = forms.LineageAssignmentForm
    save_service = SAVE_ASSIGNMENT


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
