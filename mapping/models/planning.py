"""Seed data, extensions, business-practice changes and data lineage of a mapping plan."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from mapping.querysets import (
    ExtensionQuerySet,
    LineageAssignmentQuerySet,
    PracticeChangeQuerySet,
    SeedDataElementQuerySet,
)
from rolloutplanner.permissions import ObjectPolicy
from usecases.models.architecture import SystemType

SHARED_POLICY = ObjectPolicy(shared=True)


def refuse_ods_as_source(value: str) -> None:
    """The validator migration 0002 names; the rule now is ``SeedDataElement.clean()``."""


ODS_AS_SOURCE = (
    "The ODS cannot be the authoritative source: it only stores what source systems send, and "
    "is rebuilt from them each school year. Choose the system where the data is created and "
    "maintained (e.g. the state's directory, the SIS, the course catalog)."
)


class SeedCategory(models.TextChoices):
    EDUCATION_ORGANIZATIONS = "education_organizations", "Education organizations"
    DESCRIPTORS = "descriptors", "Descriptors"
    COURSES = "courses", "Courses"
    PROGRAMS = "programs", "Programs"


class SeedDataElement(models.Model):
    """Where one kind of seed data comes from and how it reaches the ODS every school year."""

    permission_policy = SHARED_POLICY

    plan = models.ForeignKey(
        "mapping.MappingPlan", on_delete=models.CASCADE, related_name="seed_data"
    )
    category = models.CharField(max_length=30, choices=SeedCategory.choices)
    element = models.CharField(max_length=200, help_text="e.g. Schools, Course catalog")
    # Null only on rows recorded before sources were chosen from the inventory whose text
    # matched no system (the text is kept in the notes); every save through a form needs one.
    authoritative_source = models.ForeignKey(
        "usecases.DataSystem",
        verbose_name="authoritative source system",
        null=True,
        on_delete=models.PROTECT,
        related_name="seed_data",
        help_text="The system in the data-system inventory where this data is created and "
        "maintained (never the ODS).",
    )
    delivery = models.TextField(
        "how it reaches the ODS each school year", help_text="Who loads it, when, by what means."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = SeedDataElementQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "category", "element"]
        verbose_name = "seed data element"

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.element}"

    def get_absolute_url(self) -> str:
        return reverse("mapping:seeddataelement-detail", args=[self.pk])

    def clean(self):
        source = self.authoritative_source if self.authoritative_source_id else None
        if source is not None and source.system_type == SystemType.ODS:
            raise ValidationError({"authoritative_source": ODS_AS_SOURCE})


class ExtensionCategory(models.TextChoices):
    STATE_ONLY = "state_only", "Only ever for this state"
    LIKELY_SHARED = "likely_shared", "Likely shared with other states (propose to Ed-Fi)"


class ExtensionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    SUBMITTED = "submitted", "Submitted to the Ed-Fi community"
    REJECTED = "rejected", "Rejected"


class Extension(models.Model):
    """A proposed extension of the Ed-Fi model and the state elements that need it."""

    permission_policy = SHARED_POLICY

    plan = models.ForeignKey(
        "mapping.MappingPlan", on_delete=models.CASCADE, related_name="extensions"
    )
    name = models.CharField(max_length=200)
    proposed_elements = models.TextField(help_text="The new entities or properties, one a line.")
    category = models.CharField(max_length=20, choices=ExtensionCategory.choices)
    justification = models.TextField()
    status = models.CharField(
        max_length=20, choices=ExtensionStatus.choices, default=ExtensionStatus.PROPOSED
    )
    state_elements = models.ManyToManyField(
        "mapping.StateElement", blank=True, related_name="extensions"
    )

    history = HistoricalRecords(m2m_fields=[state_elements])
    objects = ExtensionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mapping:extension-detail", args=[self.pk])


class PracticeStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class PracticeChange(models.Model):
    """A business-practice change found while mapping (e.g. who aggregates attendance)."""

    permission_policy = SHARED_POLICY

    plan = models.ForeignKey(
        "mapping.MappingPlan", on_delete=models.CASCADE, related_name="practice_changes"
    )
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    affected_collection = models.ForeignKey(
        "mapping.StateCollection",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practice_changes",
    )
    status = models.CharField(
        max_length=20, choices=PracticeStatus.choices, default=PracticeStatus.OPEN
    )

    history = HistoricalRecords()
    objects = PracticeChangeQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "status", "pk"]

    def __str__(self) -> str:
        return self.description[:80]

    def get_absolute_url(self) -> str:
        return reverse("mapping:practicechange-detail", args=[self.pk])


class SourceSystemType(models.TextChoices):
    SIS = "sis", "Student information system"
    IEP = "iep", "IEP / special education"
    HR = "hr", "Human resources"
    FINANCE = "finance", "Finance"
    ASSESSMENT = "assessment", "Assessment"
    STATE = "state", "State systems (directory, course catalog)"
    OTHER = "other", "Other"


class LineageAssignment(models.Model):
    """Which source system type writes which properties of an Ed-Fi resource, and when."""

    permission_policy = SHARED_POLICY

    plan = models.ForeignKey(
        "mapping.MappingPlan", on_delete=models.CASCADE, related_name="lineage"
    )
    resource = models.ForeignKey(
        "mapping.EdFiResource", on_delete=models.PROTECT, related_name="lineage"
    )
    source_system = models.CharField(max_length=20, choices=SourceSystemType.choices)
    properties = models.TextField(
        blank=True, help_text="Property paths this system writes, one a line; empty means all."
    )
    load_order = models.PositiveIntegerField(
        help_text="Load step: lower loads first; equal steps have no order between them."
    )

    history = HistoricalRecords()
    objects = LineageAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "load_order", "resource__name"]
        verbose_name = "lineage assignment"

    def __str__(self) -> str:
        return f"{self.resource.name} ← {self.get_source_system_display()} (step {self.load_order})"

    def get_absolute_url(self) -> str:
        return reverse("mapping:lineageassignment-detail", args=[self.pk])

    @property
    def property_paths(self) -> set[str]:
        return {line.strip() for line in self.properties.splitlines() if line.strip()}
