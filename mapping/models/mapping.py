"""Element mappings, descriptor mappings, LEA local codes and feedback on mapping rows."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from mapping.querysets import (
    DescriptorMappingQuerySet,
    ElementMappingQuerySet,
    LocalCodeQuerySet,
    LocalCodeSetQuerySet,
    MappingFeedbackQuerySet,
)
from rolloutplanner.permissions import ADD, OWNER_EDITS, ObjectPolicy
from rolloutplanner.review import submitted_by_field


class MappingKind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "1:1 (model and descriptors match)"
    CLOSE = "close", "Close (one differs: logical map recorded)"
    EXTENSION = "extension", "Extension (neither matches)"
    NOT_MAPPED = "not_mapped", "Not mapped yet"
    RETIRE = "retire", "Retire (the state stops collecting it)"


# Kinds that must name at least one Ed-Fi target property.
KINDS_WITH_TARGETS = frozenset({MappingKind.ONE_TO_ONE, MappingKind.CLOSE})


class TargetKind(models.TextChoices):
    """What a mapped state element stands for in Ed-Fi: not always one property's value."""

    PROPERTY = "property", "The value of the Ed-Fi properties named"
    DESCRIPTOR_IN_COLLECTION = (
        "descriptor_in_collection",
        "A descriptor value present within a collection (e.g. student characteristic Immigrant)",
    )
    PROGRAM_ASSOCIATION = (
        "program_association",
        "A program association of a program type, active on a date",
    )
    IDENTIFICATION_CODE = (
        "identification_code",
        "The identification code of a given identification system",
    )
    COMPUTED = "computed", "A computed rule over the properties it reads"


class MappingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"


