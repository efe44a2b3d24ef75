"""The timeline's part of the demo: the rollout template, dated so the pilot is under way.

Composed with the other apps' parts by the ``seed_demo`` management command.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from rolloutplanner.demo import demo_step
from rolloutplanner.timeline import services as timeline_services
from rolloutplanner.timeline.models import Baseline, Milestone, MilestoneKind, Scope

# The demo plan started this long ago: pre-planning and planning lie behind it (phases 1–2
# done) and the pilot (phase 3) is under way.
TIMELINE_STARTED_WEEKS_AGO = 37
# Started but unfinished although it should have ended: the late step the critical path
# points at (pilot onboarding holds up the pilot data loads and everything after them).
LATE_STEP_CODE = "3.2"


def demo_timeline(today: date | None = None) -> int:
    """Load the rollout template, dated so the pilot is under way, once.

    On the run that creates the steps: a baseline of the plan as loaded; in plan order, a step
    whose start has come and whose predecessors are done is started on its planned date and,
    when its planned end is past, finished on it, except one step left late. Later runs change
    nothing, so edits made during a demonstration are kept.
    """
    today = today or timezone.localdate()
    created = timeline_services.load_template(
        start=today - timedelta(weeks=TIMELINE_STARTED_WEEKS_AGO)
    )
    if not created:
        return 0
    if not Baseline.objects.exists():
        timeline_services.save_baseline(name="Plan approved by the steering committee")
    steps = Milestone.objects.filter(
        scope=Scope.STATEWIDE, kind=MilestoneKind.STEP, planned_start__lte=today
    ).order_by("planned_start", "code")
    finished: set[int] = set()
    for step in steps.prefetch_related("predecessor_links"):
        waits_for = {link.predecessor_id for link in step.predecessor_links.all()}
        if not waits_for <= finished:
            continue
        changes = {"actual_start": step.planned_start}
        if step.planned_end < today and step.code != LATE_STEP_CODE:
            changes["actual_end"] = step.planned_end
            finished.add(step.pk)
        timeline_services.update_milestone(
            milestone=step, user=None, changes=changes, reason="Demo progress"
        )
    return created


@demo_step(40)
def demo_timeline_step(world: dict) -> None:
    world["steps_created"] = demo_timeline(world["today"])
