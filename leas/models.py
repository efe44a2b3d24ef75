from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from leas.querysets import (
    CohortQuerySet,
    LEAPersonQuerySet,
    LEAQuerySet,
    ReadinessItemQuerySet,
    SupportQuerySet,
)
from rolloutplanner.permissions import OWNER_EDITS, OWNER_UPDATES, ObjectPolicy


class Capacity(models.TextChoices):
    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"


class Urbanicity(models.TextChoices):
    CITY = "city", "City"
    SUBURB = "suburb", "Suburb"
    TOWN = "town", "Town"
    RURAL = "rural", "Rural"


class PovertyLevel(models.TextChoices):
    LOW = "low", "Low (under 10%)"
    MODERATE = "moderate", "Moderate (10–20%)"
    HIGH = "high", "High (20–30%)"
    VERY_HIGH = "very_high", "Very high (over 30%)"


class LEA(models.Model):
    """A local education agency (school district or charter) taking part in the rollout."""

    # LEA coordinators see their own LEAs; vendor contacts see the LEAs running their products.
    permission_policy = ObjectPolicy(lea_path="pk", vendor_path=("sis_vendor", "source_systems"))

    name = models.CharField(max_length=200)
    state_lea_id = models.CharField("state LEA ID", max_length=20, unique=True)
    nces_id = models.CharField("NCES ID", max_length=7, blank=True)
    enrollment = models.PositiveIntegerField(null=True, blank=True)
    capacity = models.CharField(max_length=10, choices=Capacity.choices, blank=True)
    urbanicity = models.CharField(max_length=10, choices=Urbanicity.choices, blank=True)
    region = models.CharField(max_length=100, blank=True, help_text="Locality within the state.")
    poverty_level = models.CharField(max_length=10, choices=PovertyLevel.choices, blank=True)
    sis_vendor = models.ForeignKey(
        "vendors.Vendor",
        verbose_name="student information system",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sis_leas",
        limit_choices_to={"product_type": "sis"},
    )
    source_systems = models.ManyToManyField(
        "vendors.Vendor",
        verbose_name="other source systems",
        blank=True,
        related_name="source_leas",
        help_text="IEP, HR, finance, assessment and other products the LEA reports from.",
    )

    history = HistoricalRecords(m2m_fields=[source_systems])
    objects = LEAQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "LEA"
        verbose_name_plural = "LEAs"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("leas:lea-detail", args=[self.pk])

    @property
    def readiness_summary(self) -> str:
        """ "3 of 9" when the queryset was annotated by ``with_readiness``."""
        total = getattr(self, "readiness_total", None)
        return "" if total is None else f"{self.readiness_done} of {total}"


class ReportingRole(models.TextChoices):
    DATA_STEWARD = "data_steward", "Data steward / coordinator"
    SIS_ADMIN = "sis_admin", "SIS administrator"
    SPED_DATA = "sped_data", "Special education data lead"
    IT = "it", "IT / technical contact"
    SUPERINTENDENT = "superintendent", "Superintendent / sign-off"
    OTHER = "other", "Other"


# The contacts told of what concerns their LEA (timeline date changes) even without a user
# account: whoever runs its state reporting, loads its SIS data or signs it off.
NOTIFIED_REPORTING_ROLES = frozenset(
    {ReportingRole.DATA_STEWARD, ReportingRole.SIS_ADMIN, ReportingRole.SUPERINTENDENT}
)


class TimePeriod(models.TextChoices):
    WEEK = "week", "per week"
    TERM = "term", "per term"


class LEAPerson(models.Model):
    """Someone at an LEA involved in state reporting; ``left_on`` keeps turnover visible."""

    permission_policy = ObjectPolicy(lea_path="lea", lea_actions=OWNER_EDITS)

    lea = models.ForeignKey(
        LEA, on_delete=models.CASCADE, related_name="people", verbose_name="LEA"
    )
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)
    reporting_role = models.CharField(
        "role in state reporting", max_length=20, choices=ReportingRole.choices
    )
    email = models.EmailField(blank=True)
    state_data_hours = models.DecimalField(
        "hours on state data", max_digits=5, decimal_places=1, null=True, blank=True
    )
    hours_period = models.CharField(
        "hours counted", max_length=4, choices=TimePeriod.choices, default=TimePeriod.WEEK
    )
    training_completed = models.TextField(
        blank=True, help_text="Trainings completed, one per line (name and date)."
    )
    started_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True, help_text="Set when the person leaves.")

    history = HistoricalRecords()
    objects = LEAPersonQuerySet.as_manager()

    class Meta:
        ordering = ["lea__name", "name"]
        verbose_name = "LEA person"
        verbose_name_plural = "LEA people"

    def __str__(self) -> str:
        return f"{self.name} ({self.lea})"

    def get_absolute_url(self) -> str:
        return reverse("leas:leaperson-detail", args=[self.pk])

    @property
    def time_on_state_data(self) -> str:
        if self.state_data_hours is None:
            return ""
        return f"{self.state_data_hours} h {self.get_hours_period_display()}"

    def clean(self):
        if self.started_on and self.left_on and self.left_on < self.started_on:
            raise ValidationError({"left_on": "A person cannot leave before they started."})


