"""The timeline's panels on the leadership dashboard (phase progress, milestone status, the
critical path's causes, slippage against a baseline, recent date changes).

The dashboard and its registry are the platform's (:mod:`rolloutplanner.dashboard`); every
app registers its panels with :func:`~rolloutplanner.dashboard.dashboard_panel`. These are
registered when ``timeline/dashboard_panels.py`` is discovered (it imports this module).
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from rolloutplanner.charts import BarChart, bar_chart

# The timeline's pages import the dashboard's charts from here.
from rolloutplanner.dashboard import dashboard_charts, dashboard_panel, once_per_rendering  # noqa: F401
from rolloutplanner.roles import UNRESTRICTED_ROLES, Role, role_of
from rolloutplanner.timeline.charts import STATUS_PATTERNS
from rolloutplanner.timeline.critical_path import critical_path_summary, plan_fingerprint
from rolloutplanner.timeline.models import Baseline, ChangeNotice, Milestone, Phase, Status

WHOLE_PLAN_ROLES = UNRESTRICTED_ROLES | {Role.LEADERSHIP}


def current_plan_fingerprint() -> str:
    """The plan's fingerprint, read once per dashboard (or home page) rendering."""
    return once_per_rendering(
        "timeline_plan_fingerprint", lambda: plan_fingerprint(today=timezone.localdate())
    )


def cached_for_whole_plan(key: str):
    """Cache what ``build(user)`` returns (a chart, or a panel's counts) until the plan
    changes, for the roles that see the whole plan (they all see the same); scoped roles'
    are computed each time."""

    def decorate(build):
        @wraps(build)
        def cached(user):
            if role_of(user) not in WHOLE_PLAN_ROLES:
                return build(user)
            cache_key = f"timeline:dashboard:{key}:{current_plan_fingerprint()}"
            chart = cache.get(cache_key)
            if chart is None:
                chart = build(user)
                cache.set(cache_key, chart, timeout=24 * 60 * 60)
            return chart

        return cached

    return decorate


def _milestones_url(**params) -> str:
    return f"{reverse('rolloutplanner:milestone-list')}?{urlencode(params)}"


@dashboard_panel("phase-progress", order=10)
def phase_progress(user) -> BarChart:
    counts = _phase_counts(user)
    bars = [
        (
            f"{phase.number}. {phase.name}",
            round(100 * counts[phase.pk][1] / counts[phase.pk][0], 1),
            _milestones_url(phase=phase.pk),
        )
        for phase in Phase.objects.restrict(user).order_by("number")
        if counts.get(phase.pk, (0, 0))[0]
    ]
    summary = "; ".join(f"{label}: {value}% done" for label, value, _ in bars) or "No milestones."
    return bar_chart(
        key="phase-progress",
        title="Phase progress (share of milestones done)",
        summary=summary,
        rows=bars,
        unit="%",
        maximum=100,
        detail_url=reverse("rolloutplanner:phase-list"),
    )


