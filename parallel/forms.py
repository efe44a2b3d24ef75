from django import forms

from leas.models import LEA
from parallel.models import (
    CollectionCycle,
    DiscrepancyGroup,
    EdFiResource,
    Side,
    TriageStatus,
)


class CollectionCycleForm(forms.ModelForm):
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
        ]
        widgets = {
            "snapshot_date": forms.DateInput(attrs={"type": "date"}),
            "legacy_due_date": forms.DateInput(attrs={"type": "date"}),
            "edfi_due_date": forms.DateInput(attrs={"type": "date"}),
        }


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


class TriageForm(forms.ModelForm):
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
