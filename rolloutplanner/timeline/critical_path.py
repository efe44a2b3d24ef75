"""Critical path: forecast every milestone through its finish-to-start dependencies, find the
chain that drives the production date, and which late milestone delays which later ones.

The forecast runs on flat integer lists (dates as day numbers, milestones as positions in id
order): the database hands over each column as one comma-separated string, a single pass in
topological order pushes each finished milestone's end into its successors, and Forecast
objects are built only for the milestones reported (path, late causes, what they delay).
Two queries read the plan, one or two find production and one reads the reported labels.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import accumulate

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone

from rolloutplanner.timeline.models import Milestone, MilestoneDependency, Scope
from rolloutplanner.timeline.template import PRODUCTION_STEP_CODE

ONE_DAY = timedelta(days=1)
EPOCH = date(2000, 1, 1)
NOT_DONE = -(10**7)  # day number standing for "no actual end"
NONE = -1  # position standing for "no milestone"


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
    driver: int | None = None  # the predecessor (id) that pushes this one's start, if any
    cause: int | None = None  # the late milestone (id) its slip comes from, if it slips

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
    forecasts: dict[int, Forecast]  # the reported milestones (path and impacts), by id

    @property
    def production_delay_days(self) -> int:
        return self.production.slip_days if self.production else 0


@dataclass
class _Plan:
    """The plan as parallel lists indexed by position (the order the database returned).

    Successors are in compressed form: those of position ``p`` are
    ``successors[successor_start[p]:successor_start[p + 1]]``.
    """

    ids: list[int]
    planned_start: list[int]
    planned_end: list[int]
    first_start: list[int]  # actual start, else planned start
    actual_end: list[int]  # NOT_DONE when unfinished
    successor_start: list[int]
    successors: list[int]
    indegree: list[int]


def _ints(text: str | None) -> list[int]:
    return list(map(int, text.split(","))) if text else []


def _plan_columns_postgresql():
    """Two queries; every column arrives as one string. Aggregates over one scan see the rows
    in the same order, so the lists line up without sorting."""
    milestones = connection.ops.quote_name(Milestone._meta.db_table)
    dependencies = connection.ops.quote_name(MilestoneDependency._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT string_agg(id::text, ','),
                   string_agg((planned_start - %(epoch)s)::text, ','),
                   string_agg((planned_end - %(epoch)s)::text, ','),
                   string_agg((coalesce(actual_start, planned_start) - %(epoch)s)::text, ','),
                   string_agg(coalesce(actual_end - %(epoch)s, %(not_done)s)::text, ',')
            FROM {milestones}
            """,
            {"epoch": EPOCH, "not_done": NOT_DONE},
        )
        columns = [_ints(text) for text in cursor.fetchone()]
        cursor.execute(
            f"SELECT string_agg(predecessor_id::text, ','), string_agg(successor_id::text, ',')"
            f" FROM {dependencies}"
        )
        predecessor_ids, successor_ids = (_ints(text) for text in cursor.fetchone())
    return columns, predecessor_ids, successor_ids


def _plan_columns():
    """The same columns through the ORM, for databases without string_agg (embedded SQLite)."""

    def day(value: date | None) -> int:
        return (value - EPOCH).days if value else NOT_DONE

    rows = Milestone.objects.order_by().values_list(
        "id", "planned_start", "planned_end", "actual_start", "actual_end"
    )
    columns: list[list[int]] = [[], [], [], [], []]
    for pk, start, end, actual_start, actual_end in rows.iterator(chunk_size=5000):
        for column, value in zip(
            columns,
            (pk, day(start), day(end), day(actual_start or start), day(actual_end)),
            strict=True,
        ):
            column.append(value)
    pairs = list(
        MilestoneDependency.objects.order_by().values_list("predecessor_id", "successor_id")
    )
    return columns, [p for p, _ in pairs], [s for _, s in pairs]


