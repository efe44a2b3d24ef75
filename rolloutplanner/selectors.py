"""Reads for the home page: what each role sees first, of the platform's own records.

What the domain apps contribute (tiles, the tables of what the user may see, the one
organisation a scoped user's home is about) they register in ``<app>/dashboard_panels.py``
(:mod:`rolloutplanner.home`).
"""

from __future__ import annotations

from rolloutplanner.models import Job
from rolloutplanner.roles import role_of


def home_summary(user) -> dict:
    """The user's role and their recent jobs; never more than their scope."""
    return {
        "role": role_of(user),
        "recent_jobs": list(Job.objects.restrict(user).select_related("created_by")[:5]),
    }
