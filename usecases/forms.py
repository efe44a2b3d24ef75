from django import forms

from rolloutplanner.forms import DateInput, ModelForm
from usecases import models as m


class StakeholderForm(ModelForm):
    class Meta:
        model = m.Stakeholder
        fields = [
            "name",
            "category",
            "role_title",
            "organisation",
            "interest",
            "influence",
            "data_access",
            "preferred_channel",
            "email",
            "user",
            "lea",
            "vendor",
        ]


class DataSystemForm(ModelForm):
    class Meta:
        model = m.DataSystem
        fields = ["name", "system_type", "owner", "vendor", "hosting", "data_held"]


class DataFlowForm(ModelForm):
    class Meta:
        model = m.DataFlow
        fields = ["source", "target", "data", "frequency", "method"]


class DocumentCreateForm(forms.Form):
    kind = forms.ChoiceField(choices=m.DocumentKind.choices)
    title = forms.CharField(max_length=300)
    timeline_phase = forms.CharField(max_length=200, required=False)


class DocumentForm(ModelForm):
    class Meta:
        model = m.PlanningDocument
        fields = ["title", "data_systems", "timeline_phase"]


class SectionForm(ModelForm):
    class Meta:
        model = m.DocumentSection
        fields = ["heading", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}


class RiskForm(ModelForm):
    class Meta:
        model = m.Risk
        fields = ["document", "description", "likelihood", "impact", "mitigation", "owner"]


class DataRequirementForm(ModelForm):
    class Meta:
        model = m.DataRequirement
        fields = ["document", "data_system", "source_name", "elements", "state_elements"]


class StakeholderImpactForm(ModelForm):
    class Meta:
        model = m.StakeholderImpact
        fields = ["document", "stakeholder", "impact", "data_access"]


class ScopeItemForm(ModelForm):
    class Meta:
        model = m.ScopeItem
        fields = ["document", "category", "text", "use_cases"]


class DecisionForm(ModelForm):
    class Meta:
        model = m.Decision
        fields = [
            "category",
            "title",
            "question",
            "options_considered",
            "decision",
            "rationale",
            "decided_by",
            "decided_on",
            "status",
        ]


class CommunicationItemForm(ModelForm):
    class Meta:
        model = m.CommunicationItem
        fields = ["audience", "message", "channel", "frequency", "owner", "next_date", "active"]


class CommunicationLogForm(ModelForm):
    class Meta:
        model = m.CommunicationLog
        fields = ["sent_on", "summary"]


class ChecklistTaskForm(ModelForm):
    class Meta:
        model = m.ChecklistTask
        fields = ["number", "level", "title", "parent", "guidance", "status", "position"]


class InstrumentForm(ModelForm):
    class Meta:
        model = m.Instrument
        fields = [
            "name",
            "description",
            "level_1_label",
            "level_2_label",
            "level_3_label",
            "level_4_label",
        ]


class DimensionForm(ModelForm):
    class Meta:
        model = m.Dimension
        fields = ["instrument", "title", "position"]


class AssessmentItemForm(ModelForm):
    class Meta:
        model = m.AssessmentItem
        fields = ["dimension", "text", "level_1", "level_2", "level_3", "level_4", "position"]


class AssessmentRoundForm(ModelForm):
    class Meta:
        model = m.AssessmentRound
        fields = ["instrument", "name", "held_on", "notes"]


class ReviewForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        queryset=m.Stakeholder.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    due = forms.DateField(label="Due date", widget=DateInput)


class CommentForm(forms.Form):
    body = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        choices=[("accepted", "Accept"), ("declined", "Decline")], widget=forms.RadioSelect
    )
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionNoteForm(forms.Form):
    comment = forms.CharField(
        label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
