from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from usecases.models.common import SHARED_PLANNING
from usecases.querysets import DataFlowQuerySet, DataSystemQuerySet


class SystemType(models.TextChoices):
    SIS = "sis", "Student information system"
    IEP = "iep", "IEP / special education"
    HR = "hr", "Human resources"
    FINANCE = "finance", "Finance"
    ASSESSMENT = "assessment", "Assessment"
    DATA_WAREHOUSE = "warehouse", "Data warehouse"
    SLDS = "slds", "SLDS"
    EDFACTS = "edfacts", "EDFacts submission system"
    ODS = "ods", "Ed-Fi ODS"
    OTHER = "other", "Other"


class Hosting(models.TextChoices):
    ON_PREMISES = "on_premises", "On premises"
    CLOUD = "cloud", "Cloud"
    MANAGED = "managed", "Managed provider"
    VENDOR = "vendor", "Vendor hosted"


class FlowMethod(models.TextChoices):
    FILE = "file", "File"
    API = "api", "API"
    MANUAL = "manual", "Manual"
    DATABASE = "database", "Database link"


class DataSystem(models.Model):
    """A system the project touches (the data-system architecture inventory)."""

    permission_policy = SHARED_PLANNING

    name = models.CharField(max_length=200, unique=True)
    system_type = models.CharField("type", max_length=16, choices=SystemType.choices)
    owner = models.CharField(max_length=200, blank=True, help_text="Office or person.")
    vendor = models.ForeignKey(
        "vendors.Vendor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hosting = models.CharField(max_length=16, choices=Hosting.choices, blank=True)
    data_held = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = DataSystemQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "data system"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("usecases:datasystem-detail", args=[self.pk])


class DataFlow(models.Model):
    """Data moving from one system to another."""

    permission_policy = SHARED_PLANNING

    source = models.ForeignKey(DataSystem, on_delete=models.CASCADE, related_name="outflows")
    target = models.ForeignKey(DataSystem, on_delete=models.CASCADE, related_name="inflows")
    data = models.CharField(max_length=300)
    frequency = models.CharField(max_length=100, blank=True, help_text="e.g. nightly, annual.")
    method = models.CharField(max_length=16, choices=FlowMethod.choices)

    history = HistoricalRecords()
    objects = DataFlowQuerySet.as_manager()

    class Meta:
        ordering = ["source__name", "target__name"]
        verbose_name = "data flow"

    def __str__(self) -> str:
        return f"{self.source} → {self.target}: {self.data}"

    def get_absolute_url(self) -> str:
        return reverse("usecases:dataflow-detail", args=[self.pk])

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.source_id and self.source_id == self.target_id:
            raise ValidationError({"target": "A flow goes to a different system."})
