from django import forms

from rolloutplanner.forms import DateInput, ModelForm
from rolloutplanner.timeline.models import Milestone, Phase, Wave
from rolloutplanner.timeline.widgets import FastSelect, FastSelectMultiple


class PhaseForm(ModelForm):
    class Meta:
        model = Phase
        fields = ["number", "name", "description"]


class WaveForm(ModelForm):
    class Meta:
        model = Wave
        fields = ["name", "leas", "description"]


class MilestoneForm(ModelForm):
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
            **{name: FastSelect for name in ("lea", "vendor", "wave", "owner")},
        }


class DependenciesForm(forms.Form):
    """Several predecessors of one milestone at once. The field keeps the single-number
    form's name, so a post naming one predecessor still works."""

    predecessor = forms.ModelMultipleChoiceField(
        queryset=Milestone.objects.none(),
        widget=FastSelectMultiple,
        label="Predecessors",
        help_text=(
            "Each chosen milestone must finish before this one starts. Hold Ctrl (or Cmd) to "
            "choose several; all are added, or none if one would close a cycle."
        ),
        error_messages={"invalid_choice": "Choose milestones you can see (%(value)s is not one)."},
    )

    def __init__(self, *args, milestones=None, successor=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["predecessor"]
        queryset = milestones.order_by("planned_start", "code", "pk")
        if successor is not None:
            queryset = queryset.exclude(pk=successor.pk)
        field.queryset = queryset
        # Labels with dates, read in one query, so a list of a thousand options stays cheap.
        field.widget.choices = [
            (pk, f"{code} {name} ({start:%Y-%m-%d} – {end:%Y-%m-%d})".strip())
            for pk, code, name, start, end in queryset.values_list(
                "pk", "code", "name", "planned_start", "planned_end"
            )
        ]


class RescheduleForm(forms.Form):
    """New planned dates for one milestone (from a drag, the keyboard or the page itself)."""

    planned_start = forms.DateField(label="Planned start", widget=DateInput)
    planned_end = forms.DateField(label="Planned end", widget=DateInput)

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", "The planned end cannot be before the planned start.")
        return data


class RescheduleSaveForm(RescheduleForm):
    change_reason = forms.CharField(
        max_length=100,
        label="Reason for the change",
        help_text="Sent with the change notices to the affected LEAs and vendors.",
        error_messages={"required": "Say why the planned dates move."},
    )


class BaselineForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="e.g. “Board-approved plan, March”.")