@cached_for_whole_plan("phase-counts")
def _phase_counts(user) -> dict[int, tuple[int, int]]:
    """(milestones, done) per phase id; phase names are read fresh, they are not in the
    plan's fingerprint."""
    rows = (
        Milestone.objects.restrict(user)
        .order_by()
        .values("phase_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(actual_end__isnull=False)))
        .values_list("phase_id", "total", "done")
    )
    return {phase_id: (total, done) for phase_id, total, done in rows}


@dashboard_panel("milestone-status", order=20)
@cached_for_whole_plan("milestone-status")
def milestone_status(user) -> BarChart:
    counts = Milestone.objects.restrict(user).status_counts()
    statuses = (Status.ON_TRACK, Status.AT_RISK, Status.LATE, Status.DONE)
    bars = [
        (status.label, counts.get(status.value, 0), _milestones_url(status=status.value))
        for status in statuses
    ]
    return bar_chart(
        key="milestone-status",
        title="Milestones by status",
        summary="; ".join(f"{label}: {value}" for label, value, _ in bars),
        rows=bars,
        patterns=[STATUS_PATTERNS[status.value] for status in statuses],
        detail_url=_milestones_url(),
    )


@dashboard_panel("critical-path", order=25)
def critical_path_causes(user) -> BarChart | None:
    """Only for roles that see the whole plan: the path runs through every LEA's milestones."""
    if role_of(user) not in WHOLE_PLAN_ROLES:
        return None
    summary = critical_path_summary(fingerprint=current_plan_fingerprint())
    if not summary.production_label:
        return None
    bars = [
        (
            f"{label}{' (delays production)' if production else ''}",
            delayed,
            reverse("rolloutplanner:milestone-detail", args=[pk]),
        )
        for pk, label, delayed, production in summary.top_causes
    ]
    forecast = (
        f"Production ({summary.production_label}) planned "
        f"{summary.production_planned_end:%Y-%m-%d}, forecast "
        f"{summary.production_forecast_end:%Y-%m-%d}"
        + (f", {summary.production_delay_days} days late" if summary.production_delay_days else "")
    )
    listing = "; ".join(f"{label}: delays {value} later milestones" for label, value, _ in bars)
    return bar_chart(
        key="critical-path",
        title="Late milestones that delay the most later ones",
        summary=f"{forecast}. {listing or 'No late milestone delays a later one.'}",
        rows=bars,
        detail_url=reverse("rolloutplanner:timeline-critical-path"),
    )


@dashboard_panel("slippage", order=30)
def slippage(user) -> BarChart | None:
    baseline = Baseline.objects.restrict(user).first()
    if baseline is None:
        return None
    if role_of(user) in WHOLE_PLAN_ROLES:
        cache_key = f"timeline:dashboard:slippage:{baseline.pk}:{current_plan_fingerprint()}"
        chart = cache.get(cache_key)
        if chart is None:
            chart = _slippage_chart(user, baseline)
            cache.set(cache_key, chart, timeout=24 * 60 * 60)
        return chart
    return _slippage_chart(user, baseline)


def _slippage_chart(user, baseline: Baseline) -> BarChart:
    moved = (
        Milestone.objects.restrict(user)
        .filter(baseline_entries__baseline=baseline)
        .aggregate(
            later=Count("pk", filter=Q(planned_end__gt=F("baseline_entries__planned_end"))),
            earlier=Count("pk", filter=Q(planned_end__lt=F("baseline_entries__planned_end"))),
            same=Count("pk", filter=Q(planned_end=F("baseline_entries__planned_end"))),
        )
    )
    bars = [
        ("Later than baseline", moved["later"], ""),
        ("As in baseline", moved["same"], ""),
        ("Earlier than baseline", moved["earlier"], ""),
    ]
    return bar_chart(
        key="slippage",
        title=f"Planned end dates against the baseline “{baseline.name}”",
        summary="; ".join(f"{label}: {value}" for label, value, _ in bars),
        rows=bars,
        detail_url=baseline.get_absolute_url(),
    )


@dashboard_panel("recent-changes", order=60)
def recent_changes(user) -> BarChart:
    since = timezone.now() - timezone.timedelta(days=28)
    weeks = (
        ChangeNotice.objects.restrict(user)
        .filter(created_at__gte=since)
        .values_list("milestone_id", "created_at")
    )
    buckets = [set(), set(), set(), set()]
    now = timezone.now()
    for milestone_id, created_at in weeks:
        buckets[min(3, (now - created_at).days // 7)].add(milestone_id)
    labels = ["This week", "Last week", "2 weeks ago", "3 weeks ago"]
    bars = [(label, len(bucket), "") for label, bucket in zip(labels, buckets, strict=True)]
    return bar_chart(
        key="recent-changes",
        title="Milestones whose dates moved, by week",
        summary="; ".join(f"{label}: {value}" for label, value, _ in bars),
        rows=bars,
        detail_url=reverse("rolloutplanner:changenotice-list"),
    )
