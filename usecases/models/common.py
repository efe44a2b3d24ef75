"""Shared choices and the permission policy of planning documents."""

from django.db import models

from rolloutplanner.permissions import ObjectPolicy

# Planning documents are read by every signed-in role; only the SEA team (and administrators)
# edit them. Leadership approves through services, LEA coordinators and vendor contacts comment
# through services when named reviewers: none of those is an object-level "change".
SHARED_PLANNING = ObjectPolicy(shared=True)


class Level(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
