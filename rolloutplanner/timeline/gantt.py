"""Geometry of the server-rendered SVG Gantt chart (the template only draws what this computes).

One page of milestones costs a fixed number of queries: the page, its baseline entries and the
dependencies among its rows, however many milestones exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from rolloutplanner import versioning
from rolloutplanner.permissions import CHANGE
from rolloutplanner.timeline.charts import STATUS_PATTERNS, pattern_fill
from rolloutplanner.timeline.models import Baseline, BaselineEntry, Milestone, MilestoneDependency

LABEL_WIDTH = 300
CHART_WIDTH = 720
STATUS_WIDTH = 90
ROW_HEIGHT = 30
HEADER_HEIGHT = 34
BAR_HEIGHT = 12
BASELINE_HEIGHT = 5


@dataclass
class GanttRow:
    milestone: Milestone
    y: int
    x: float
    width: float
    baseline_x: float | None = None
    baseline_width: float | None = None
    slip_days: int | None = None
    version: str | None = None  # set when the viewer may reschedule it (see mark_editable)

    @property
    def bar_y(self) -> int:
        return self.y + 5

    @property
    def baseline_y(self) -> int:
        return self.y + 5 + BAR_HEIGHT + 3

    @property
    def text_y(self) -> int:
        return self.y + 16

    @property
    def grip_x(self) -> float:
        """Where the handle that resizes the bar (its end) starts."""
        return round(self.x + self.width - 4, 1)

    @property
    def fill(self) -> str:
        """The status's pattern, as on the dashboard's charts."""
        return pattern_fill(STATUS_PATTERNS.get(self.milestone.status, "solid"))

    @cached_property
    def description(self) -> str:
        m = self.milestone
        parts = [
            f"{m} ({m.phase.name}, {m.get_scope_display()}{_owner_of(m)})",
            f"planned {m.planned_start:%Y-%m-%d} to {m.planned_end:%Y-%m-%d}",
            f"status {m.status_label}",
        ]
        if self.slip_days:
            parts.append(f"{self.slip_days:+d} days against the baseline")
        return "; ".join(parts)


def _owner_of(milestone: Milestone) -> str:
    owner = milestone.lea or milestone.vendor or milestone.wave
    return f": {owner}" if owner else ""


@dataclass
class PhaseBar:
    """A phase's span over the milestones shown (all pages of the filtered set)."""

    label: str
    start: date
    end: date
    done_percent: int
    y: int = 0
    x: float = 0
    width: float = 0

    @property
    def text_y(self) -> int:
        return self.y + 16

    @property
    def bar_y(self) -> int:
        return self.y + 6


@dataclass
class GanttArrow:
    points: str
    label: str


@dataclass
class Gantt:
    rows: list[GanttRow]
    start: date
    end: date
    baseline: Baseline | None
    phases: list[PhaseBar] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    arrows: list[GanttArrow] = field(default_factory=list)
    today_x: float | None = None
    day_width: float = 0
    label_width: int = LABEL_WIDTH
    chart_width: int = CHART_WIDTH

    @property
    def width(self) -> int:
        return LABEL_WIDTH + CHART_WIDTH + STATUS_WIDTH

    @property
    def height(self) -> int:
        return HEADER_HEIGHT + ROW_HEIGHT * max(len(self.rows) + len(self.phases), 1) + 4

    @property
    def status_x(self) -> int:
        return LABEL_WIDTH + CHART_WIDTH + 8

    @property
    def chart_bottom(self) -> int:
        return self.height - 2


def phase_spans(milestones) -> list[PhaseBar]:
    """One aggregate query: each phase's first start, last end and share done."""
    rows = (
        milestones.order_by()
        .values("phase__number", "phase__name")
        .annotate(
            start=Min("planned_start"),
            end=Max("planned_end"),
            total=Count("pk"),
            done=Count("pk", filter=Q(actual_end__isnull=False)),
        )
        .order_by("phase__number")
    )
    return [
        PhaseBar(
            label=f"Phase {row['phase__number']}. {row['phase__name']}",
            start=row["start"],
            end=row["end"],
            done_percent=round(100 * row["done"] / row["total"]) if row["total"] else 0,
        )
        for row in rows
    ]


