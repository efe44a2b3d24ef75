"""The state's data model: a mapping plan, its collections, elements and code sets."""

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from mapping.querysets import (
    MappingPlanQuerySet,
    StateCodeQuerySet,
    StateCodeSetQuerySet,
    StateCollectionQuerySet,
    StateElementQuerySet,
)
from rolloutplanner.permissions import ObjectPolicy

# The mapping is shared with LEAs and vendors: they read it, the SEA team edits it.
SHARED_POLICY = ObjectPolicy(shared=True)


class MappingPlan(models.Model):
    """The state's mapping of its collections onto one Ed-Fi Data Standard version."""

    permission_policy = SHARED_POLICY

    name = models.CharField(max_length=200, unique=True)
    data_standard_version = models.ForeignKey(
        "mapping.DataStandardVersion", on_delete=models.PROTECT, related_name="plans"
    )
    description = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = MappingPlanQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mapping:mappingplan-detail", args=[self.pk])


class StateCollection(models.Model):
    """A state data collection, e.g. Fall Child Count."""

    permission_policy = SHARED_POLICY

    plan = models.ForeignKey(MappingPlan, on_delete=models.CASCADE, related_name="collections")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = StateCollectionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="mapping_collection_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mapping:statecollection-detail", args=[self.pk])


class StateCodeSet(models.Model):
    """A list of codes the state allows for one or more elements."""

    permission_policy = SHARED_POLICY

    plan = models.ForeignKey(MappingPlan, on_delete=models.CASCADE, related_name="code_sets")
    name = models.CharField(max_length=200)
    descriptor = models.ForeignKey(
        "mapping.Descriptor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="state_code_sets",
        help_text="The Ed-Fi descriptor this code set maps onto.",
    )

    history = HistoricalRecords()
    objects = StateCodeSetQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="mapping_code_set_unique")
        ]
        verbose_name = "state code set"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mapping:statecodeset-detail", args=[self.pk])


class StateCode(models.Model):
    permission_policy = SHARED_POLICY

    code_set = models.ForeignKey(StateCodeSet, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=100)
    description = models.CharField(max_length=255, blank=True)

    history = HistoricalRecords()
    objects = StateCodeQuerySet.as_manager()

    class Meta:
        ordering = ["code_set", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code_set", "code"], name="mapping_state_code_unique")
        ]
        verbose_name = "state code"

    def __str__(self) -> str:
        return f"{self.code_set.name}: {self.code}"

    def get_absolute_url(self) -> str:
        return reverse("mapping:statecodeset-detail", args=[self.code_set_id])


class DataType(models.TextChoices):
    STRING = "string", "Text"
    INTEGER = "integer", "Integer"
    DECIMAL = "decimal", "Decimal"
    BOOLEAN = "boolean", "Yes/no"
    DATE = "date", "Date"
    DATETIME = "datetime", "Date and time"
    CODE = "code", "Code (from a code set)"


class StateElement(models.Model):
    """One element of a state collection specification."""

    permission_policy = SHARED_POLICY

    collection = models.ForeignKey(
        StateCollection, on_delete=models.CASCADE, related_name="elements"
    )
    name = models.CharField(max_length=200)
    definition = models.TextField(blank=True)
    data_type = models.CharField(max_length=20, choices=DataType.choices, default=DataType.STRING)
    required = models.BooleanField(default=False)
    code_set = models.ForeignKey(
        StateCodeSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="elements"
    )

    history = HistoricalRecords()
    objects = StateElementQuerySet.as_manager()

    class Meta:
        ordering = ["collection", "name"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "name"], name="mapping_element_unique")
        ]
        verbose_name = "state element"

    def __str__(self) -> str:
        return f"{self.collection.name} / {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("mapping:stateelement-detail", args=[self.pk])
