"""The four-eyes rule of every review workflow in the planner.

An approval comes from someone other than the author of the change under review: the user
who submitted it for review (or last changed it while in review). Element mappings,
descriptor mappings and planning documents record that user as ``submitted_by``; their
approve services call :func:`check_approver`, so pages, the API, bulk actions and imports all
obey the same rule. ``REVIEW_ALLOW_SELF_APPROVAL`` relaxes it for a one-person team.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models


def submitted_by_field(*, help_text: str, **options) -> models.ForeignKey:
    """The ``submitted_by`` field a reviewed model records its change's author in."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=help_text,
        **options,
    )


class SelfApprovalRefused(PermissionDenied):
    """An approval by the author of the change under review (a 403 in the API)."""


def is_own_change(*, user, author_id: int | None) -> bool:
    """Whether ``user`` authored the change under review and the rule forbids approving it."""
    if settings.REVIEW_ALLOW_SELF_APPROVAL or author_id is None:
        return False
    return user.pk == author_id


def may_approve(*, user, author_id: int | None) -> bool:
    """Whether the four-eyes rule lets ``user`` approve a change authored by ``author_id``."""
    return not is_own_change(user=user, author_id=author_id)


def check_approver(*, user, author_id: int | None, what: str) -> None:
    """Refuse (SelfApprovalRefused) an approval of ``what`` by the author of the change."""
    if is_own_change(user=user, author_id=author_id):
        raise SelfApprovalRefused(
            f"You submitted {what} for review, so someone else must approve it: "
            "an approval needs a second person."
        )


SELF_APPROVAL_EXPLANATION = (
    "You submitted this for review, so you cannot approve it yourself: "
    "another member of the team must approve it."
)
