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
    """One write: a resource loaded in one step, by the systems that load it in that step."""

    resource: str
    systems: list[str]
    step: int
    x: int = 0
    y: int = 0
    width: int = 0
    height: int = 0

    @property
    def systems_text(self) -> str:
        return ", ".join(self.systems)


@dataclass
class LineageEdge:
    """An arrow routed through the free corridors between columns and rows, never over a box.

    ``kind`` is "reference" (a resource to one it references) or "again" (the same resource
    written again in a later step)."""

    source: LineageNode
    target: LineageNode
    kind: str
    points: list[tuple[int, int]] = field(default_factory=list)

    @property
    def points_text(self) -> str:
        return " ".join(f"{x},{y}" for x, y in self.points)


@dataclass
class LineageGraph:
    """A layered picture: one column per load step, one box per write."""

    nodes: list[LineageNode] = field(default_factory=list)
    edges: list[tuple[LineageNode, LineageNode]] = field(default_factory=list)  # references
    arrows: list[LineageEdge] = field(default_factory=list)  # every arrow drawn, routed
    steps: list[int] = field(default_factory=list)
    columns: list[tuple[int, int]] = field(default_factory=list)  # (step, x of its column)
    width: int = 0
    height: int = 0


def _overlap(a: LineageAssignment, b: LineageAssignment) -> set[str] | None:
    """The properties both write (None means "everything": both write all)."""
    pa, pb = a.property_paths, b.property_paths
    if not pa or not pb:
        return (pa or pb) or None
    return pa & pb


def _writer_conflict(a: LineageAssignment, b: LineageAssignment) -> LineageConflict | None:
    """Two systems writing the same property: in one step (no order between them), or in two
    steps (the later one silently replaces the earlier one's values)."""
    if a.source_system == b.source_system:
        return None
    shared = _overlap(a, b)
    if shared is not None and not shared:
        return None
    what = ", ".join(sorted(shared)) if shared else "all properties"
    name, first, later = a.resource.name, *sorted((a, b), key=lambda x: x.load_order)
    if a.load_order == b.load_order:
        return LineageConflict(
            "same step",
            name,
            f"{a.get_source_system_display()} and {b.get_source_system_display()} both write "
            f"{name} ({what}) in step {a.load_order} with no order between them.",
        )
    return LineageConflict(
        "written again later",
        name,
        f"{first.get_source_system_display()} writes {name} ({what}) in step "
        f"{first.load_order}, then {later.get_source_system_display()} writes it again in step "
        f"{later.load_order}: the later values replace the earlier ones.",
    )


def lineage_conflicts(*, plan) -> list[LineageConflict]:
    """Two systems writing the same property (in one step, or one after the other); a resource
    loaded before the resources it references."""
    assignments = list(LineageAssignment.objects.filter(plan=plan).select_related("resource"))
    conflicts = []
    by_resource: dict[int, list[LineageAssignment]] = defaultdict(list)
    for assignment in assignments:
        by_resource[assignment.resource_id].append(assignment)
    for rows in by_resource.values():
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                conflict = _writer_conflict(a, b)
                if conflict is not None:
                    conflicts.append(conflict)
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


# Layout in SVG user units. Text widths are estimated generously from character counts
# (bold 14px titles, 13px lines) so every label fits its box without clipping.
TITLE_CHAR, TEXT_CHAR, PADDING = 8.6, 7.4, 12
BOX_HEIGHT, ROW_GAP, CORRIDOR, TOP = 50, 30, 90, 60
LEFT = CORRIDOR  # a corridor before the first column too, for arrows into it


def lineage_graph(*, plan) -> LineageGraph:
    """Boxes and routed arrows for drawing the load order as layers (SVG in the template)."""
    nodes = _write_nodes(plan)
    graph = LineageGraph(steps=sorted({n.step for n in nodes.values()}))
    column_x = _place(nodes.values(), graph.steps)
    graph.nodes = list(nodes.values())
    graph.columns = [(step, column_x[step][0]) for step in graph.steps]
    first = {}
    for node in graph.nodes:
        first.setdefault(node.resource, node)
    first_step = {name: node.step for name, node in first.items()}
    pairs = [(first[a], first[b], "reference") for a, b, _, _ in _references(plan, first_step)] + [
        (a, b, "again") for a, b in _rewrites(graph.nodes)
    ]
    graph.arrows = [
        LineageEdge(a, b, kind, _route(a, b, column_x, index))
        for index, (a, b, kind) in enumerate(pairs)
    ]
    graph.edges = [(a, b) for a, b, kind in pairs if kind == "reference"]
    rows = max((n.y for n in graph.nodes), default=TOP)
    last = graph.steps[-1] if graph.steps else None
    graph.width = (column_x[last][1] + CORRIDOR) if last is not None else 200
    graph.height = rows + BOX_HEIGHT + ROW_GAP
    return graph


def _write_nodes(plan) -> dict[tuple[str, int], LineageNode]:
    assignments = LineageAssignment.objects.filter(plan=plan).select_related("resource")
    nodes: dict[tuple[str, int], LineageNode] = {}
    for assignment in assignments.order_by("load_order", "resource__name"):
        key = (assignment.resource.name, assignment.load_order)
        node = nodes.get(key)
        if node is None:
            node = nodes[key] = LineageNode(key[0], [], key[1])
        label = assignment.get_source_system_display()
        if label not in node.systems:
            node.systems.append(label)
    return nodes


def _place(nodes, steps: list[int]) -> dict[int, tuple[int, int]]:
    """Give every node its box; returns each step's column (left x, right x)."""
    by_step: dict[int, list[LineageNode]] = defaultdict(list)
    for node in nodes:
        by_step[node.step].append(node)
    column_x, left = {}, LEFT
    for step in steps:
        column = by_step[step]
        width = max(
            max(len(n.resource) * TITLE_CHAR, len(n.systems_text) * TEXT_CHAR) for n in column
        )
        width = int(width) + 2 * PADDING
        for row, node in enumerate(column):
            node.x, node.y = left, TOP + row * (BOX_HEIGHT + ROW_GAP)
            node.width, node.height = width, BOX_HEIGHT
        column_x[step] = (left, left + width)
        left += width + CORRIDOR
    return column_x


def _rewrites(nodes: list[LineageNode]):
    """Each write of a resource to its next write in a later step."""
    by_resource: dict[str, list[LineageNode]] = defaultdict(list)
    for node in nodes:
        by_resource[node.resource].append(node)
    for writes in by_resource.values():
        writes.sort(key=lambda n: n.step)
        yield from zip(writes, writes[1:], strict=False)


def _route(source: LineageNode, target: LineageNode, column_x, index: int):
    """Right out of the source into the corridor after its column, along the free gap above
    the target's row, down the corridor before the target's column, into its left side."""
    spread = (index % 6) * 8 + 12
    out_x = column_x[source.step][1] + spread
    in_x = column_x[target.step][0] - CORRIDOR + spread + 6
    lane_y = target.y - ROW_GAP // 2 + (index % 3) * 5 - 5
    source_y, target_y = source.y + source.height // 2, target.y + target.height // 2
    return [
        (source.x + source.width, source_y),
        (out_x, source_y),
        (out_x, lane_y),
        (in_x, lane_y),
        (in_x, target_y),
        (target.x, target_y),
    ]
