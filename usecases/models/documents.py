from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from rolloutplanner.review import submitted_by_field
from usecases.models.common import SHARED_PLANNING, Level
from usecases.querysets import (
    ApprovalQuerySet,
    DocumentPartQuerySet,
    DocumentQuerySet,
    SectionCommentQuerySet,
)


class DocumentKind(models.TextChoices):
    USE_CASE = "use_case", "Use case"
    SCOPE = "scope", "Scope document"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    STAKEHOLDER_REVIEW = "stakeholder_review", "In stakeholder review"
    REVISED = "revised", "Revised"
    LEADERSHIP_REVIEW = "leadership_review", "In leadership review"
    APPROVED = "approved", "Approved"


# The author edits only between reviews; a document under review or approved is frozen.
EDITABLE_STATUSES = frozenset({DocumentStatus.DRAFT, DocumentStatus.REVISED})


class PlanningDocument(models.Model):
    """A use case or the scope document: structured sections under a review workflow."""

    permission_policy = SHARED_PLANNING

    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    title = models.CharField(max_length=300)
    status = models.CharField(
        max_length=24, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT, editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    reviewers = models.ManyToManyField(
        "usecases.Stakeholder", blank=True, related_name="reviews", editable=False
    )
    review_due = models.DateField(null=True, blank=True, editable=False)
    data_systems = models.ManyToManyField(
        "usecases.DataSystem",
        blank=True,
        related_name="documents",
        help_text="Systems this use case depends on.",
    )
    timeline_phase = models.CharField(
        max_length=200, blank=True, help_text="The rollout timeline phase this use case belongs to."
    )
    # Four eyes: who sent the version to leadership may not approve it.
    submitted_by = submitted_by_field(
        help_text="Who sent this version to leadership review.", editable=False
    )
    # True while leadership reviews an already approved version again (new leadership).
    representation = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords(m2m_fields=[reviewers])
    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = "planning document"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("usecases:planningdocument-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def clean(self):
        super().clean()
        if self.pk:
            ensure_editable(self)


def ensure_editable(document: PlanningDocument | None) -> None:
    """Refuse changes to a document's content while it is under review or approved."""
    if document is not None and not document.is_editable:
        raise ValidationError(
            f"“{document}” is {document.get_status_display().lower()}; "
            "it can be edited only as a draft or after revision (reopen an approved document)."
        )


class DocumentPart(models.Model):
    """Content belonging to one document; frozen with it while under review."""

    permission_policy = SHARED_PLANNING
    objects = DocumentPartQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.document_id:
            ensure_editable(self.document)


class DocumentSection(DocumentPart):
    """One section of a document, edited on its own."""

    document = models.ForeignKey(
        PlanningDocument, on_delete=models.CASCADE, related_name="sections"
    )
    key = models.SlugField(max_length=50, editable=False)
    heading = models.CharField(max_length=200)
    guidance = models.TextField(blank=True, editable=False)
    body = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "key"], name="unique_section_key")
        ]
        verbose_name = "document section"

    def __str__(self) -> str:
        return f"{self.document}: {self.heading}"

    def get_absolute_url(self) -> str:
        return reverse("usecases:documentsection-detail", args=[self.pk])


