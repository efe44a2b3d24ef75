"""The timeline's tiles on each role's home: current phase, milestones due, what is late and
what it delays, date changes and the calendar feed."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from rolloutplanner.home import (
    LEA_HOME,
    SEA_HOME,
    VENDOR_HOME,
    Tile,
    TileEntry,
    counted,
    home_tile,
)
from rolloutplanner.timeline.critical_path import critical_path_summary

# Importing the dashboard module also registers the timeline's dashboard panels.
from rolloutplanner.timeline.dashboard import current_plan_fingerprint
from rolloutplanner.timeline.filtersets import ChangeNoticeFilterSet, MilestoneFilterSet
from rolloutplanner.timeline.models import ChangeNotice, Milestone, Phase, Status

DUE_WITHIN_DAYS = 30
CHANGES_WITHIN_DAYS = 30
LISTED = 5


@home_tile("current-phase", order=10, roles=SEA_HOME)
def current_phase(user) -> Tile | None:
    """The first phase (by number) with a milestone not done, and how far it has come."""
    milestones = Milestone.objects.restrict(user)
    per_phase = {
        row["phase_id"]: row
        for row in milestones.order_by()
        .values("phase_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(actual_end__isnull=False)))
    }
    phases = [p for p in Phase.objects.restrict(user).order_by("number") if p.pk in per_phase]
    if not phases:
        return None
    phase = next((p for p in phases if per_phase[p.pk]["done"] < per_phase[p.pk]["total"]), None)
    if phase is None:
        return Tile(key="current-phase", title="Rollout phases", summary="Every phase is done.")
    row = per_phase[phase.pk]
    share = round(100 * row["done"] / row["total"])
    return Tile(
        key="current-phase",
        title=f"Current phase: {phase.number}. {phase.name}",
        summary=f"{row['done']} of {row['total']} milestones done ({share}%).",
        counts=(
            counted(
                "Milestones in this phase",
                "rolloutplanner:milestone-list",
                MilestoneFilterSet,
                milestones,
                user=user,
                phase=phase.pk,
            ),
            counted(
                "Not done yet",
                "rolloutplanner:milestone-list",
                MilestoneFilterSet,
                milestones,
                user=user,
                phase=phase.pk,
                open="true",
            ),
        ),
        more_url=reverse("rolloutplanner:timeline-gantt"),
        more_label="Open the Gantt chart",
    )


@home_tile("milestones-due", order=20, roles=SEA_HOME | LEA_HOME | VENDOR_HOME)
def milestones_due(user) -> Tile:
    """Milestones not done whose planned end falls in the next 30 days."""
    today = timezone.localdate()
    params = {
        "open": "true",
        "starts_after": today.isoformat(),
        "due_before": (today + timedelta(days=DUE_WITHIN_DAYS)).isoformat(),
    }
    until = today + timedelta(days=DUE_WITHIN_DAYS)
    milestones = Milestone.objects.restrict(user)
    count = counted(
        f"Due in the next {DUE_WITHIN_DAYS} days",
        "rolloutplanner:milestone-list",
        MilestoneFilterSet,
        milestones,
        user=user,
        **params,
    )
    soonest = (
        milestones.filter(
            actual_end__isnull=True,
            planned_end__gte=today,
            planned_end__lte=today + timedelta(days=DUE_WITHIN_DAYS),
        )
        .select_related("lea", "vendor", "wave")
        .order_by("planned_end", "pk")[:LISTED]
    )
    return Tile(
        key="milestones-due",
        title="Next steps and milestones due",
        summary=f"Milestones not done that end by {until:%Y-%m-%d}.",
        counts=(count,),
        entries=tuple(
            TileEntry(label=str(m), url=m.get_absolute_url(), note=f"ends {m.planned_end:%Y-%m-%d}")
            for m in soonest
        ),
    )


@home_tile("late-at-risk", order=30, roles=SEA_HOME)
def late_and_at_risk(user) -> Tile:
    """Late and at-risk milestones, and the late ones that delay the most later milestones."""
    milestones = Milestone.objects.restrict(user)
    counts = tuple(
        counted(
            status.label,
            "rolloutplanner:milestone-list",
            MilestoneFilterSet,
            milestones,
            user=user,
            status=status.value,
        )
        for status in (Status.LATE, Status.AT_RISK)
    )
    summary = critical_path_summary(fingerprint=current_plan_fingerprint())
    entries = tuple(
        TileEntry(
            label=label,
            url=reverse("rolloutplanner:milestone-detail", args=[pk]),
            note=f"delays {delayed} later milestone{'s' if delayed != 1 else ''}"
            + (", including production" if production else ""),
        )
        for pk, label, delayed, production in summary.top_causes
    )
    forecast = ""
    if summary.production_label and summary.production_forecast_end:
        forecast = (
            f"Production ({summary.production_label}) planned "
            f"{summary.production_planned_end:%Y-%m-%d}, forecast "
            f"{summary.production_forecast_end:%Y-%m-%d}"
            + (
                f", {summary.production_delay_days} days late."
                if summary.production_delay_days
                else "."
            )
        )
    return Tile(
        key="late-at-risk",
        title="Late or at risk, and what it delays",
        summary=forecast or "No production milestone is forecast yet.",
        counts=counts,
        entries=entries,
        more_url=reverse("rolloutplanner:timeline-critical-path"),
        more_label="Open the critical path",
    )


@home_tile("date-changes", order=60, roles=LEA_HOME | VENDOR_HOME)
def date_changes(user) -> Tile:
    """Date changes of the last 30 days that concern the user's organisation."""
    since = timezone.localdate() - timedelta(days=CHANGES_WITHIN_DAYS)
    notices = ChangeNotice.objects.restrict(user)
    count = counted(
        f"Date changes in the last {CHANGES_WITHIN_DAYS} days",
        "rolloutplanner:changenotice-list",
        ChangeNoticeFilterSet,
        notices,
        user=user,
        created_after=since.isoformat(),
    )
    latest = (
        notices.filter(created_at__date__gte=since)
        .select_related("milestone")
        .order_by("-created_at", "-pk")[:LISTED]
    )
    return Tile(
        key="date-changes",
        title="Date changes that concern you",
        summary="Milestones whose planned dates moved, newest first.",
        counts=(count,),
        entries=tuple(
            TileEntry(
                label=str(n.milestone),
                url=n.get_absolute_url(),
                note=f"now ends {n.new_end:%Y-%m-%d} (was {n.old_end:%Y-%m-%d}): {n.reason}",
            )
            for n in latest
        ),
    )


@home_tile("calendar-feed", order=90, roles=LEA_HOME | VENDOR_HOME)
def calendar_feed(user) -> Tile:
    return Tile(
        key="calendar-feed",
        title="Your calendar feed",
        summary=(
            "Subscribe to the milestones that concern you in your calendar program; "
            "the feed follows every date change."
        ),
        more_url=reverse("rolloutplanner:calendar-feeds"),
        more_label="Get your calendar feed address",
    )
