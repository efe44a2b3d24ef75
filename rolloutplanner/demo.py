"""The platform's part of the demo: the demo logins.

Each domain app seeds its own part of the story in ``<app>/demo.py``; the ``seed_demo``
management command composes them (the platform imports no domain app).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

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