def _load_plan() -> _Plan:
    columns, predecessor_ids, successor_ids = (
        _plan_columns_postgresql() if connection.vendor == "postgresql" else _plan_columns()
    )
    ids = columns[0]
    position = {pk: index for index, pk in enumerate(ids)}.__getitem__
    predecessors = list(map(position, predecessor_ids))
    successors_of = list(map(position, successor_ids))
    count = len(ids)
    indegree = [0] * count
    for node, degree in Counter(successors_of).items():
        indegree[node] = degree
    outdegree = [0] * count
    for node, degree in Counter(predecessors).items():
        outdegree[node] = degree
    successor_start = [0, *accumulate(outdegree)]
    fill = successor_start[:-1]
    successors = [0] * len(successors_of)
    for pred, succ in zip(predecessors, successors_of, strict=True):
        successors[fill[pred]] = succ
        fill[pred] += 1
    return _Plan(ids, *columns[1:], successor_start, successors, indegree)


def _forecast(plan: _Plan, today: int) -> tuple[list[int], list[int], list[int], list[int]]:
    """Start, end, driver and cause (positions; NONE) of every milestone.

    Kahn's algorithm: a milestone is forecast once all its predecessors are, and then offers
    its end to its successors, which keep the latest one (ties: the higher id) as driver.
    Milestones on a cycle (refused by add_dependency) keep their own dates.
    """
    planned_start, planned_end = plan.planned_start, plan.planned_end
    first_start, actual_end = plan.first_start, plan.actual_end
    successor_start, successors, indegree = plan.successor_start, plan.successors, plan.indegree[:]
    ids = plan.ids
    start = first_start[:]
    end = [a if a != NOT_DONE else p for a, p in zip(actual_end, planned_end, strict=True)]
    driver = [NONE] * len(end)
    driver_end = [NOT_DONE] * len(end)
    cause = [NONE] * len(end)
    order = [node for node, count in enumerate(indegree) if count == 0]
    for node in order:  # grows while it is walked
        if actual_end[node] == NOT_DONE:
            node_start, pushed, lead = first_start[node], False, driver[node]
            if lead != NONE and node_start == planned_start[node]:
                earliest = end[lead] + 1
                if earliest > node_start:
                    node_start, pushed = earliest, True
            node_end = node_start + planned_end[node] - planned_start[node]
            past_due = planned_end[node] < today
            if past_due and node_end < today:
                node_end = today
            start[node], end[node] = node_start, node_end
            if node_end > planned_end[node]:  # late: see forecast_late_ids
                origin = cause[lead] if pushed else NONE
                cause[node] = origin if origin != NONE else node
        node_end = end[node]
        for succ in successors[successor_start[node] : successor_start[node + 1]]:
            if node_end > driver_end[succ] or (
                node_end == driver_end[succ] and ids[node] > ids[driver[succ]]
            ):
                driver_end[succ], driver[succ] = node_end, node
            indegree[succ] -= 1
            if indegree[succ] == 0:
                order.append(succ)
    return start, end, driver, cause


def compute_critical_path(*, today: date | None = None, visible_ids=None) -> CriticalPath:
    """Forecast the plan and explain delays; ``visible_ids`` limits what is reported back."""
    today = today or timezone.localdate()
    today_number = (today - EPOCH).days
    plan = _load_plan()
    start, end, driver, cause = _forecast(plan, today_number)
    ids = plan.ids
    position = {pk: index for index, pk in enumerate(ids)}

    production_id = _production_id()
    production = position.get(production_id, NONE)
    chain, node, seen = [], production, set()
    while node != NONE and node not in seen:
        chain.append(node)
        seen.add(node)
        node = driver[node]
    chain.reverse()

    visible = None if visible_ids is None else set(visible_ids)
    groups: dict[int, list[int]] = {}
    for node, origin in enumerate(cause):
        if origin in (NONE, node):
            continue
        if visible is not None and ids[origin] not in visible:
            continue
        delayed = groups.setdefault(origin, [])
        if visible is None or ids[node] in visible:
            delayed.append(node)

    reported = set(chain) | set(groups)
    for delayed in groups.values():
        reported.update(delayed)
    forecasts = _materialise(plan, reported, start, end, driver, cause, today_number)
    impacts = [
        LateImpact(
            late=forecasts[ids[origin]],
            delayed=sorted(
                (forecasts[ids[node]] for node in delayed),
                key=lambda f: (f.planned_start, f.id),
            ),
            delays_production=production != NONE and cause[production] == origin,
        )
        for origin, delayed in groups.items()
    ]
    impacts.sort(key=lambda i: (not i.delays_production, -len(i.delayed), i.late.id))
    path = [forecasts[ids[node]] for node in chain]
    if visible is not None:
        path = [f for f in path if f.id in visible]
    return CriticalPath(
        production=forecasts.get(production_id) if production != NONE else None,
        path=path,
        impacts=impacts,
        forecasts=forecasts,
    )