class Risk(DocumentPart):
    document = models.ForeignKey(PlanningDocument, on_delete=models.CASCADE, related_name="risks")
    description = models.TextField()
    likelihood = models.CharField(max_length=10, choices=Level.choices, default=Level.MEDIUM)
    impact = models.CharField(max_length=10, choices=Level.choices, default=Level.MEDIUM)
    mitigation = models.TextField(blank=True)
    owner = models.ForeignKey(
        "usecases.Stakeholder", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["document", "pk"]

    def __str__(self) -> str:
        return self.description[:80]

    def get_absolute_url(self) -> str:
        return reverse("usecases:risk-detail", args=[self.pk])


class DataRequirement(DocumentPart):
    """Data a use case needs: from a system in the inventory, or a source named in words."""

    document = models.ForeignKey(
        PlanningDocument, on_delete=models.CASCADE, related_name="data_requirements"
    )
    data_system = models.ForeignKey(
        "usecases.DataSystem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_name = models.CharField(
        "data source or collection",
        max_length=200,
        blank=True,
        help_text="When the source is not (yet) in the data-system inventory.",
    )
    elements = models.TextField("data elements")
    state_elements = models.ManyToManyField(
        "mapping.StateElement",
        blank=True,
        related_name="use_case_requirements",
        help_text="The state data elements (from the mapping) this requirement covers.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["document", "pk"]
        verbose_name = "data requirement"

    def __str__(self) -> str:
        return f"{self.source_label}: {self.elements[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("usecases:datarequirement-detail", args=[self.pk])

    @property
    def state_element_names(self) -> str:
        return ", ".join(str(element) for element in self.state_elements.all())

    @property
    def source_label(self) -> str:
        return str(self.data_system) if self.data_system_id else self.source_name

    def clean(self):
        super().clean()
        if not self.data_system_id and not self.source_name.strip():
            raise ValidationError("Name a data system or a data source.")


class StakeholderImpact(DocumentPart):
    """How a use case changes a stakeholder's work and how they access the data."""

    document = models.ForeignKey(
        PlanningDocument, on_delete=models.CASCADE, related_name="stakeholder_impacts"
    )
    stakeholder = models.ForeignKey(
        "usecases.Stakeholder", on_delete=models.CASCADE, related_name="impacts"
    )
    impact = models.TextField()
    data_access = models.TextField("how will they access the data?", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["document", "pk"]
        verbose_name = "stakeholder impact"

    def __str__(self) -> str:
        return f"{self.stakeholder.name}: {self.impact[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("usecases:stakeholderimpact-detail", args=[self.pk])


class ScopeCategory(models.TextChoices):
    IN_SCOPE = "in_scope", "In scope"
    OUT_OF_SCOPE = "out_of_scope", "Out of scope"
    ASSUMPTION = "assumption", "Assumption"
    CONSTRAINT = "constraint", "Constraint"
    DELIVERABLE = "deliverable", "Deliverable"
    SUCCESS_MEASURE = "success_measure", "Success measure"


class ScopeItem(DocumentPart):
    document = models.ForeignKey(
        PlanningDocument,
        on_delete=models.CASCADE,
        related_name="scope_items",
        limit_choices_to={"kind": DocumentKind.SCOPE},
    )
    category = models.CharField(max_length=20, choices=ScopeCategory.choices)
    text = models.TextField()
    use_cases = models.ManyToManyField(
        PlanningDocument,
        blank=True,
        related_name="scope_items_served",
        limit_choices_to={"kind": DocumentKind.USE_CASE},
        help_text="The use cases this item serves.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["document", "category", "pk"]
        verbose_name = "scope item"

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("usecases:scopeitem-detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.document_id and self.document.kind != DocumentKind.SCOPE:
            raise ValidationError({"document": "Scope items belong to a scope document."})


class CommentResolution(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class SectionComment(models.Model):
    """A reviewer's comment on one section; the author accepts or declines it."""

    permission_policy = SHARED_PLANNING

    section = models.ForeignKey(DocumentSection, on_delete=models.CASCADE, related_name="comments")
    version = models.PositiveIntegerField(editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    resolution = models.CharField(
        max_length=10, choices=CommentResolution.choices, default=CommentResolution.OPEN
    )
    resolution_reason = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = SectionCommentQuerySet.as_manager()

    class Meta:
        ordering = ["section__position", "created_at"]
        verbose_name = "section comment"

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.section.heading}"

    def get_absolute_url(self) -> str:
        return reverse("usecases:sectioncomment-detail", args=[self.pk])


class DocumentVersion(models.Model):
    """The content of one version of a document, section by section, as last reviewed."""

    permission_policy = SHARED_PLANNING

    document = models.ForeignKey(
        PlanningDocument, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    sections = models.JSONField(default=list)  # [{"key", "heading", "body"}, ...]
    status = models.CharField(max_length=24, choices=DocumentStatus.choices)
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()
    objects = ApprovalQuerySet.as_manager()

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_document_version")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("usecases:planningdocument-diff", args=[self.document_id])


class ApprovalKind(models.TextChoices):
    APPROVED = "approved", "Approved"
    RE_APPROVED = "re_approved", "Approved by new leadership"
    RETURNED = "returned", "Returned with comments"


class Approval(models.Model):
    """A leadership decision on one version: who, when, which version."""

    permission_policy = SHARED_PLANNING

    document = models.ForeignKey(
        PlanningDocument, on_delete=models.CASCADE, related_name="approvals"
    )
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=ApprovalKind.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = ApprovalQuerySet.as_manager()

    class Meta:
        ordering = ["document", "decided_at"]

    def __str__(self) -> str:
        return f"{self.document} v{self.version}: {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return self.document.get_absolute_url()