def build_gantt(
    milestones: list[Milestone],
    *,
    baseline: Baseline | None,
    phases: list[PhaseBar] = (),
    today: date | None = None,
) -> Gantt:
    """Lay out ``milestones`` (annotated with status) under their phases' spans, with baseline
    bars and dependency arrows."""
    today = today or timezone.localdate()
    ids = [m.pk for m in milestones]
    baseline_dates = {}
    if baseline is not None:
        baseline_dates = {
            e.milestone_id: e
            for e in BaselineEntry.objects.filter(baseline=baseline, milestone_id__in=ids)
        }
    dates = [d for m in milestones for d in (m.planned_start, m.planned_end)]
    dates += [d for e in baseline_dates.values() for d in (e.planned_start, e.planned_end)]
    dates += [d for p in phases for d in (p.start, p.end)]
    start = min(dates, default=today) - timedelta(days=7)
    end = max(dates, default=today) + timedelta(days=7)
    scale = CHART_WIDTH / max((end - start).days, 1)

    def x_of(day: date) -> float:
        return round(LABEL_WIDTH + (day - start).days * scale, 1)

    for index, phase in enumerate(phases):
        phase.y = HEADER_HEIGHT + index * ROW_HEIGHT
        phase.x = x_of(phase.start)
        phase.width = max(round((phase.end - phase.start).days * scale, 1), 3)
    first_row_y = HEADER_HEIGHT + len(phases) * ROW_HEIGHT
    rows = []
    for index, milestone in enumerate(milestones):
        row = GanttRow(
            milestone=milestone,
            y=first_row_y + index * ROW_HEIGHT,
            x=x_of(milestone.planned_start),
            width=max(round((milestone.planned_end - milestone.planned_start).days * scale, 1), 3),
        )
        entry = baseline_dates.get(milestone.pk)
        if entry is not None:
            row.baseline_x = x_of(entry.planned_start)
            row.baseline_width = max(
                round((entry.planned_end - entry.planned_start).days * scale, 1), 3
            )
            row.slip_days = (milestone.planned_end - entry.planned_end).days
        rows.append(row)
    gantt = Gantt(
        rows=rows, start=start, end=end, baseline=baseline, phases=list(phases), day_width=scale
    )
    gantt.ticks = _month_ticks(start, end, x_of)
    if start <= today <= end:
        gantt.today_x = x_of(today)
    gantt.arrows = _arrows(rows)
    return gantt


def mark_editable(gantt: Gantt, user) -> bool:
    """Give each row the viewer may change (the milestone rule, ``restrict(user, CHANGE)``)
    its version, for the chart's move and resize; True when there is any. Two queries at
    most, however many rows."""
    milestones = [row.milestone for row in gantt.rows]
    editable = set(
        Milestone.objects.restrict(user, CHANGE)
        .filter(pk__in=[m.pk for m in milestones])
        .values_list("pk", flat=True)
    )
    versions = versioning.versions_of([m for m in milestones if m.pk in editable])
    for row in gantt.rows:
        row.version = versions.get(row.milestone.pk)
    return bool(versions)


def _month_ticks(start: date, end: date, x_of) -> list[tuple[float, str]]:
    months = (end.year - start.year) * 12 + end.month - start.month
    step = max(1, months // 10 + (1 if months % 10 else 0))
    ticks, year, month = [], start.year, start.month
    while True:
        month += step
        while month > 12:
            month, year = month - 12, year + 1
        tick = date(year, month, 1)
        if tick > end:
            return ticks
        ticks.append((x_of(tick), tick.strftime("%b %Y")))


def _arrows(rows: list[GanttRow]) -> list[GanttArrow]:
    by_id = {row.milestone.pk: row for row in rows}
    links = MilestoneDependency.objects.filter(
        predecessor_id__in=by_id, successor_id__in=by_id
    ).values_list("predecessor_id", "successor_id")
    arrows = []
    for pred_id, succ_id in links:
        pred, succ = by_id[pred_id], by_id[succ_id]
        x1, y1 = pred.x + pred.width, pred.bar_y + BAR_HEIGHT / 2
        x2, y2 = succ.x, succ.bar_y + BAR_HEIGHT / 2
        bend = max(x1, x2 - 6)
        arrows.append(
            GanttArrow(
                points=f"{x1},{y1} {bend},{y1} {bend},{y2} {x2},{y2}",
                label=f"{pred.milestone} must finish before {succ.milestone} starts",
            )
        )
    return arrows
