from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from rolloutplanner.permissions import OWNER_UPDATES, ObjectPolicy
from vendors.querysets import VendorQuerySet


class ProductType(models.TextChoices):
    SIS = "sis", "Student information system"
    IEP = "iep", "IEP / special education"
    HR = "hr", "Human resources"
    FINANCE = "finance", "Finance"
    ASSESSMENT = "assessment", "Assessment"
    SURVEY = "survey", "Survey"
    OTHER = "other", "Other"


class Vendor(models.Model):
    """A vendor's product used by LEAs in the state."""

    # Vendor contacts see and update their own vendor; LEA coordinators see the SIS they use.
    permission_policy = ObjectPolicy(
        vendor_path="pk", lea_path="sis_leas", vendor_actions=OWNER_UPDATES
    )

    name = models.CharField(max_length=200)
    product_name = models.CharField(max_length=200, blank=True)
    product_type = models.CharField(max_length=20, choices=ProductType.choices)
    website = models.URLField(blank=True)

    history = HistoricalRecords()
    objects = VendorQuerySet.as_manager()

    class Meta:
        ordering = ["name", "product_name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "product_name"], name="unique_vendor_product")
        ]

    def __str__(self) -> str:
        return f"{self.name} – {self.product_name}" if self.product_name else self.name

    def get_absolute_url(self) -> str:
        return reverse("vendors:vendor-detail", args=[self.pk])
