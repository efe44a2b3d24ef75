from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from usecases.models.common import SHARED_PLANNING, Level
from usecases.querysets import StakeholderQuerySet


class StakeholderCategory(models.TextChoices):
    SPECIAL_EDUCATION_DIRECTOR = "sped_director", "Special Education Director"
    PART_B_DATA_MANAGER = "part_b_data_manager", "Part B Data Manager"
    EDFACTS_COORDINATOR = "edfacts_coordinator", "EDFacts Coordinator"
    SLDS_STAFF = "slds_staff", "SLDS staff"
    DATA_GOVERNANCE_COORDINATOR = "data_governance", "Data Governance Coordinator"
    IT_STAFF = "it_staff", "IT staff"
    DATA_STEWARD = "data_steward", "Data steward / subject-matter expert"
    LEADERSHIP = "leadership", "Leadership"
    LEA = "lea", "LEA"
    VENDOR = "vendor", "Vendor"
    OTHER = "other", "Other"


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    MEETING = "meeting", "Meeting"
    NEWSLETTER = "newsletter", "Newsletter"
    PHONE = "phone", "Phone"
    PORTAL = "portal", "Web portal"


class Stakeholder(models.Model):
    """A person or group the project affects or needs; may be named reviewer of documents."""

    permission_policy = SHARED_PLANNING

    name = models.CharField(max_length=200)
    category = models.CharField(max_length=32, choices=StakeholderCategory.choices)
    role_title = models.CharField("role", max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    interest = models.TextField(blank=True, help_text="What they need from the project.")
    influence = models.CharField(max_length=10, choices=Level.choices, default=Level.MEDIUM)
    data_access = models.TextField(blank=True, help_text="Which data they see and how.")
    preferred_channel = models.CharField(
        max_length=16, choices=Channel.choices, default=Channel.EMAIL
    )
    email = models.EmailField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stakeholder_entries",
        help_text="The planner account that comments when this stakeholder reviews a document.",
    )
    lea = models.ForeignKey(
        "leas.LEA", null=True, blank=True, on_delete=models.SET_NULL, verbose_name="LEA"
    )
    vendor = models.ForeignKey("vendors.Vendor", null=True, blank=True, on_delete=models.SET_NULL)

    history = HistoricalRecords()
    objects = StakeholderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_category_display()})"

    def get_absolute_url(self) -> str:
        return reverse("usecases:stakeholder-detail", args=[self.pk])
