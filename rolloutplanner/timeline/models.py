"""The living timeline: phases, milestones (and template steps), dependencies, baselines,
change notices and private calendar-feed tokens.

The models belong to the ``timeline`` app; they were created under the ``rolloutplanner``
app, so each keeps its table name (``db_table``, and ``table_name`` of its history) and no
data moved when the timeline became an app of its own.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from rolloutplanner.permissions import ObjectPolicy
from rolloutplanner.timeline.querysets import (
    BaselineEntryQuerySet,
    BaselineQuerySet,
    ChangeNoticeQuerySet,
    MilestoneDependencyQuerySet,
    MilestoneQuerySet,
    PhaseQuerySet,
    WaveQuerySet,
)


class Phase(models.Model):
    """One of the five rollout phases (pre-planning … production)."""

    permission_policy = ObjectPolicy(shared=True)

    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    history = HistoricalRecords(table_name="rolloutplanner_historicalphase")
    objects = PhaseQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        db_table = "rolloutplanner_phase"

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("rolloutplanner:phase-detail", args=[self.pk])


class Wave(models.Model):
    """A group of LEAs that go through pilot, parallel or production together."""

    permission_policy = ObjectPolicy(shared=True)

    name = models.CharField(max_length=100, unique=True)
    leas = models.ManyToManyField("leas.LEA", blank=True, related_name="waves", verbose_name="LEAs")
    description = models.TextField(blank=True)

    history = HistoricalRecords(table_name="rolloutplanner_historicalwave")
    objects = WaveQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        db_table = "rolloutplanner_wave"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("rolloutplanner:wave-detail", args=[self.pk])


class Scope(models.TextChoices):
    STATEWIDE = "statewide", "Statewide"
    WAVE = "wave", "Wave of LEAs"
    LEA = "lea", "One LEA"
    VENDOR = "vendor", "One vendor"


class MilestoneKind(models.TextChoices):
    STEP = "step", "Step"
    MILESTONE = "milestone", "Milestone"


class Status(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    LATE = "late", "Late"
    DONE = "done", "Done"


# Shown next to every status so nobody has to guess how it was derived.
STATUS_RULE = {
    Status.DONE: "Done: an actual end date is recorded.",
    Status.LATE: (
        "Late: not done and forecast to end after its planned end date, because that date has "
        "passed or because the milestones it waits for are forecast to end too late."
    ),
    Status.AT_RISK: (
        "At risk: not done, and either the planned start has passed without an actual start, "
        "or a predecessor is late or is planned to finish after this one starts."
    ),
    Status.ON_TRACK: "On track: none of the above.",
}


class Milestone(models.Model):
    """A step of the rollout template or a milestone, statewide or for a wave, LEA or vendor.

    Planned dates are the current plan (baselines keep earlier ones); actual dates record
    what happened. Status is derived, never stored: see :data:`STATUS_RULE`.
    """

    # LEA coordinators and vendor contacts view their own milestones; statewide milestones are
    # added for everybody by MilestoneQuerySet.restrict. Only the SEA team edits.
    permission_policy = ObjectPolicy(lea_path=("lea", "wave__leas"), vendor_path="vendor")

    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="milestones")
    code = models.CharField(max_length=20, blank=True, help_text="Template step code, e.g. 2.1a.")
    name = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=10, choices=MilestoneKind.choices, default=MilestoneKind.MILESTONE
    )
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.STATEWIDE)
    wave = models.ForeignKey(
        Wave, null=True, blank=True, on_delete=models.CASCADE, related_name="milestones"
    )
    lea = models.ForeignKey(
        "leas.LEA",
        verbose_name="LEA",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    vendor = models.ForeignKey(
        "vendors.Vendor", null=True, blank=True, on_delete=models.CASCADE, related_name="milestones"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_milestones",
    )
    planned_start = models.DateField()
    planned_end = models.DateField()
    actual_start = models.DateField(null=True, blank=True)
    actual_end = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    predecessors = models.ManyToManyField(
        "self",
        symmetrical=False,
        through="MilestoneDependency",
        through_fields=("successor", "predecessor"),
        related_name="successors",
        blank=True,
    )
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    history = HistoricalRecords(
        table_name="rolloutplanner_historicalmilestone", excluded_fields=["updated_at"]
    )
    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["planned_start", "phase__number", "code", "pk"]
        db_table = "rolloutplanner_milestone"
        indexes = [
            models.Index(fields=["phase", "planned_start"]),
            models.Index(fields=["lea", "planned_start"]),
            models.Index(fields=["vendor", "planned_start"]),
            models.Index(fields=["scope", "planned_start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")),
                name="milestone_planned_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    def save(self, *args, **kwargs):
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("rolloutplanner:milestone-detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = "The planned end cannot be before the planned start."
        if self.actual_start and self.actual_end and self.actual_end < self.actual_start:
            errors["actual_end"] = "The actual end cannot be before the actual start."
        owners = {
            Scope.WAVE: ("wave", self.wave_id),
            Scope.LEA: ("lea", self.lea_id),
            Scope.VENDOR: ("vendor", self.vendor_id),
        }
        for scope, (field, value) in owners.items():
            if self.scope == scope and not value:
                errors[field] = f"Choose the {field} this milestone is for."
            if self.scope != scope and value:
                errors[field] = f"Only a milestone scoped to {field} names a {field}."
        if errors:
            raise ValidationError(errors)

    @property
    def is_done(self) -> bool:
        return self.actual_end is not None

    @property
    def status_label(self) -> str:
        status = getattr(self, "status", None)
        return Status(status).label if status else ""

    @property
    def status_rule(self) -> str:
        status = getattr(self, "status", None)
        return STATUS_RULE[Status(status)] if status else ""


class MilestoneDependency(models.Model):
    """Finish-to-start: ``successor`` cannot start before ``predecessor`` finishes."""

    permission_policy = ObjectPolicy(
        lea_path=("successor__lea", "successor__wave__leas"), vendor_path="successor__vendor"
    )

    predecessor = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="successor_links"
    )
    successor = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="predecessor_links"
    )

    history = HistoricalRecords(table_name="rolloutplanner_historicalmilestonedependency")
    objects = MilestoneDependencyQuerySet.as_manager()

    class Meta:
        db_table = "rolloutplanner_milestonedependency"
        verbose_name = "milestone dependency"
        verbose_name_plural = "milestone dependencies"
        ordering = ["successor_id", "predecessor_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="unique_milestone_dependency"
            ),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")),
                name="milestone_dependency_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"

    def get_absolute_url(self) -> str:
        return self.successor.get_absolute_url()


class Baseline(models.Model):
    """A saved copy of every milestone's planned dates, to measure slippage against."""

    permission_policy = ObjectPolicy(shared=True)

    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(table_name="rolloutplanner_historicalbaseline")
    objects = BaselineQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        db_table = "rolloutplanner_baseline"

    def __str__(self) -> str:
        return f"{self.name} ({self.created_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("rolloutplanner:baseline-detail", args=[self.pk])


