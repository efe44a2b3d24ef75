from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from rolloutplanner.emails import absolute_url
from usecases.models import Notification, PlanningDocument


def notify(*, users: Iterable, document: PlanningDocument | None, message: str) -> int:
    """Create an in-app notification per user and e-mail those with an address after commit.

    Returns the number of notifications created. Duplicate users are notified once.
    """
    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    Notification.objects.bulk_create(
        Notification(recipient=user, document=document, message=message)
        for user in recipients.values()
    )
    addresses = sorted({user.email for user in recipients.values() if user.email})
    if addresses:
        subject = f"[Rollout Planner] {message}"[:200]
        link = absolute_url(document or "/")
        body = f"{message}\n\nOpen it in Rollout Planner: {link}\n"
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)
        )
    return len(recipients)


@transaction.atomic
def mark_read(*, notification: Notification) -> Notification:
    from django.utils import timezone

    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