def _labels(ids: list[int]):
    """(id, (code, name)) of the given milestones."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Milestone._meta.db_table)
        with connection.cursor() as cursor:
            # One array parameter, not thousands of IN placeholders.
            cursor.execute(f"SELECT id, code, name FROM {table} WHERE id = ANY(%s)", [ids])
            return [(pk, (code, name)) for pk, code, name in cursor.fetchall()]
    rows = []
    for offset in range(0, len(ids), 900):  # within SQLite's limit on query parameters
        chunk = Milestone.objects.filter(pk__in=ids[offset : offset + 900])
        rows += [(pk, (code, name)) for pk, code, name in chunk.values_list("id", "code", "name")]
    return rows


def _materialise(plan: _Plan, nodes, start, end, driver, cause, today: int) -> dict:
    """Forecast objects, with labels read in one query, for the positions in ``nodes``."""
    ids = plan.ids
    labels = dict.fromkeys((ids[node] for node in nodes), ("", ""))
    if labels:
        labels.update(_labels(list(labels)))
    epoch = EPOCH.toordinal()
    day = date.fromordinal
    forecasts = {}
    for node in nodes:
        pk = ids[node]
        code, name = labels[pk]
        done = plan.actual_end[node] != NOT_DONE
        forecasts[pk] = Forecast(
            id=pk,
            code=code,
            name=name,
            planned_start=day(epoch + plan.planned_start[node]),
            planned_end=day(epoch + plan.planned_end[node]),
            start=day(epoch + start[node]),
            end=day(epoch + end[node]),
            done=done,
            late=not done and end[node] > plan.planned_end[node],
            driver=ids[driver[node]] if driver[node] != NONE else None,
            cause=ids[cause[node]] if cause[node] != NONE else None,
        )
    return forecasts


@dataclass(frozen=True, slots=True)
class ForecastShift:
    """How a milestone's forecast dates change when another milestone's plan changes."""

    id: int
    code: str
    name: str
    start_before: date
    end_before: date
    start_after: date
    end_after: date

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}".strip()

    @property
    def start_days(self) -> int:
        return (self.start_after - self.start_before).days

    @property
    def end_days(self) -> int:
        return (self.end_after - self.end_before).days


@dataclass
class KnockOn:
    """The effect of new planned dates for one milestone on the forecast after it."""

    own: ForecastShift  # the milestone itself: its forecast may differ from its planned dates
    moved: list[ForecastShift]  # later milestones whose forecast start or end changes
    unchanged: int  # later milestones (directly or not) whose forecast stays as it is


def knock_on(
    *,
    milestone: Milestone,
    planned_start: date,
    planned_end: date,
    today: date | None = None,
    visible_ids=None,
) -> KnockOn:
    """What moving ``milestone`` to new planned dates would do to the milestones after it.

    The plan is forecast twice by the one forecast the critical path uses (``_forecast``):
    as stored, and with the new dates; the milestones whose forecast changes are the
    knock-on. Nothing is written. ``visible_ids`` limits what is reported back.
    """
    today_number = ((today or timezone.localdate()) - EPOCH).days
    plan = _load_plan()
    node = plan.ids.index(milestone.pk)
    start_before, end_before, _driver, _cause = _forecast(plan, today_number)
    moved_plan = replace(
        plan,
        planned_start=plan.planned_start[:],
        planned_end=plan.planned_end[:],
        first_start=plan.first_start[:],
    )
    moved_plan.planned_start[node] = (planned_start - EPOCH).days
    moved_plan.planned_end[node] = (planned_end - EPOCH).days
    if milestone.actual_start is None:
        moved_plan.first_start[node] = moved_plan.planned_start[node]
    start_after, end_after, _driver, _cause = _forecast(moved_plan, today_number)
    later = _downstream(plan, node)
    changed = [
        other
        for other in later
        if (start_before[other], end_before[other]) != (start_after[other], end_after[other])
    ]
    unchanged = len(later) - len(changed)
    if visible_ids is not None:
        visible = set(visible_ids)
        changed = [other for other in changed if plan.ids[other] in visible]
    labels = dict(_labels([plan.ids[other] for other in [node, *changed]]))
    day = EPOCH.toordinal()

    def shift(position: int) -> ForecastShift:
        pk = plan.ids[position]
        code, name = labels.get(pk, ("", ""))
        return ForecastShift(
            id=pk,
            code=code,
            name=name,
            start_before=date.fromordinal(day + start_before[position]),
            end_before=date.fromordinal(day + end_before[position]),
            start_after=date.fromordinal(day + start_after[position]),
            end_after=date.fromordinal(day + end_after[position]),
        )

    moved = sorted((shift(other) for other in changed), key=lambda s: (s.start_after, s.id))
    return KnockOn(own=shift(node), moved=moved, unchanged=unchanged)


def _downstream(plan: _Plan, node: int) -> list[int]:
    """Positions of every milestone after ``node``, directly or through others."""
    seen, stack = {node}, [node]
    while stack:
        current = stack.pop()
        first, last = plan.successor_start[current], plan.successor_start[current + 1]
        for succ in plan.successors[first:last]:
            if succ not in seen:
                seen.add(succ)
                stack.append(succ)
    seen.discard(node)
    return sorted(seen)


def forecast_late_ids(*, today: date | None = None, fingerprint: str | None = None) -> frozenset:
    """The one definition of a late milestone: not done and forecast to end after its planned
    end, whether because its planned end has passed (the forecast moves it to today) or because
    its predecessors' forecast pushes it past that end.

    So the dashboard's late count and its production forecast always agree: production forecast
    late is itself a late milestone. Cached, like the summary, until the plan changes.
    """
    today = today or timezone.localdate()
    key = "timeline:forecast-late:" + (fingerprint or plan_fingerprint(today=today))
    late = cache.get(key)
    if late is None:
        plan = _load_plan()
        _start, end, _driver, _cause = _forecast(plan, (today - EPOCH).days)
        late = frozenset(
            pk
            for pk, actual_end, planned_end, forecast_end in zip(
                plan.ids, plan.actual_end, plan.planned_end, end, strict=True
            )
            if actual_end == NOT_DONE and forecast_end > planned_end
        )
        cache.set(key, late, timeout=24 * 60 * 60)
    return late


def _production_id() -> int | None:
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
    return production_id


@dataclass(frozen=True)
class CriticalPathSummary:
    """What the dashboard shows of the critical path; small enough to cache."""

    production_label: str
    production_planned_end: date | None
    production_forecast_end: date | None
    production_delay_days: int
    top_causes: tuple[tuple[int, str, int, bool], ...]  # (id, label, delayed count, production)


def plan_fingerprint(*, today: date) -> str:
    """A digest of the plan's state on ``today``: it changes with any milestone edit (services
    touch a successor when its dependencies change), any added or removed milestone or
    dependency, and at midnight. Two small aggregate queries."""
    state = Milestone.objects.aggregate(last=Max("updated_at"), count=Count("pk"))
    links = MilestoneDependency.objects.aggregate(count=Count("pk"), last=Max("pk"))
    parts = (today, state["last"], state["count"], links["count"], links["last"])
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()


def critical_path_summary(
    *, today: date | None = None, fingerprint: str | None = None
) -> CriticalPathSummary:
    """The statewide critical path, summarised and cached until the plan changes.

    The cache key is :func:`plan_fingerprint` (pass it when already known), so any edit or a
    new day computes it afresh.
    """
    today = today or timezone.localdate()
    key = "timeline:critical-path:" + (fingerprint or plan_fingerprint(today=today))
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
