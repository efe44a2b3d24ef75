"""The Ed-Fi Data Standard catalog: versions, resources, properties, descriptors and values."""

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from mapping.querysets import (
    CatalogQuerySet,
    DescriptorQuerySet,
    DescriptorValueQuerySet,
    EdFiPropertyQuerySet,
    EdFiResourceQuerySet,
)
from rolloutplanner.permissions import ObjectPolicy

# The catalog is reference data everybody signed in may read; only the SEA team changes it.
CATALOG_POLICY = ObjectPolicy(shared=True)


class DataStandardVersion(models.Model):
    """One Ed-Fi Data Standard release loaded into the catalog (several live side by side)."""

    permission_policy = CATALOG_POLICY

    version = models.CharField(max_length=20, unique=True, help_text="e.g. 5.2.0")
    source = models.TextField(blank=True, help_text="Where the catalog data comes from.")
    licence = models.CharField(max_length=100, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = CatalogQuerySet.as_manager()

    class Meta:
        ordering = ["version"]
        verbose_name = "Data Standard version"

    def __str__(self) -> str:
        return f"Ed-Fi Data Standard {self.version}"

    def get_absolute_url(self) -> str:
        return reverse("mapping:datastandardversion-detail", args=[self.pk])


class EdFiResource(models.Model):
    """An Ed-Fi entity (domain entity or association) as the API exposes it."""

    permission_policy = CATALOG_POLICY

    version = models.ForeignKey(
        DataStandardVersion, on_delete=models.CASCADE, related_name="resources"
    )
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=30)
    is_abstract = models.BooleanField(default=False)
    base = models.CharField(max_length=150, blank=True)
    definition = models.TextField(blank=True)
    api_endpoint = models.CharField("API endpoint", max_length=200, blank=True)
    primary_domain = models.CharField(max_length=100, blank=True)
    domains = models.JSONField(default=list, blank=True)
    identity = models.JSONField(default=list, blank=True)

    history = HistoricalRecords()
    objects = EdFiResourceQuerySet.as_manager()

    class Meta:
        ordering = ["version", "name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="mapping_resource_unique")
        ]
        verbose_name = "Ed-Fi resource"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mapping:edfiresource-detail", args=[self.pk])


class EdFiProperty(models.Model):
    """A property of a resource; nested common-type members carry a dotted path."""

    permission_policy = CATALOG_POLICY

    resource = models.ForeignKey(EdFiResource, on_delete=models.CASCADE, related_name="properties")
    path = models.CharField(max_length=300, help_text="Dotted element path, e.g. Address.City")
    name = models.CharField(max_length=150)
    data_type = models.CharField(max_length=30)
    descriptor = models.ForeignKey(
        "mapping.Descriptor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="properties",
    )
    references = models.CharField(max_length=150, blank=True)
    common_type = models.CharField(max_length=150, blank=True)
    required = models.BooleanField(default=False)
    is_identity = models.BooleanField(default=False)
    is_collection = models.BooleanField(default=False)
    max_length = models.PositiveIntegerField(null=True, blank=True)
    inherited_from = models.CharField(max_length=150, blank=True)
    definition = models.TextField(blank=True)
    api_path = models.CharField("API path", max_length=300, blank=True)

    history = HistoricalRecords()
    objects = EdFiPropertyQuerySet.as_manager()

    class Meta:
        ordering = ["resource__name", "path"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "path"], name="mapping_property_unique")
        ]
        verbose_name = "Ed-Fi property"
        verbose_name_plural = "Ed-Fi properties"

    def __str__(self) -> str:
        return f"{self.resource.name}.{self.path}"

    def get_absolute_url(self) -> str:
        return reverse("mapping:edfiproperty-detail", args=[self.pk])


class Descriptor(models.Model):
    """An Ed-Fi descriptor type (a controlled code list) with its namespace."""

    permission_policy = CATALOG_POLICY

    version = models.ForeignKey(
        DataStandardVersion, on_delete=models.CASCADE, related_name="descriptors"
    )
    name = models.CharField(max_length=150)
    namespace = models.CharField(max_length=255)
    definition = models.TextField(blank=True)
    api_endpoint = models.CharField("API endpoint", max_length=200, blank=True)
    values_source = models.CharField(max_length=20, blank=True)

    history = HistoricalRecords()
    objects = DescriptorQuerySet.as_manager()

    class Meta:
        ordering = ["version", "name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="mapping_descriptor_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mapping:descriptor-detail", args=[self.pk])


class DescriptorValue(models.Model):
    """One code value of a descriptor; its URI is ``namespace#code_value``."""

    permission_policy = CATALOG_POLICY

    descriptor = models.ForeignKey(Descriptor, on_delete=models.CASCADE, related_name="values")
    code_value = models.CharField(max_length=100)
    short_description = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = DescriptorValueQuerySet.as_manager()

    class Meta:
        ordering = ["descriptor__name", "code_value"]
        constraints = [
            models.UniqueConstraint(
                fields=["descriptor", "code_value"], name="mapping_descriptor_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.descriptor.name}#{self.code_value}"

    def get_absolute_url(self) -> str:
        return reverse("mapping:descriptorvalue-detail", args=[self.pk])

    @property
    def uri(self) -> str:
        return f"{self.descriptor.namespace}#{self.code_value}"
