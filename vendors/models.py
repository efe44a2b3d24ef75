from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from rolloutplanner.permissions import ADD, CHANGE, OWNER_UPDATES, ObjectPolicy
from vendors.querysets import APICredentialQuerySet, VendorQuerySet, VendorRowQuerySet


class ProductType(models.TextChoices):
    SIS = "sis", "Student information system"
    IEP = "iep", "IEP / special education"
    HR = "hr", "Human resources"
    FINANCE = "finance", "Finance"
    ASSESSMENT = "assessment", "Assessment"
    SURVEY = "survey", "Survey"
    OTHER = "other", "Other"


class EdFiExperience(models.TextChoices):
    NONE = "none", "None"
    SOME = "some", "Some (other states or pilots)"
    STATE_LEVEL = "state_level", "State-level deployments"


class AssistanceLevel(models.TextChoices):
    LOW = "low", "Low – works independently"
    MODERATE = "moderate", "Moderate – periodic check-ins"
    HIGH = "high", "High – hands-on assistance"


class Vendor(models.Model):
    """A vendor's product used by LEAs in the state."""

    # Vendor contacts see their own vendor and keep its Ed-Fi status up to date, but its
    # identity (vendor, product, product type) and the SEA's assessment stay with the SEA team.
    # LEA coordinators see the products they use.
    permission_policy = ObjectPolicy(
        vendor_path="pk",
        lea_path=("sis_leas", "source_leas"),
        vendor_actions=OWNER_UPDATES,
        vendor_fields=frozenset(
            {"website", "edfi_experience", "release_cadence", "planned_development"}
        ),
    )

    name = models.CharField(max_length=200)
    product_name = models.CharField(max_length=200, blank=True)
    product_type = models.CharField(max_length=20, choices=ProductType.choices)
    website = models.URLField(blank=True)
    edfi_experience = models.CharField(
        "Ed-Fi experience", max_length=12, choices=EdFiExperience.choices, blank=True
    )
    assistance_level = models.CharField(
        "technical assistance needed", max_length=10, choices=AssistanceLevel.choices, blank=True
    )
    release_cadence = models.CharField(
        max_length=100, blank=True, help_text="e.g. quarterly, two releases a year."
    )
    planned_development = models.TextField(blank=True)

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

    @property
    def lea_count(self) -> int | None:
        """LEAs running this product (needs ``with_lea_counts``); SIS and other uses added."""
        if not hasattr(self, "sis_lea_count"):
            return None
        return self.sis_lea_count + self.source_lea_count

    @property
    def certification_summary(self) -> str:
        return "; ".join(str(c) for c in self.certifications.all())


class CertificationStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    CERTIFIED = "certified", "Certified"
    LAPSED = "lapsed", "Lapsed"


class Certification(models.Model):
    """A product's Ed-Fi certification status for one certification and version."""

    permission_policy = ObjectPolicy(vendor_path="vendor")

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="certifications")
    certification = models.CharField(max_length=100, help_text="e.g. SIS, Assessment outcomes.")
    version = models.CharField(max_length=40, help_text="e.g. Data Standard 5.2.")
    status = models.CharField(max_length=12, choices=CertificationStatus.choices)
    certified_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    objects = VendorRowQuerySet.as_manager()

    class Meta:
        ordering = ["vendor__name", "certification", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "certification", "version"], name="unique_vendor_certification"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certification} {self.version}: {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("vendors:certification-detail", args=[self.pk])


class Touchpoint(models.Model):
    """A meeting or call with a vendor: who attended and what was decided."""

    permission_policy = ObjectPolicy(vendor_path="vendor")

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="touchpoints")
    held_on = models.DateField("date")
    attendees = models.CharField(max_length=500)
    decisions = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = VendorRowQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.vendor} on {self.held_on}"

    def get_absolute_url(self) -> str:
        return reverse("vendors:touchpoint-detail", args=[self.pk])


class FollowUp(models.Model):
    """An action owed after a touchpoint; the vendor's contacts keep their own up to date."""

    permission_policy = ObjectPolicy(vendor_path="touchpoint__vendor", vendor_actions=OWNER_UPDATES)

    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.CASCADE, related_name="follow_ups")
    description = models.CharField(max_length=300)
    owner = models.CharField(max_length=200)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = VendorRowQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = "follow-up"

    def __str__(self) -> str:
        return self.description

    def get_absolute_url(self) -> str:
        return reverse("vendors:followup-detail", args=[self.pk])


class DeploymentTimeline(models.Model):
    """The vendor's planned development → QA → deployment dates for one LEA."""

    # Vendor contacts enter and update their own product's dates at the LEAs running it; which
    # vendor and LEA a timeline belongs to is fixed once it exists.
    permission_policy = ObjectPolicy(
        vendor_path="vendor",
        lea_path="lea",
        vendor_actions=frozenset({ADD, CHANGE}),
        vendor_fields=frozenset({"development_on", "qa_on", "deployment_on", "notes"}),
    )

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="timelines")
    lea = models.ForeignKey(
        "leas.LEA", on_delete=models.CASCADE, related_name="vendor_timelines", verbose_name="LEA"
    )
    development_on = models.DateField("development complete", null=True, blank=True)
    qa_on = models.DateField("QA complete", null=True, blank=True)
    deployment_on = models.DateField("deployed", null=True, blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = VendorRowQuerySet.as_manager()

    class Meta:
        ordering = ["vendor__name", "lea__name"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "lea"], name="unique_vendor_timeline")
        ]

    def __str__(self) -> str:
        return f"{self.vendor} at {self.lea}"

    def get_absolute_url(self) -> str:
        return reverse("vendors:deploymenttimeline-detail", args=[self.pk])

    def clean(self):
        dates = [self.development_on, self.qa_on, self.deployment_on]
        known = [d for d in dates if d]
        if known != sorted(known):
            raise ValidationError("Dates must run development, then QA, then deployment.")


