from django import forms

from rolloutplanner.forms import ModelForm
from vendors.models import (
    APICredential,
    Certification,
    ClaimSet,
    DeploymentTimeline,
    FollowUp,
    MarketEvent,
    Touchpoint,
    Vendor,
)


class VendorForm(ModelForm):
    class Meta:
        model = Vendor
        fields = [
            "name",
            "product_name",
            "product_type",
            "website",
            "edfi_experience",
            "assistance_level",
            "release_cadence",
            "planned_development",
        ]


class CertificationForm(ModelForm):
    class Meta:
        model = Certification
        fields = ["vendor", "certification", "version", "status", "certified_on"]


class TouchpointForm(ModelForm):
    class Meta:
        model = Touchpoint
        fields = ["vendor", "held_on", "attendees", "decisions"]


class FollowUpForm(ModelForm):
    class Meta:
        model = FollowUp
        fields = ["touchpoint", "description", "owner", "due_on", "done_on", "notes"]


class FollowUpEditForm(FollowUpForm):
    class Meta(FollowUpForm.Meta):
        fields = ["description", "owner", "due_on", "done_on", "notes"]


class DeploymentTimelineForm(ModelForm):
    class Meta:
        model = DeploymentTimeline
        fields = ["vendor", "lea", "development_on", "qa_on", "deployment_on", "notes"]


class DeploymentTimelineEditForm(DeploymentTimelineForm):
    class Meta(DeploymentTimelineForm.Meta):
        fields = ["development_on", "qa_on", "deployment_on", "notes"]


class MarketEventForm(ModelForm):
    class Meta:
        model = MarketEvent
        fields = ["vendor", "kind", "announced_on", "effective_on", "affected_leas", "handoff_plan"]


class ResourceListField(forms.CharField):
    """One Ed-Fi resource name per line, stored as a sorted list."""

    widget = forms.Textarea

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return sorted({line.strip() for line in text.splitlines() if line.strip()})


class ClaimSetForm(ModelForm):
    writable_resources = ResourceListField(
        label="Resources it may write (one per line)", required=False
    )

    class Meta:
        model = ClaimSet
        fields = ["name", "writable_resources"]


class APICredentialForm(ModelForm):
    secret = forms.CharField(
        label="Secret (optional)",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Only a salted fingerprint is kept, to verify a reported leak; "
        "the secret is never stored or shown.",
    )

    class Meta:
        model = APICredential
        fields = [
            "application_name",
            "key",
            "vendor",
            "leas",
            "claim_set",
            "data_standard",
            "ods_instance",
            "school_year",
            "owner_email",
            "issued_on",
            "expires_on",
            "rotated_from",
            "revoked_on",
            "revocation_reason",
        ]


class ReportLeakForm(forms.Form):
    description = forms.CharField(label="How did it leak?", widget=forms.Textarea)
    leaked_secret = forms.CharField(
        label="Leaked secret, if known (compared with the fingerprint, never kept)",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
