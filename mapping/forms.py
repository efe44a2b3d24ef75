from django import forms
from django.core.exceptions import ValidationError

from mapping.models import (
    DataStandardVersion,
    DescriptorMapping,
    EdFiProperty,
    ElementMapping,
    Extension,
    LineageAssignment,
    LocalCode,
    LocalCodeSet,
    MappingFeedback,
    MappingPlan,
    MappingStatus,
    PracticeChange,
    SeedDataElement,
    StateCode,
    StateCodeSet,
    StateCollection,
    StateElement,
)
from mapping.services.mappings import TRANSITIONS, check_editable, target_problems
from mapping.spreadsheet import LIST_SEPARATOR
from rolloutplanner.forms import ModelForm
from rolloutplanner.spreadsheets import validate_import_upload


class MappingPlanForm(ModelForm):
    class Meta:
        model = MappingPlan
        fields = ["name", "data_standard_version", "description"]


class StateCollectionForm(ModelForm):
    class Meta:
        model = StateCollection
        fields = ["plan", "name", "description"]


class StateElementForm(ModelForm):
    class Meta:
        model = StateElement
        fields = ["collection", "name", "definition", "data_type", "required", "code_set"]

    def clean(self):
        cleaned = super().clean()
        collection, code_set = cleaned.get("collection"), cleaned.get("code_set")
        if collection and code_set and code_set.plan_id != collection.plan_id:
            self.add_error("code_set", "Choose a code set of the same mapping plan.")
        return cleaned


class StateCodeSetForm(ModelForm):
    class Meta:
        model = StateCodeSet
        fields = ["plan", "name", "descriptor"]


class StateCodeForm(ModelForm):
    class Meta:
        model = StateCode
        fields = ["code_set", "code", "description"]


class ElementMappingForm(ModelForm):
    """Edits an unapproved mapping; targets are typed as Resource.Path, one per line."""

    target_paths = forms.CharField(
        label="Ed-Fi targets",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One Resource.PropertyPath per line, e.g. Student.BirthDate.",
    )

    class Meta:
        model = ElementMapping
        fields = ["kind", "logical_map", "transformation_rule", "owner", "comments"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["target_paths"] = "\n".join(
                f"{t.resource.name}.{t.path}" for t in self.instance.targets.all()
            )

    def clean_target_paths(self):
        version = self.instance.element.collection.plan.data_standard_version
        wanted = [
            p.strip()
            for line in self.cleaned_data["target_paths"].splitlines()
            for p in line.split(LIST_SEPARATOR)
            if p.strip()
        ]
        targets, unknown = [], []
        for path in wanted:
            resource, _, prop = path.partition(".")
            match = (
                EdFiProperty.objects.filter(
                    resource__version=version, resource__name=resource, path=prop
                )
                .select_related("resource")
                .first()
            )
            (targets.append(match) if match else unknown.append(path))
        if unknown:
            raise ValidationError(
                f"Not in Ed-Fi Data Standard {version.version}: {', '.join(unknown)}."
            )
        return targets

    def clean(self):
        cleaned = super().clean()
        check_editable(ElementMapping.objects.get(pk=self.instance.pk))
        if "target_paths" in cleaned and cleaned.get("kind"):
            version = self.instance.element.collection.plan.data_standard_version
            for problem in target_problems(
                mapping_kind=cleaned["kind"], targets=cleaned["target_paths"], version=version
            ):
                self.add_error("target_paths", problem)
        return cleaned


class TransitionForm(forms.Form):
    transition = forms.ChoiceField(choices=[(t, t) for t in TRANSITIONS])


class BulkMappingForm(forms.Form):
    mappings = forms.ModelMultipleChoiceField(queryset=ElementMapping.objects.none())
    status = forms.ChoiceField(
        choices=[("", "Leave as is"), *MappingStatus.choices], required=False
    )
    owner = forms.ModelChoiceField(queryset=None, required=False, empty_label="Leave as is")

    def __init__(self, *args, mappings, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mappings"].queryset = mappings
        self.fields["owner"].queryset = users


class FeedbackForm(ModelForm):
    class Meta:
        model = MappingFeedback
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}


class FeedbackAnswerForm(ModelForm):
    class Meta:
        model = MappingFeedback
        fields = ["answer", "status"]
        help_texts = {"status": "Left empty, an answer marks the feedback answered."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].required = False


class DescriptorMappingForm(ModelForm):
    class Meta:
        model = DescriptorMapping
        fields = ["state_code", "descriptor_value", "notes"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = DescriptorMapping.objects.get(pk=self.instance.pk)
            try:
                check_editable(current)
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages) from None
        code, value = cleaned.get("state_code"), cleaned.get("descriptor_value")
        if code and value:
            version_id = code.code_set.plan.data_standard_version_id
            if value.descriptor.version_id != version_id:
                self.add_error(
                    "descriptor_value", "Choose a value of the plan's Data Standard version."
                )
        return cleaned


class LocalCodeSetForm(ModelForm):
    class Meta:
        model = LocalCodeSet
        fields = ["lea", "state_code_set", "name"]


class LocalCodeForm(ModelForm):
    class Meta:
        model = LocalCode
        fields = ["local_code_set", "code", "description", "state_code"]

    def clean(self):
        cleaned = super().clean()
        code_set, state_code = cleaned.get("local_code_set"), cleaned.get("state_code")
        if code_set and state_code and state_code.code_set_id != code_set.state_code_set_id:
            self.add_error("state_code", "Roll up to a code of the set this local set refines.")
        return cleaned


class SpecUploadForm(forms.Form):
    file = forms.FileField(
        label="Collection specification (.csv or .xlsx)",
        validators=[validate_import_upload],
        help_text="Columns: collection, element, definition, data_type, required, code_set, "
        "allowed_values. An exported plan workbook can be imported back as well.",
    )


class UpgradeImpactForm(forms.Form):
    version = forms.ModelChoiceField(
        queryset=DataStandardVersion.objects.all(), label="Compare with Data Standard"
    )


class SeedDataElementForm(ModelForm):
    class Meta:
        model = SeedDataElement
        fields = [
            "plan",
            "category",
            "element",
            "authoritative_source",
            "delivery",
            "owner",
            "notes",
        ]


class ExtensionForm(ModelForm):
    class Meta:
        model = Extension
        fields = [
            "plan",
            "name",
            "proposed_elements",
            "category",
            "justification",
            "status",
            "state_elements",
        ]


class PracticeChangeForm(ModelForm):
    class Meta:
        model = PracticeChange
        fields = ["plan", "description", "owner", "affected_collection", "status"]


class LineageAssignmentForm(ModelForm):
    class Meta:
        model = LineageAssignment
        fields = ["plan", "resource", "source_system", "properties", "load_order"]

    def clean(self):
        cleaned = super().clean()
        plan, resource = cleaned.get("plan"), cleaned.get("resource")
        if plan and resource and resource.version_id != plan.data_standard_version_id:
            self.add_error("resource", "Choose a resource of the plan's Data Standard version.")
        return cleaned
