from django import forms

from leas.models import (
    LEA,
    Cohort,
    LEAPerson,
    ReadinessItem,
    SupportNetwork,
    SupportRequest,
)
from rolloutplanner.forms import ModelForm
from rolloutplanner.spreadsheets import validate_import_upload


class LEAForm(ModelForm):
    class Meta:
        model = LEA
        fields = [
            "name",
            "state_lea_id",
            "nces_id",
            "enrollment",
            "capacity",
            "urbanicity",
            "region",
            "poverty_level",
            "sis_vendor",
            "source_systems",
        ]


class LEAImportForm(forms.Form):
    file = forms.FileField(
        label="LEA registry file (.csv or .xlsx)",
        validators=[validate_import_upload],
        help_text="Keyed by state_lea_id; a file with any error changes nothing.",
    )


class LEAPersonForm(ModelForm):
    """Adding a person names the LEA; editing never moves a person to another LEA."""

    class Meta:
        model = LEAPerson
        fields = [
            "lea",
            "name",
            "title",
            "reporting_role",
            "email",
            "state_data_hours",
            "hours_period",
            "training_completed",
            "started_on",
            "left_on",
        ]


class LEAPersonEditForm(LEAPersonForm):
    class Meta(LEAPersonForm.Meta):
        fields = [f for f in LEAPersonForm.Meta.fields if f != "lea"]


class ReadinessItemForm(ModelForm):
    class Meta:
        model = ReadinessItem
        fields = ["lea", "phase", "key", "title", "order", "status", "status_on", "evidence_note"]


class ReadinessStatusForm(ModelForm):
    """What anyone keeping a checklist item changes: its status, date and evidence."""

    class Meta:
        model = ReadinessItem
        fields = ["status", "status_on", "evidence_note"]


class SupportRequestForm(ModelForm):
    class Meta:
        model = SupportRequest
        fields = ["lea", "kind", "topic", "held_on", "participants", "outcome", "resolved"]


class SupportRequestEditForm(SupportRequestForm):
    class Meta(SupportRequestForm.Meta):
        fields = [f for f in SupportRequestForm.Meta.fields if f != "lea"]


class SupportNetworkForm(ModelForm):
    class Meta:
        model = SupportNetwork
        fields = ["lea", "kind", "name", "contact", "notes"]


class SupportNetworkEditForm(SupportNetworkForm):
    class Meta(SupportNetworkForm.Meta):
        fields = [f for f in SupportNetworkForm.Meta.fields if f != "lea"]


class CohortForm(ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "kind", "wave_number", "notes"]


class CohortBuilderForm(forms.Form):
    """The cohort builder's inputs: LEAs picked by hand, or a size to suggest a cohort."""

    leas = forms.ModelMultipleChoiceField(
        label="LEAs in the cohort", queryset=LEA.objects.none(), required=False
    )
    size = forms.IntegerField(
        label="Cohort size to suggest", min_value=1, max_value=200, required=False, initial=12
    )
    must_include = forms.ModelMultipleChoiceField(
        label="Must include", queryset=LEA.objects.none(), required=False
    )
    exclude = forms.ModelMultipleChoiceField(
        label="Exclude", queryset=LEA.objects.none(), required=False
    )

    def __init__(self, *args, leas_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("leas", "must_include", "exclude"):
            self.fields[name].queryset = leas_queryset


class SaveCohortVersionForm(forms.Form):
    cohort = forms.ModelChoiceField(label="Save to cohort", queryset=Cohort.objects.none())
    leas = forms.ModelMultipleChoiceField(
        queryset=LEA.objects.none(), widget=forms.MultipleHiddenInput
    )
    note = forms.CharField(label="Note for this version", max_length=300, required=False)

    def __init__(self, *args, cohorts_queryset, leas_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts_queryset
        self.fields["leas"].queryset = leas_queryset


class TurnoverFilterForm(forms.Form):
    months = forms.IntegerField(
        label="Changes in the last N months", min_value=1, max_value=60, required=False, initial=6
    )
