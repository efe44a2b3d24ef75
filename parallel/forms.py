from django import forms

from leas.models import LEA
from parallel.models import (
    CollectionCycle,
    DiscrepancyGroup,
    EdFiConnection,
    EdFiResource,
    ReportDefinition,
    Side,
    TriageStatus,
)
from rolloutplanner.forms import ModelForm


class CollectionCycleForm(ModelForm):
    class Meta:
        model = CollectionCycle
        fields = [
            "name",
            "school_year",
            "report_definition",
            "snapshot_date",
            "legacy_due_date",
            "edfi_due_date",
            "leas",
            "mapping_plan",
        ]


class UploadForm(forms.Form):
    side = forms.ChoiceField(choices=Side.choices)
    resource = forms.ChoiceField(
        label="Ed-Fi resource",
        choices=[("", "From the file name"), *EdFiResource.choices],
        required=False,
        help_text="Ed-Fi extracts only: the API resource the file holds.",
    )
    lea = forms.ModelChoiceField(
        label="LEA", queryset=LEA.objects.all(), required=False, help_text="Blank: statewide."
    )
    file = forms.FileField(help_text="Legacy: CSV (UTF-8). Ed-Fi: JSON array or JSON Lines.")


class TriageForm(ModelForm):
    class Meta:
        model = DiscrepancyGroup
        fields = ["responsible_party", "responsible_vendor", "status", "notes"]

    def __init__(self, *args, lea_coordinator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if lea_coordinator:
            del self.fields["responsible_party"]
            del self.fields["responsible_vendor"]
            self.fields["status"].choices = [
                (TriageStatus.EXPLAINED, TriageStatus.EXPLAINED.label),
                (TriageStatus.FIXED_AT_SOURCE, TriageStatus.FIXED_AT_SOURCE.label),
            ]


class EdFiConnectionForm(ModelForm):
    client_secret = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="Stored encrypted and never shown again; leave blank to keep the stored one.",
    )

    class Meta:
        model = EdFiConnection
        fields = ["cycle", "name", "base_url", "token_url", "client_id", "client_secret",
                  "school_year", "page_size"]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("client_secret") and not self.instance.client_secret_encrypted:
            self.add_error("client_secret", "A client secret is required.")
        return cleaned

    def save(self, commit=True):
        if secret := self.cleaned_data.get("client_secret"):
            self.instance.set_secret(secret)
        return super().save(commit=commit)


class ReportDefinitionForm(ModelForm):
    """The definition's JSON fields as text areas; Django's JSONField refuses text that is not
    JSON with a message on the field, the service checks what the JSON says."""

    JSON_FIELDS = ("columns", "record_key", "compared_fields", "category_sets", "crosswalk",
                   "population", "edfi_source")  # fmt: skip

    class Meta:
        model = ReportDefinition
        fields = [
            "code", "name", "file_specs", "derivation", "tolerance_absolute",
            "tolerance_percent", "source", "columns", "record_key", "compared_fields",
            "category_sets", "crosswalk", "population", "edfi_source",
        ]  # fmt: skip
        help_texts = {
            "record_key": 'JSON list of layout fields, e.g. ["lea_id", "student_id"].',
            "compared_fields": "JSON list of the layout fields compared with Ed-Fi.",
            "population": 'JSON object, e.g. {"min_age": 6, "max_age": 21}.',
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.JSON_FIELDS:
            field = self.fields[name]
            # An empty list or object is a valid value (no crosswalk, the shipped source).
            field.required = False
            field.widget.attrs.update(rows=8, spellcheck="false", autocapitalize="off")

    def _empty_json(self, name):
        value = self.cleaned_data.get(name)
        if value is None:
            return {} if name in ("population", "edfi_source") else []
        return value

    def clean(self):
        cleaned = super().clean()
        for name in self.JSON_FIELDS:
            if name in cleaned:
                cleaned[name] = self._empty_json(name)
        return cleaned
