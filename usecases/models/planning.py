from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from usecases.models.common import SHARED_PLANNING
from usecases.querysets import (
    ChecklistTaskQuerySet,
    CommunicationItemQuerySet,
    PlanningQuerySet,
)


class DecisionCategory(models.TextChoices):
    PRE_PLANNING = "pre_planning", "Pre-planning decision"
    ARCHITECTURE = "architecture", "Architecture choice (step 2.3)"
    OTHER = "other", "Other decision"


class DecisionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DECIDED = "decided", "Decided"
    REVISITED = "revisited", "Being revisited"


class Decision(models.Model):
    """An entry of the decision log."""

    permission_policy = SHARED_PLANNING

    category = models.CharField(max_length=16, choices=DecisionCategory.choices)
    title = models.CharField(max_length=200)
    question = models.TextField(blank=True)
    options_considered = models.TextField(blank=True)
    decision = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    decided_by = models.CharField(max_length=200, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )

    history = HistoricalRecords()
    objects = PlanningQuerySet.as_manager()

    class Meta:
        ordering = ["category", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("usecases:decision-detail", args=[self.pk])

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.status == DecisionStatus.DECIDED and not (self.decision and self.decided_on):
            raise ValidationError("A decided entry records the decision and its date.")


class CommunicationItem(models.Model):
    """A line of the communication plan."""

    permission_policy = SHARED_PLANNING

    audience = models.CharField(max_length=200)
    message = models.TextField()
    channel = models.CharField(max_length=100)
    frequency = models.CharField(max_length=100, blank=True)
    owner = models.CharField(max_length=200)
    next_date = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)

    history = HistoricalRecords()
    objects = CommunicationItemQuerySet.as_manager()

    class Meta:
        ordering = ["next_date", "audience"]
        verbose_name = "communication"

    def __str__(self) -> str:
        return f"{self.audience}: {self.message[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("usecases:communicationitem-detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return bool(self.active and self.next_date and self.next_date < timezone.localdate())


class CommunicationLog(models.Model):
    """A communication that was sent."""

    permission_policy = SHARED_PLANNING

    item = models.ForeignKey(CommunicationItem, on_delete=models.CASCADE, related_name="log")
    sent_on = models.DateField(default=timezone.localdate)
    summary = models.TextField(blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()
    objects = PlanningQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_on", "-pk"]
        verbose_name = "communication sent"
        verbose_name_plural = "communications sent"

    def __str__(self) -> str:
        return f"{self.item.audience} on {self.sent_on}"

    def get_absolute_url(self) -> str:
        return self.item.get_absolute_url()


class ChecklistLevel(models.TextChoices):
    STEP = "step", "Step"
    TASK = "task", "Task"
    ACTIVITY = "activity", "Activity"


class ChecklistStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class ChecklistTask(models.Model):
    """The project's task checklist: toolkit steps → tasks → activities."""

    permission_policy = SHARED_PLANNING

    number = models.CharField(max_length=12, unique=True)
    level = models.CharField(max_length=10, choices=ChecklistLevel.choices)
    title = models.CharField(max_length=300)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    guidance = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=ChecklistStatus.choices, default=ChecklistStatus.NOT_STARTED
    )
    position = models.PositiveIntegerField(default=0)
    # A person's word that the task is done, beside the evidence judged on read
    # (usecases.checklist_evidence): set only by usecases.services.checklist.
    done_note = models.TextField("note on marking done", blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    done_on = models.DateField("marked done on", null=True, blank=True, editable=False)

    history = HistoricalRecords()
    objects = ChecklistTaskQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        verbose_name = "checklist task"

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("usecases:checklisttask-detail", args=[self.pk])