class RolloutPhase(models.TextChoices):
    """An LEA's readiness stages, named after the timeline phase they fall in (issue 17): the
    timeline template's "Phase N – Name" (``rolloutplanner.timeline.template``), with the
    stage after a colon where one timeline phase holds two stages. The stored values are the
    ones before the rename, so no row changed."""

    PREPARE = "prepare", "Phase 2 – Planning: prepare"
    CONNECT = "connect", "Phase 3 – Pilot: connect"
    SEND = "send", "Phase 3 – Pilot: send and validate"
    PARALLEL = "parallel", "Phase 4 – Parallel"


class ReadinessStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    BLOCKED = "blocked", "Blocked"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


# An item done or not applicable asks nothing more of its LEA.
CLOSED_READINESS = (ReadinessStatus.DONE, ReadinessStatus.NOT_APPLICABLE)


class ReadinessItem(models.Model):
    """One checklist item of an LEA's readiness; coordinators keep their own LEA's items."""

    permission_policy = ObjectPolicy(lea_path="lea", lea_actions=OWNER_UPDATES)

    lea = models.ForeignKey(
        LEA, on_delete=models.CASCADE, related_name="readiness_items", verbose_name="LEA"
    )
    phase = models.CharField(max_length=10, choices=RolloutPhase.choices)
    key = models.SlugField(max_length=60, help_text="Checklist item code, unique per LEA.")
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=20, choices=ReadinessStatus.choices, default=ReadinessStatus.NOT_STARTED
    )
    status_on = models.DateField("status date", null=True, blank=True)
    evidence_note = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = ReadinessItemQuerySet.as_manager()

    class Meta:
        ordering = ["lea__name", "order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["lea", "key"], name="unique_readiness_item_per_lea")
        ]

    def __str__(self) -> str:
        return f"{self.lea}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("leas:readinessitem-detail", args=[self.pk])


class SupportKind(models.TextChoices):
    REQUEST = "request", "Support request"
    WORKING_SESSION = "working_session", "Working session"


class SupportRequest(models.Model):
    """A support request or working session with an LEA and what came of it."""

    permission_policy = ObjectPolicy(lea_path="lea", lea_actions=OWNER_EDITS)

    lea = models.ForeignKey(
        LEA, on_delete=models.CASCADE, related_name="support_requests", verbose_name="LEA"
    )
    kind = models.CharField(max_length=20, choices=SupportKind.choices, default=SupportKind.REQUEST)
    topic = models.CharField(max_length=200)
    held_on = models.DateField("date")
    participants = models.CharField("who", max_length=300, blank=True)
    outcome = models.TextField(blank=True)
    resolved = models.BooleanField(default=False)

    history = HistoricalRecords()
    objects = SupportQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.topic} ({self.held_on})"

    def get_absolute_url(self) -> str:
        return reverse("leas:supportrequest-detail", args=[self.pk])


class NetworkKind(models.TextChoices):
    ESA = "esa", "Educational service agency"
    USER_GROUP = "user_group", "User group"
    VENDOR_COMMUNITY = "vendor_community", "Vendor community"
    OTHER = "other", "Other"


class SupportNetwork(models.Model):
    """A network an LEA leans on for support (its ESA, a user group, a vendor community)."""

    permission_policy = ObjectPolicy(lea_path="lea", lea_actions=OWNER_EDITS)

    lea = models.ForeignKey(
        LEA, on_delete=models.CASCADE, related_name="support_networks", verbose_name="LEA"
    )
    kind = models.CharField(max_length=20, choices=NetworkKind.choices)
    name = models.CharField(max_length=200)
    contact = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = SupportQuerySet.as_manager()

    class Meta:
        ordering = ["lea__name", "kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return reverse("leas:supportnetwork-detail", args=[self.pk])


class CohortKind(models.TextChoices):
    PILOT = "pilot", "Pilot"
    WAVE = "wave", "Later wave"


class Cohort(models.Model):
    """A named group of LEAs rolled out together; its membership is kept as numbered versions."""

    permission_policy = ObjectPolicy()  # the SEA team's planning tool

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=CohortKind.choices, default=CohortKind.PILOT)
    wave_number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For later waves: 2, 3, …"
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "wave_number", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("leas:cohort-detail", args=[self.pk])

    @property
    def current_version(self):
        return self.versions.order_by("-number").first()


class CohortVersion(models.Model):
    """One saved membership of a cohort; never edited, a change saves the next number."""

    permission_policy = ObjectPolicy()

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    leas = models.ManyToManyField(LEA, related_name="cohort_versions", verbose_name="LEAs")
    explanation = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["cohort", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "number"], name="unique_cohort_version")
        ]

    def __str__(self) -> str:
        return f"{self.cohort} v{self.number}"

    def get_absolute_url(self) -> str:
        return self.cohort.get_absolute_url()