class ElementMapping(models.Model):
    """How one state element reaches the Ed-Fi model, and where its review stands."""

    permission_policy = ObjectPolicy(shared=True)

    element = models.OneToOneField(
        "mapping.StateElement", on_delete=models.CASCADE, related_name="mapping"
    )
    kind = models.CharField(max_length=20, choices=MappingKind.choices, default="not_mapped")
    targets = models.ManyToManyField(
        "mapping.EdFiProperty", blank=True, related_name="mappings", verbose_name="Ed-Fi targets"
    )
    target_kind = models.CharField(
        max_length=30,
        choices=TargetKind.choices,
        default=TargetKind.PROPERTY,
        help_text="How the targets are read: as values, or as a condition on them.",
    )
    target_value = models.ForeignKey(
        "mapping.DescriptorValue",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="element_mappings",
        verbose_name="target descriptor value",
        help_text=(
            "The characteristic, program type or identification system the target kind names."
        ),
    )
    active_on = models.DateField(
        null=True,
        blank=True,
        help_text="For a program association: the date it must be active on "
        "(blank: the collection's count date).",
    )
    logical_map = models.TextField(
        blank=True, help_text="For a close match: how the state's values become Ed-Fi's."
    )
    transformation_rule = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_mappings",
    )
    status = models.CharField(
        max_length=20, choices=MappingStatus.choices, default=MappingStatus.DRAFT
    )
    comments = models.TextField(blank=True)
    # Four eyes: the author of the change under review may not approve it.
    submitted_by = submitted_by_field(
        help_text="Who submitted the change under review (or last changed it while in review).",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approved_mappings",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[targets])
    objects = ElementMappingQuerySet.as_manager()

    class Meta:
        ordering = ["element__collection__name", "element__name"]
        verbose_name = "element mapping"

    def __str__(self) -> str:
        return f"{self.element.collection.name} / {self.element.name}"

    def get_absolute_url(self) -> str:
        return reverse("mapping:elementmapping-detail", args=[self.pk])


class FeedbackStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"


class MappingFeedback(models.Model):
    """A remark from an LEA or vendor on one mapping row, and the SEA team's answer."""

    # Everyone reads feedback; LEA coordinators and vendor contacts may add it for their own
    # organisation; only the SEA team answers (changes) it.
    permission_policy = ObjectPolicy(
        shared=True,
        lea_path="lea",
        vendor_path="vendor",
        lea_actions=frozenset({ADD}),
        vendor_actions=frozenset({ADD}),
    )

    mapping = models.ForeignKey(ElementMapping, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    lea = models.ForeignKey(
        "leas.LEA", null=True, blank=True, on_delete=models.CASCADE, verbose_name="LEA"
    )
    vendor = models.ForeignKey("vendors.Vendor", null=True, blank=True, on_delete=models.CASCADE)
    body = models.TextField("feedback")
    status = models.CharField(
        max_length=20, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN
    )
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = MappingFeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "mapping feedback"
        verbose_name_plural = "mapping feedback"

    def __str__(self) -> str:
        return f"Feedback on {self.mapping}"

    def get_absolute_url(self) -> str:
        return reverse("mapping:mappingfeedback-detail", args=[self.pk])


class DescriptorMapping(models.Model):
    """One state code → one Ed-Fi descriptor value (several codes may roll up to one value)."""

    permission_policy = ObjectPolicy(shared=True)

    state_code = models.OneToOneField(
        "mapping.StateCode", on_delete=models.CASCADE, related_name="descriptor_mapping"
    )
    descriptor_value = models.ForeignKey(
        "mapping.DescriptorValue", on_delete=models.PROTECT, related_name="state_mappings"
    )
    notes = models.TextField(blank=True)
    # Reviewed as element mappings are; only approved ones feed parallel-year reconciliations.
    status = models.CharField(
        max_length=20, choices=MappingStatus.choices, default=MappingStatus.DRAFT
    )
    # Four eyes: the author of the change under review may not approve it.
    submitted_by = submitted_by_field(
        help_text="Who submitted the change under review (or last changed it while in review).",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approved_descriptor_mappings",
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = DescriptorMappingQuerySet.as_manager()

    class Meta:
        ordering = ["state_code__code_set__name", "state_code__code"]

    def __str__(self) -> str:
        return f"{self.state_code} → {self.descriptor_value}"

    def get_absolute_url(self) -> str:
        return reverse("mapping:descriptormapping-detail", args=[self.pk])


# LEAs keep and edit their own local code sets; the SEA team sees all of them.
LOCAL_CODE_POLICY = ObjectPolicy(lea_path="lea", lea_actions=OWNER_EDITS)


class LocalCodeSet(models.Model):
    """An LEA's own, finer code list that rolls up to one state code set."""

    permission_policy = LOCAL_CODE_POLICY

    lea = models.ForeignKey(
        "leas.LEA", on_delete=models.CASCADE, related_name="local_code_sets", verbose_name="LEA"
    )
    state_code_set = models.ForeignKey(
        "mapping.StateCodeSet", on_delete=models.CASCADE, related_name="local_code_sets"
    )
    name = models.CharField(max_length=200)

    history = HistoricalRecords()
    objects = LocalCodeSetQuerySet.as_manager()

    class Meta:
        ordering = ["lea__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["lea", "name"], name="mapping_local_code_set_unique")
        ]

    def __str__(self) -> str:
        return f"{self.lea}: {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("mapping:localcodeset-detail", args=[self.pk])


class LocalCode(models.Model):
    """A local code and the state code it rolls up to."""

    permission_policy = ObjectPolicy(lea_path="local_code_set__lea", lea_actions=OWNER_EDITS)

    local_code_set = models.ForeignKey(LocalCodeSet, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=100)
    description = models.CharField(max_length=255, blank=True)
    state_code = models.ForeignKey(
        "mapping.StateCode", on_delete=models.PROTECT, related_name="local_codes"
    )

    history = HistoricalRecords()
    objects = LocalCodeQuerySet.as_manager()

    class Meta:
        ordering = ["local_code_set", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_code_set", "code"], name="mapping_local_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} → {self.state_code.code}"

    def get_absolute_url(self) -> str:
        return reverse("mapping:localcodeset-detail", args=[self.local_code_set_id])
