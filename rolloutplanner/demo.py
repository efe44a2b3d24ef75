"""The platform's part of the demo: the demo logins and the rollout timeline under way.

Each domain app seeds its own part of the story in ``<app>/demo.py``; the ``seed_demo``
management command composes them (the platform imports no domain app).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from rolloutplanner.models import UserProfile
from rolloutplanner.roles import Role
from rolloutplanner.timeline import services as timeline_services
from rolloutplanner.timeline.models import Baseline, Milestone, MilestoneKind, Scope

DEMO_PASSWORD = "rollout-demo-2026"  # noqa: S105 - published demo logins, local data only

# (username, first name, last name, role). ``sea2`` is the second SEA team member who
# approves what ``sea`` submits (four eyes, rolloutplanner/review.py).
DEMO_USERS = [
    ("sea", "Sam", "Rivera", Role.SEA_TEAM),
    ("sea2", "Jordan", "Blake", Role.SEA_TEAM),
    ("leader", "Lee", "Okafor", Role.LEADERSHIP),
    ("coordinator", "Casey", "Nguyen", Role.LEA_COORDINATOR),
    ("vendor", "Vic", "Hart", Role.VENDOR_CONTACT),
    ("admin", "Ada", "Stone", Role.ADMINISTRATOR),
]

# The demo plan started this long ago: pre-planning and planning lie behind it (phases 1–2
# done) and the pilot (phase 3) is under way.
TIMELINE_STARTED_WEEKS_AGO = 37
# Started but unfinished although it should have ended: the late step the critical path
# points at (pilot onboarding holds up the pilot data loads and everything after them).
LATE_STEP_CODE = "3.2"


def demo_users(*, lea, vendor) -> dict[str, object]:
    """The demo logins by username; the coordinator works for ``lea``, the vendor contact
    for ``vendor``. Existing users keep their password and profile."""
    return {
        username: _demo_user(username, first, last, role, lea=lea, vendor=vendor)
        for username, first, last, role in DEMO_USERS
    }


def _demo_user(username, first, last, role, *, lea, vendor):
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@example.org",
            "is_staff": role == Role.ADMINISTRATOR,
            "is_superuser": role == Role.ADMINISTRATOR,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    profile, _ = UserProfile.objects.get_or_create(user=user, defaults={"role": role})
    if role == Role.LEA_COORDINATOR and not profile.leas.exists():
        profile.leas.add(lea)
    if role == Role.VENDOR_CONTACT and profile.vendor_id is None:
        profile.vendor = vendor
        profile.save()
    return user


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
