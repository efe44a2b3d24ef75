"""Feedback from LEAs and vendors on mapping rows, answered by the SEA team."""

from __future__ import annotations

from django.db import transaction

from mapping.models import ElementMapping, FeedbackStatus, MappingFeedback
from rolloutplanner.permissions import ADD, save_restricted
from rolloutplanner.roles import Role, role_of


def feedback_for(*, user, mapping: ElementMapping, body: str = "") -> MappingFeedback:
    """An unsaved feedback row naming the organisation the user speaks for."""
    role = role_of(user)
    profile = getattr(user, "profile", None)
    lea = vendor = None
    if role == Role.LEA_COORDINATOR and profile is not None:
        lea = profile.leas.order_by("name").first()
    elif role == Role.VENDOR_CONTACT and profile is not None:
        vendor = profile.vendor
    return MappingFeedback(mapping=mapping, author=user, lea=lea, vendor=vendor, body=body)


@transaction.atomic
def leave_feedback(*, mapping: ElementMapping, user, body: str) -> MappingFeedback:
    """Record feedback on a mapping row; refused to roles that may not leave any."""
    feedback = feedback_for(user=user, mapping=mapping, body=body)
    return save_restricted(
        user, ADD, feedback, refusal="You may not leave feedback on the mapping."
    )


@transaction.atomic
def answer_feedback(*, feedback: MappingFeedback, user, answer: str, status: str = "") -> None:
    """The SEA team's answer; an answer closes the feedback unless a status is given."""
    feedback.answer = answer
    feedback.status = status or (FeedbackStatus.ANSWERED if answer else feedback.status)
    feedback.answered_by = user if answer else feedback.answered_by
    feedback.save()
