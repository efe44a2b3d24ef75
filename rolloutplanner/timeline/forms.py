from django import forms

from rolloutplanner.timeline.models import Milestone, Phase, Wave
from rolloutplanner.timeline.widgets import FastSelect

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FIELDS = ("planned_start", "planned_end", "actual_start", "actual_end")


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["number", "name", "description"]


class WaveForm(forms.ModelForm):
    class Meta:
        model = Wave
        fields = ["name", "leas", "description"]


class MilestoneForm(forms.ModelForm):
    change_reason = forms.CharField(
        max_length=100,
        required=False,
        label="Reason for the change",
        help_text="Required when planned dates move; sent to the affected LEAs and vendors.",
    )

    class Meta:
        model = Milestone
        fields = [
            "phase",
            "code",
            "name",
            "kind",
            "scope",
            "wave",
            "lea",
            "vendor",
            "owner",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "description",
        ]
        widgets = {
            **{name: DATE_INPUT for name in DATE_FIELDS},
            **{name: FastSelect for name in ("lea", "vendor", "wave", "owner")},
        }


class DependencyForm(forms.Form):
    predecessor = forms.ModelChoiceField(
        queryset=Milestone.objects.none(),
        widget=forms.NumberInput,
        label="Predecessor (milestone number)",
        help_text="This milestone must finish before the successor starts.",
    )

    def __init__(self, *args, milestones=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["predecessor"].queryset = milestones


class BaselineForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="e.g. “Board-approved plan, March”.")