class BaselineEntry(models.Model):
    """One milestone's planned dates as they were when the baseline was saved.

    Written in bulk and never edited, so it keeps no history of its own; it is read only
    through milestones the user may view.
    """

    permission_policy = ObjectPolicy(
        lea_path=("milestone__lea", "milestone__wave__leas"), vendor_path="milestone__vendor"
    )

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="entries")
    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="baseline_entries"
    )
    planned_start = models.DateField()
    planned_end = models.DateField()

    objects = BaselineEntryQuerySet.as_manager()

    class Meta:
        db_table = "rolloutplanner_baselineentry"
        constraints = [
            models.UniqueConstraint(
                fields=["baseline", "milestone"], name="unique_baseline_milestone"
            )
        ]

    def __str__(self) -> str:
        return f"{self.milestone_id} in baseline {self.baseline_id}"

    def get_absolute_url(self) -> str:
        return self.milestone.get_absolute_url()

    @property
    def slip_days(self) -> int:
        return (self.milestone.planned_end - self.planned_end).days


class ChangeNotice(models.Model):
    """A date change an LEA or vendor depends on, listed for them and e-mailed in a daily batch.

    A notice with neither LEA nor vendor concerns everybody (a statewide milestone moved).
    """

    permission_policy = ObjectPolicy(lea_path="lea", vendor_path="vendor")

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="notices")
    lea = models.ForeignKey(
        "leas.LEA",
        verbose_name="LEA",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="change_notices",
    )
    vendor = models.ForeignKey(
        "vendors.Vendor",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="change_notices",
    )
    old_start = models.DateField()
    old_end = models.DateField()
    new_start = models.DateField()
    new_end = models.DateField()
    reason = models.CharField(max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    emailed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    history = HistoricalRecords(table_name="rolloutplanner_historicalchangenotice")
    objects = ChangeNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        db_table = "rolloutplanner_changenotice"

    def __str__(self) -> str:
        return f"{self.milestone}: {self.old_end:%Y-%m-%d} → {self.new_end:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("rolloutplanner:changenotice-detail", args=[self.pk])

    @property
    def days_moved(self) -> int:
        return (self.new_end - self.old_end).days


class CalendarFeedToken(models.Model):
    """A private, revocable calendar-feed URL key. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_tokens"
    )
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        db_table = "rolloutplanner_calendarfeedtoken"

    def __str__(self) -> str:
        return f"Calendar feed key {self.prefix}…"

    @staticmethod
    def digest_of(key: str) -> str:
        # 256-bit random keys: a fast unsalted hash cannot be brute-forced.
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
