from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from rolloutplanner.permissions import CHANGE, user_can
from usecases.models import CommunicationItem, CommunicationLog


@transaction.atomic
def record_sent(
    *, item: CommunicationItem, user, sent_on: datetime.date, summary: str = ""
) -> CommunicationLog:
    """Log a communication as sent; a one-off item (no frequency) then has no next date."""
    if not user_can(user, item, CHANGE):
        raise PermissionDenied("Only the SEA project team records communications.")
    entry = CommunicationLog.objects.create(
        item=item, sent_on=sent_on, summary=summary, sent_by=user
    )
    if item.next_date and item.next_date <= sent_on and not item.frequency:
        item.next_date = None
        item.save(update_fields=["next_date"])
    return entry