class MarketEventKind(models.TextChoices):
    ENTERING = "entering", "Entering the state"
    LEAVING = "leaving", "Leaving the state"


class MarketEvent(models.Model):
    """A vendor entering or leaving the state, the LEAs it affects and the hand-off plan."""

    permission_policy = ObjectPolicy(vendor_path="vendor", lea_path="affected_leas")

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="market_events")
    kind = models.CharField(max_length=10, choices=MarketEventKind.choices)
    announced_on = models.DateField()
    effective_on = models.DateField(null=True, blank=True)
    affected_leas = models.ManyToManyField(
        "leas.LEA", blank=True, related_name="market_events", verbose_name="affected LEAs"
    )
    handoff_plan = models.TextField("hand-off plan", blank=True)

    history = HistoricalRecords(m2m_fields=[affected_leas])
    objects = VendorRowQuerySet.as_manager()

    class Meta:
        ordering = ["-announced_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.vendor} {self.get_kind_display().lower()}"

    def get_absolute_url(self) -> str:
        return reverse("vendors:marketevent-detail", args=[self.pk])


class ClaimSet(models.Model):
    """An Ed-Fi claim set: the resources credentials holding it may write."""

    permission_policy = ObjectPolicy(shared=True)

    name = models.CharField(max_length=100, unique=True)
    writable_resources = models.JSONField(
        default=list, blank=True, help_text="Ed-Fi resource names, e.g. studentSchoolAssociations."
    )

    history = HistoricalRecords()
    objects = VendorRowQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("vendors:claimset-detail", args=[self.pk])

    def uncovered(self, resources) -> list[str]:
        """The resources of ``resources`` this claim set does not let its holder write.

        Names match whatever their spelling: a catalog name ("StudentSchoolAssociation"), a
        claim name ("studentSchoolAssociation"), a claim URI or an API path (plural).
        """
        allowed = {resource_key(r) for r in self.writable_resources}
        return sorted({r for r in resources if resource_key(r) not in allowed})


def resource_key(name: str) -> str:
    key = name.strip().rstrip("/").rsplit("/", 1)[-1].lower()
    return key[:-1] if key.endswith("s") else key


class APICredential(models.Model):
    """An Ed-Fi API key issued by the state. The secret itself is never stored, only a
    salted fingerprint that verifies a leaked value."""

    permission_policy = ObjectPolicy(lea_path="leas", vendor_path="vendor")

    application_name = models.CharField(max_length=200)
    key = models.CharField("key (client ID)", max_length=100, unique=True)
    vendor = models.ForeignKey(
        Vendor, null=True, blank=True, on_delete=models.PROTECT, related_name="credentials"
    )
    leas = models.ManyToManyField(
        "leas.LEA", blank=True, related_name="credentials", verbose_name="LEAs"
    )
    claim_set = models.ForeignKey(ClaimSet, on_delete=models.PROTECT, related_name="credentials")
    data_standard = models.CharField(max_length=20, default="5.2")
    ods_instance = models.CharField("ODS instance", max_length=100, blank=True)
    school_year = models.PositiveSmallIntegerField(help_text="Ending year, e.g. 2027 for 2026–27.")
    owner_email = models.EmailField(blank=True, help_text="Who is told when it must be rotated.")
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    rotated_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="rotated_into"
    )
    revoked_on = models.DateField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=300, blank=True)
    secret_fingerprint = models.CharField(max_length=200, blank=True, editable=False)
    rotation_flagged_on = models.DateField(null=True, blank=True, editable=False)
    rotation_reason = models.CharField(max_length=200, blank=True, editable=False)

    history = HistoricalRecords(m2m_fields=[leas], excluded_fields=["secret_fingerprint"])
    objects = APICredentialQuerySet.as_manager()

    class Meta:
        ordering = ["application_name", "key"]
        verbose_name = "API credential"

    def __str__(self) -> str:
        return f"{self.application_name} ({self.key})"

    def get_absolute_url(self) -> str:
        return reverse("vendors:apicredential-detail", args=[self.pk])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_on is not None

    @property
    def has_secret_fingerprint(self) -> bool:
        return bool(self.secret_fingerprint)


class CredentialIncident(models.Model):
    """A reported leak of a credential: revocation and the task of issuing a replacement."""

    permission_policy = ObjectPolicy(lea_path="credential__leas", vendor_path="credential__vendor")

    credential = models.ForeignKey(
        APICredential, on_delete=models.CASCADE, related_name="incidents"
    )
    reported_at = models.DateTimeField(auto_now_add=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField()
    secret_matched = models.BooleanField(
        null=True, help_text="Whether the leaked value matched the stored fingerprint."
    )
    replacement_due_on = models.DateField()
    replacement = models.ForeignKey(
        APICredential, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()
    objects = VendorRowQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = "credential incident"

    def __str__(self) -> str:
        return f"Leak of {self.credential.key} reported {self.reported_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("vendors:credentialincident-detail", args=[self.pk])
