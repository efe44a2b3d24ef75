from django import forms

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

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VendorForm(forms.ModelForm):
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


class CertificationForm(forms.ModelForm):
    class Meta:
        model = Certification
        fields = ["vendor", "certification", "version", "status", "certified_on"]
        widgets = {"certified_on": DATE}


class TouchpointForm(forms.ModelForm):
    class Meta:
        model = Touchpoint
        fields = ["vendor", "held_on", "attendees", "decisions"]
        widgets = {"held_on": DATE}


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["touchpoint", "description", "owner", "due_on", "done_on", "notes"]
        widgets = {"due_on": DATE, "done_on": DATE}


class FollowUpEditForm(FollowUpForm):
    class Meta(FollowUpForm.Meta):
        fields = ["description", "owner", "due_on", "done_on", "notes"]


class DeploymentTimelineForm(forms.ModelForm):
    class Meta:
        model = DeploymentTimeline
        fields = ["vendor", "lea", "development_on", "qa_on", "deployment_on", "notes"]
        widgets = {"development_on": DATE, "qa_on": DATE, "deployment_on": DATE}


class DeploymentTimelineEditForm(DeploymentTimelineForm):
    class Meta(DeploymentTimelineForm.Meta):
        fields = ["development_on", "qa_on", "deployment_on", "notes"]


class MarketEventForm(forms.ModelForm):
    class Meta:
        model = MarketEvent
        fields = ["vendor", "kind", "announced_on", "effective_on", "affected_leas", "handoff_plan"]
        widgets = {"announced_on": DATE, "effective_on": DATE}


class ResourceListField(forms.CharField):
    """One Ed-Fi resource name per line, stored as a sorted list."""

    widget = forms.Textarea

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return sorted({line.strip() for line in text.splitlines() if line.strip()})


class ClaimSetForm(forms.ModelForm):
    writable_resources = ResourceListField(
        label="Resources it may write (one per line)", required=False
    )

    class Meta:
        model = ClaimSet
        fields = ["name", "writable_resources"]


class APICredentialForm(forms.ModelForm):
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
        widgets = {"issued_on": DATE, "expires_on": DATE, "revoked_on": DATE}


class ReportLeakForm(forms.Form):
    description = forms.CharField(label="How did it leak?", widget=forms.Textarea)
    leaked_secret = forms.CharField(
        label="Leaked secret, if known (compared with the fingerprint, never kept)",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
