"""Querysets of the planning documents. Every one restricts through ``restrict(user, action)``."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from rolloutplanner.permissions import RestrictedQuerySet
from rolloutplanner.roles import role_of


class PlanningQuerySet(RestrictedQuerySet):
    """Shared planning rows: everybody reads, the SEA team edits (see SHARED_PLANNING)."""


class StakeholderQuerySet(PlanningQuerySet):
    def with_review_counts(self):
        return self.annotate(review_count=Count("reviews", distinct=True))


class DataSystemQuerySet(PlanningQuerySet):
    def with_vendor(self):
        return self.select_related("vendor")


class DataFlowQuerySet(PlanningQuerySet):
    def with_systems(self):
        return self.select_related("source", "target")


class DocumentQuerySet(PlanningQuerySet):
    def use_cases(self):
        return self.filter(kind="use_case")

    def scope_documents(self):
        return self.filter(kind="scope")

    def with_open_comments(self):
        return self.annotate(
            open_comments=Count(
                "sections__comments", filter=Q(sections__comments__resolution="open")
            )
        )


class DocumentPartQuerySet(PlanningQuerySet):
    pass


class SectionCommentQuerySet(PlanningQuerySet):
    def open(self):
        return self.filter(resolution="open")


class ApprovalQuerySet(PlanningQuerySet):
    pass


class CommunicationItemQuerySet(PlanningQuerySet):
    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(active=True, next_date__lt=today)


class ChecklistTaskQuerySet(PlanningQuerySet):
    pass


class AssessmentRoundQuerySet(PlanningQuerySet):
    pass


class NotificationQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = "view"):
        """Each user sees, and marks read, only their own notifications."""
        if role_of(user) is None or not user.is_active:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)
