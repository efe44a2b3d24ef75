from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from leas.querysets import LEAQuerySet
from rolloutplanner.permissions import ObjectPolicy


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

    # LEA coordinators see their own LEAs; vendor contacts see the LEAs running their SIS.
    permission_policy = ObjectPolicy(lea_path="pk", vendor_path="sis_vendor")

    name = models.CharField(max_length=200)
    state_lea_id = models.CharField("state LEA id", max_length=20, unique=True)
    nces_id = models.CharField("NCES id", max_length=7, blank=True)
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

    history = HistoricalRecords()
    objects = LEAQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "LEA"
        verbose_name_plural = "LEAs"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("leas:lea-detail", args=[self.pk])
