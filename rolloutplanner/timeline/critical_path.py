"""Critical path: forecast every milestone through its finish-to-start dependencies, find the
chain that drives the production date, and which late milestone delays which later ones.

Runs on plain tuples (two queries, no per-row ORM objects) so 40,000 milestones and 60,000
dependencies take well under a second.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from rolloutplanner.timeline.models import Milestone, MilestoneDependency, Scope
from rolloutplanner.timeline.template import PRODUCTION_STEP_CODE

ONE_DAY = timedelta(days=1)


@dataclass(slots=True)
class Forecast:
    id: int
    code: str
    name: str
    planned_start: date
    planned_end: date
    start: date
    end: date
    done: bool
    late: bool
    driver: int | None = None  # the predecessor that pushes this one's start, if any
    cause: int | None = None  # the late milestone its slip comes from, if it slips

    @property
    def slip_days(self) -> int:
        return (self.end - self.planned_end).days

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}".strip()


@dataclass
class LateImpact:
    late: Forecast
    delayed: list[Forecast] = field(default_factory=list)
    delays_production: bool = False


@dataclass
class CriticalPath:
    production: Forecast | None
    path: list[Forecast]
    impacts: list[LateImpact]
    forecasts: dict[int, Forecast]

    @property
    def production_delay_days(self) -> int:
        return self.production.slip_days if self.production else 0


def _topological_order(ids, successors, indegree) -> list[int]:
    queue = deque(i for i in ids if indegree[i] == 0)
    order = []
    while queue:
        node = queue.popleft()
        order.append(node)
        for nxt in successors[node]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                queue.append(nxt)
    return order  # nodes on a cycle (refused by add_dependency) are left out


def compute_critical_path(*, today: date | None = None, visible_ids=None) -> CriticalPath:
    """Forecast the plan and explain delays; ``visible_ids`` limits what is reported back."""
    today = today or timezone.localdate()
    rows = Milestone.objects.values_list(
        "pk", "code", "name", "planned_start", "planned_end", "actual_start", "actual_end"
    )
    forecasts: dict[int, Forecast] = {}
    for pk, code, name, p_start, p_end, a_start, a_end in rows:
        forecasts[pk] = Forecast(
            id=pk,
            code=code,
            name=name,
            planned_start=p_start,
            planned_end=p_end,
            start=a_start or p_start,
            end=a_end or p_end,
            done=a_end is not None,
            late=a_end is None and p_end < today,
        )
    predecessors: dict[int, list[int]] = defaultdict(list)
    successors: dict[int, list[int]] = defaultdict(list)
    indegree: dict[int, int] = defaultdict(int)
    for pred, succ in MilestoneDependency.objects.values_list("predecessor_id", "successor_id"):
        predecessors[succ].append(pred)
        successors[pred].append(succ)
        indegree[succ] += 1
    for node_id in _topological_order(forecasts, successors, indegree):
        _forecast_one(forecasts[node_id], predecessors[node_id], forecasts, today)
    production = _production(forecasts)
    path = _driving_chain(production, forecasts)
    impacts = _late_impacts(forecasts, production, visible_ids)
    if visible_ids is not None:
        path = [f for f in path if f.id in visible_ids]
    return CriticalPath(production=production, path=path, impacts=impacts, forecasts=forecasts)


def _forecast_one(node: Forecast, preds: list[int], forecasts: dict, today: date) -> None:
    """Push a not-yet-finished milestone after its latest predecessor; a late one ends today."""
    if preds:
        node.driver = max(preds, key=lambda p: (forecasts[p].end, p))
    if node.done:
        return
    duration = node.planned_end - node.planned_start
    start, pushed = node.start, False
    not_started = node.start == node.planned_start
    if node.driver is not None and not_started:
        earliest = forecasts[node.driver].end + ONE_DAY
        if earliest > start:
            start, pushed = earliest, True
    end = start + duration
    if node.late and end < today:
        end = today
    node.start, node.end = start, end
    if node.end > node.planned_end:
        driver_cause = forecasts[node.driver].cause if pushed else None
        node.cause = driver_cause or (node.id if node.late else None)


def _production(forecasts: dict[int, Forecast]) -> Forecast | None:
    production_id = (
        Milestone.objects.filter(scope=Scope.STATEWIDE, code=PRODUCTION_STEP_CODE)
        .values_list("pk", flat=True)
        .first()
    )
    if production_id is None:
        production_id = (
            Milestone.objects.filter(scope=Scope.STATEWIDE)
            .order_by("-planned_end", "-pk")
            .values_list("pk", flat=True)
            .first()
        )
    return forecasts.get(production_id)


def _driving_chain(production: Forecast | None, forecasts: dict) -> list[Forecast]:
    """From production back through each milestone's driving predecessor, earliest first."""
    chain, node, seen = [], production, set()
    while node is not None and node.id not in seen:
        chain.append(node)
        seen.add(node.id)
        node = forecasts.get(node.driver) if node.driver else None
    return list(reversed(chain))


def _late_impacts(forecasts: dict, production: Forecast | None, visible_ids) -> list[LateImpact]:
    impacts: dict[int, LateImpact] = {}
    for node in forecasts.values():
        if node.cause is None or node.cause == node.id:
            continue
        if visible_ids is not None and node.cause not in visible_ids:
            continue
        impact = impacts.setdefault(node.cause, LateImpact(late=forecasts[node.cause]))
        if visible_ids is None or node.id in visible_ids:
            impact.delayed.append(node)
    if production is not None and production.cause in impacts:
        impacts[production.cause].delays_production = True
    result = sorted(
        impacts.values(), key=lambda i: (not i.delays_production, -len(i.delayed), i.late.id)
    )
    for impact in result:
        impact.delayed.sort(key=lambda f: (f.planned_start, f.id))
    return result


@dataclass(frozen=True)
class CriticalPathSummary:
    """What the dashboard shows of the critical path; small enough to cache."""

    production_label: str
    production_planned_end: date | None
    production_forecast_end: date | None
    production_delay_days: int
    top_causes: tuple[tuple[int, str, int, bool], ...]  # (id, label, delayed count, production)


def critical_path_summary(*, today: date | None = None) -> CriticalPathSummary:
    """The statewide critical path, summarised and cached until the plan changes.

    The cache key holds today's date and the newest change, count and dependency count of
    the plan, so any edit (services touch a successor when its dependencies change) or a new
    day computes it afresh.
    """
    today = today or timezone.localdate()
    state = Milestone.objects.aggregate(last=Max("updated_at"), count=Count("pk"))
    links = MilestoneDependency.objects.aggregate(count=Count("pk"), last=Max("pk"))
    parts = (today, state["last"], state["count"], links["count"], links["last"])
    fingerprint = "|".join(str(part) for part in parts)
    key = "timeline:critical-path:" + hashlib.sha256(fingerprint.encode()).hexdigest()
    summary = cache.get(key)
    if summary is None:
        result = compute_critical_path(today=today)
        production = result.production
        summary = CriticalPathSummary(
            production_label=production.label if production else "",
            production_planned_end=production.planned_end if production else None,
            production_forecast_end=production.end if production else None,
            production_delay_days=result.production_delay_days,
            top_causes=tuple(
                (i.late.id, i.late.label, len(i.delayed), i.delays_production)
                for i in result.impacts[:5]
            ),
        )
        cache.set(key, summary, timeout=24 * 60 * 60)
    return summary
