"""The platform's part of the demo (the demo logins) and the registry of demo steps.

Each app seeds its own part of the story in ``<app>/demo.py`` and registers it with
``@demo_step(order)``; ``seed_demo`` runs the steps in order over one shared ``world`` dict
(what a step leaves there, a later step reads), so the platform imports no domain app.
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils.module_loading import autodiscover_modules

from rolloutplanner.models import UserProfile
from rolloutplanner.roles import Role

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


_STEPS: list[tuple[int, Callable[[dict], None]]] = []


def demo_step(order: int):
    """Register ``step(world)`` to run at ``order`` (lower first) when the demo is seeded."""

    def register(step):
        if step not in [registered for _, registered in _STEPS]:
            _STEPS.append((order, step))
        return step

    return register


def run_demo_steps(world: dict) -> dict:
    """Run every app's registered demo step in order over ``world``; returns it."""
    autodiscover_modules("demo")
    for _, step in sorted(_STEPS, key=lambda registered: registered[0]):
        step(world)
    return world


def has_demo_data() -> bool:
    """Whether the database already holds a state (any LEA), looked up by label."""
    return apps.get_model("leas", "LEA").objects.exists()


@demo_step(30)
def seed_demo_users(world: dict) -> None:
    """The demo logins; the coordinator works for the first LEA, the vendor contact for its
    student information system's vendor."""
    lea = world["first_lea"]
    world["users"] = demo_users(lea=lea, vendor=lea.sis_vendor)


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
