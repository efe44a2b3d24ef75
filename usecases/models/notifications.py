from django.conf import settings
from django.db import models
from django.utils import timezone

from rolloutplanner.permissions import ObjectPolicy
from usecases.querysets import NotificationQuerySet


class Notification(models.Model):
    """An in-app notice to one user (mirrored by e-mail when they have an address)."""

    # Restricted to the recipient by NotificationQuerySet.restrict, whatever the role.
    permission_policy = ObjectPolicy()

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="planning_notifications"
    )
    document = models.ForeignKey(
        "usecases.PlanningDocument", null=True, blank=True, on_delete=models.CASCADE
    )
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.message

    def get_absolute_url(self) -> str:
        return self.document.get_absolute_url() if self.document_id else "/"
