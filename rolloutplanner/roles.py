"""The roles a user can hold and what each may do, independent of any one model."""

from django.db import models


class Role(models.TextChoices):
    SEA_TEAM = "sea_team", "SEA project team"
    LEADERSHIP = "leadership", "Leadership"
    LEA_COORDINATOR = "lea_coordinator", "LEA coordinator"
    VENDOR_CONTACT = "vendor_contact", "Vendor contact"
    ADMINISTRATOR = "administrator", "Administrator"


# Actions a restricted queryset understands. "add" is checked on an unsaved instance.
VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ACTIONS = (VIEW, ADD, CHANGE, DELETE)

# Roles that see and change every object in the planner.
UNRESTRICTED_ROLES = frozenset({Role.SEA_TEAM, Role.ADMINISTRATOR})

# Roles that read and change nothing: no add, change or delete, and no POST action either,
# except the workflow steps that are theirs (a view declares those by name).
READ_ONLY_ROLES = frozenset({Role.LEADERSHIP})


def role_of(user) -> str | None:
    """The user's role, or None for an anonymous user or one without a profile."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.ADMINISTRATOR
    profile = getattr(user, "profile", None)
    return profile.role if profile else None


def role_label(user) -> str:
    role = role_of(user)
    return Role(role).label if role else "No role"
