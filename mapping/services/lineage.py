"""Data lineage: who loads which Ed-Fi resource in which order, and where that goes wrong."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from mapping.models import EdFiProperty, LineageAssignment


@dataclass(frozen=True)
class LineageConflict:
    kind: str  # "same step" or "loaded before its reference"
    resource: str
    message: str


@dataclass
class LineageNode:
    resource: str
    systems: list[str]
    step: int
    x: int = 0
    y: int = 0


@dataclass
class LineageGraph:
    """A layered picture: one column per load step, edges from a resource to what it references."""

    nodes: list[LineageNode] = field(default_factory=list)
    edges: list[tuple[LineageNode, LineageNode]] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    columns: list[tuple[int, int]] = field(default_factory=list)  # (step, x of its column)
    width: int = 0
    height: int = 0


def _overlap(a: LineageAssignment, b: LineageAssignment) -> set[str] | None:
    """The properties both write (None means "everything": one of them writes all)."""
    pa, pb = a.property_paths, b.property_paths
    if not pa or not pb:
        return None
    return pa & pb


def lineage_conflicts(*, plan) -> list[LineageConflict]:
    """Two systems writing the same property in the same step; a resource loaded before the
    resources it references."""
    assignments = list(LineageAssignment.objects.filter(plan=plan).select_related("resource"))
    conflicts = []
    by_resource: dict[int, list[LineageAssignment]] = defaultdict(list)
    for assignment in assignments:
        by_resource[assignment.resource_id].append(assignment)
    for rows in by_resource.values():
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                if a.source_system == b.source_system or a.load_order != b.load_order:
                    continue
                shared = _overlap(a, b)
                if shared is None or shared:
                    what = ", ".join(sorted(shared)) if shared else "all properties"
                    conflicts.append(
                        LineageConflict(
                            "same step",
                            a.resource.name,
                            f"{a.get_source_system_display()} and {b.get_source_system_display()} "
                            f"both write {a.resource.name} ({what}) in step {a.load_order} "
                            "with no order between them.",
                        )
                    )
    first_step = {}
    for assignment in assignments:
        name = assignment.resource.name
        first_step[name] = min(first_step.get(name, assignment.load_order), assignment.load_order)
    for resource_name, referenced, step, ref_step in _references(plan, first_step):
        if ref_step >= step:
            conflicts.append(
                LineageConflict(
                    "loaded before its reference",
                    resource_name,
                    f"{resource_name} loads in step {step} but references {referenced}, "
                    f"which loads in step {ref_step}.",
                )
            )
    return conflicts


def _references(plan, first_step: dict[str, int]):
    """(resource, referenced resource, step, referenced step) for lineage resources."""
    version = plan.data_standard_version
    rows = (
        EdFiProperty.objects.filter(
            resource__version=version,
            resource__name__in=list(first_step),
            data_type="reference",
        )
        .values_list("resource__name", "references")
        .distinct()
    )
    for resource_name, referenced in rows:
        if referenced in first_step and referenced != resource_name:
            yield resource_name, referenced, first_step[resource_name], first_step[referenced]


def lineage_graph(*, plan) -> LineageGraph:
    """Node positions for drawing the load order as layers (SVG in the template)."""
    assignments = LineageAssignment.objects.filter(plan=plan).select_related("resource")
    nodes: dict[str, LineageNode] = {}
    for assignment in assignments.order_by("load_order", "resource__name"):
        name = assignment.resource.name
        node = nodes.get(name)
        if node is None:
            node = nodes[name] = LineageNode(name, [], assignment.load_order)
        label = assignment.get_source_system_display()
        if label not in node.systems:
            node.systems.append(label)
    graph = LineageGraph()
    steps = sorted({n.step for n in nodes.values()})
    column_width, row_height = 260, 70
    rows_used: dict[int, int] = defaultdict(int)
    for node in nodes.values():
        column = steps.index(node.step)
        node.x = 20 + column * column_width
        node.y = 40 + rows_used[node.step] * row_height
        rows_used[node.step] += 1
    graph.nodes = list(nodes.values())
    graph.steps = steps
    graph.columns = [(step, 20 + i * column_width) for i, step in enumerate(steps)]
    first_step = {name: node.step for name, node in nodes.items()}
    graph.edges = [(nodes[a], nodes[b]) for a, b, _, _ in _references(plan, first_step)]
    graph.width = 40 + max(len(steps), 1) * column_width
    graph.height = 60 + max(rows_used.values(), default=1) * row_height
    return graph
