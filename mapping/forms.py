from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, When

from mapping.importers import own_layout
from mapping.models import (
    DataStandardVersion,
    Descriptor,
    DescriptorMapping,
    DescriptorValue,
    EdFiResource,
    ElementMapping,
    Extension,
    LineageAssignment,
    LocalCode,
    LocalCodeSet,
    MappingFeedback,
    MappingKind,
    MappingPlan,
    MappingStatus,
    PracticeChange,
    SeedDataElement,
    StateCode,
    StateCodeSet,
    StateCollection,
    StateElement,
    TargetKind,
)
from mapping.services import versions
from mapping.services.grid import find_properties
from mapping.services.mappings import TRANSITIONS, check_editable, target_problems
from mapping.services.targets import resolve_target_value
from mapping.spreadsheet import LIST_SEPARATOR
from rolloutplanner.forms import ModelForm
from rolloutplanner.spreadsheets import validate_import_upload


def _chosen(form, name, model):
    """The object a create form's field is set to, from the instance, the request or the
    query string (``?plan=3``), or None when the user has not chosen one yet."""
    if form.instance.pk or getattr(form.instance, f"{name}_id", None):
        return getattr(form.instance, name)
    raw = form.data.get(name) if form.is_bound else form.initial.get(name)
    if isinstance(raw, model):
        return raw
    try:
        return model.objects.filter(pk=int(raw)).first() if raw else None
    except (TypeError, ValueError):
        return None


def _offer_plan_version(field, plan, model) -> None:
    """Only the plan's Data Standard; before a plan is chosen, every row names its version."""
    if plan is not None:
        field.queryset = model.objects.for_plan(plan)
    else:
        field.label_from_instance = lambda obj: (
            f"{obj} (Data Standard {versions.version_of(obj).version})"
        )


class MappingPlanForm(ModelForm):
    class Meta:
        model = MappingPlan
        fields = ["name", "data_standard_version", "description"]

    def clean(self):
        cleaned = super().clean()
        version = cleaned.get("data_standard_version")
        for problem in versions.plan_version_change_problems(plan=self.instance, version=version):
            self.add_error("data_standard_version", problem)
        return cleaned


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = _chosen(self, "plan", MappingPlan)
        _offer_plan_version(self.fields["descriptor"], plan, Descriptor)
        self.fields["descriptor"].queryset = self.fields["descriptor"].queryset.select_related(
            "version"
        )

    def clean(self):
        cleaned = super().clean()
        plan, descriptor = cleaned.get("plan"), cleaned.get("descriptor")
        if plan and descriptor:
            for problem in versions.other_version_problems(
                version=plan.data_standard_version, items=[descriptor]
            ):
                self.add_error("descriptor", problem)
        return cleaned


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

    target_value_code = forms.CharField(
        label="Target descriptor value",
        required=False,
        help_text="For a descriptor in a collection, a program association or an identification "
        "code: the code value (e.g. Immigrant, Special Education, District) or "
        "Descriptor#CodeValue.",
    )

    class Meta:
        model = ElementMapping
        fields = [
            "kind",
            "target_kind",
            "active_on",
            "logical_map",
            "transformation_rule",
            "owner",
            "comments",
        ]

    field_order = ["kind", "target_paths", "target_kind", "target_value_code", "active_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form posted without it (an older page, a script) keeps the mapping's target kind.
        self.fields["target_kind"].required = False
        if self.instance.pk and not self.is_bound:
            self.initial["target_paths"] = "\n".join(
                f"{t.resource.name}.{t.path}" for t in self.instance.targets.all()
            )
            if self.instance.target_value_id:
                self.initial["target_value_code"] = str(self.instance.target_value)

    def clean_target_paths(self):
        version = self.instance.element.collection.plan.data_standard_version
        wanted = [
            p.strip()
            for line in self.cleaned_data["target_paths"].splitlines()
            for p in line.split(LIST_SEPARATOR)
            if p.strip()
        ]
        targets, unknown = find_properties(version=version, paths=wanted)
        if unknown:
            raise ValidationError(
                f"Not in Ed-Fi Data Standard {version.version}: {', '.join(unknown)}."
            )
        return targets

    def clean(self):
        cleaned = super().clean()
        check_editable(ElementMapping.objects.get(pk=self.instance.pk))
        version = self.instance.element.collection.plan.data_standard_version
        cleaned["target_value"] = self._target_value(cleaned, version)
        if "target_paths" in cleaned and cleaned.get("kind") and not self.errors:
            for problem in target_problems(
                mapping_kind=cleaned["kind"],
                targets=cleaned["target_paths"],
                version=version,
                target_kind=cleaned.get("target_kind") or TargetKind.PROPERTY,
                target_value=cleaned["target_value"],
                rule=cleaned.get("transformation_rule", ""),
            ):
                self.add_error("target_paths", problem)
        return cleaned

    def clean_target_kind(self):
        return self.cleaned_data["target_kind"] or self.instance.target_kind

    def _target_value(self, cleaned, version):
        code = cleaned.pop("target_value_code", "").strip()
        if not code or "target_paths" not in cleaned:
            return None
        try:
            return resolve_target_value(
                target_kind=cleaned.get("target_kind") or TargetKind.PROPERTY,
                targets=cleaned["target_paths"],
                code=code,
                version=version,
            )
        except LookupError as exc:
            self.add_error("target_value_code", str(exc))
            return None


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        code = _chosen(self, "state_code", StateCode)
        plan = code.code_set.plan if code is not None else None
        field = self.fields["descriptor_value"]
        _offer_plan_version(field, plan, DescriptorValue)
        field.queryset = field.queryset.select_related("descriptor__version")
        if code is not None and code.code_set.descriptor_id:
            # The code set names its descriptor: its values come first, the rest stay possible.
            field.queryset = field.queryset.order_by(
                Case(When(descriptor_id=code.code_set.descriptor_id, then=0), default=1),
                "descriptor__name",
                "code_value",
            )

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
            for problem in versions.other_version_problems(
                version=code.code_set.plan.data_standard_version, items=[value]
            ):
                self.add_error("descriptor_value", problem)
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

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan is not None:  # comparing a plan with its own version tells nothing
            self.fields["version"].queryset = DataStandardVersion.objects.exclude(
                pk=plan.data_standard_version_id
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = _chosen(self, "plan", MappingPlan)
        _offer_plan_version(self.fields["resource"], plan, EdFiResource)
        self.fields["resource"].queryset = self.fields["resource"].queryset.select_related(
            "version"
        )

    def clean(self):
        cleaned = super().clean()
        plan, resource = cleaned.get("plan"), cleaned.get("resource")
        if plan and resource:
            for problem in versions.other_version_problems(
                version=plan.data_standard_version, items=[resource]
            ):
                self.add_error("resource", problem)
        return cleaned


class OwnLayoutUploadForm(forms.Form):
    file = forms.FileField(
        label="Your mapping spreadsheet (.csv or .xlsx)",
        validators=[validate_import_upload],
        help_text="Any layout: the next step asks which of its columns mean what.",
    )


NOT_IN_FILE = ("", "— not in this file —")


class OwnLayoutColumnsForm(forms.Form):
    """Which column of the team's sheet holds each field; one select per field."""

    sheet = forms.ChoiceField(label="Sheet")
    collection_name = forms.CharField(
        label="Collection name (when no column holds it)", required=False, max_length=200
    )

    def __init__(self, *args, sheets: dict[str, list[str]], sheet: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = sheets[sheet]
        self.fields["sheet"].choices = [(title, title or "(the file)") for title in sheets]
        self.fields["sheet"].initial = sheet
        for name, label, _ in own_layout.FIELDS:
            self.fields[f"column_{name}"] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[NOT_IN_FILE, *((h, h) for h in self.headers)],
            )

    def column_map(self) -> own_layout.ColumnMap:
        data = self.cleaned_data
        return own_layout.ColumnMap(
            sheet=data["sheet"],
            columns={
                name: data[f"column_{name}"]
                for name, _, _ in own_layout.FIELDS
                if data.get(f"column_{name}")
            },
            collection_name=data.get("collection_name", ""),
        )

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            for problem in self.column_map().problems(self.headers):
                self.add_error(None, problem)
        return cleaned

    @staticmethod
    def initial_for(column_map: own_layout.ColumnMap) -> dict:
        return {
            "sheet": column_map.sheet,
            "collection_name": column_map.collection_name,
            **{f"column_{name}": header for name, header in column_map.columns.items()},
        }


class GridRowForm(forms.Form):
    """One row of the collection grid; its prefix names the mapping (row-<pk>)."""

    version = forms.CharField(widget=forms.HiddenInput)
    selected = forms.BooleanField(required=False, label="Select")
    kind = forms.ChoiceField(choices=MappingKind.choices, label="Kind")
    targets = forms.CharField(required=False, label="Ed-Fi targets", max_length=2000)
    transformation_rule = forms.CharField(required=False, label="Rule", max_length=2000)
    owner = forms.ModelChoiceField(queryset=None, required=False, label="Owner")
    status = forms.ChoiceField(choices=MappingStatus.choices, label="Status")

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users

    def target_paths(self) -> list[str]:
        return [p.strip() for p in self.cleaned_data["targets"].split(LIST_SEPARATOR) if p.strip()]


class GridBulkForm(forms.Form):
    """Changes applied to every selected row before the grid is saved."""

    bulk_kind = forms.ChoiceField(
        choices=[("", "Leave as is"), *MappingKind.choices], required=False, label="Set kind"
    )
    bulk_target = forms.CharField(
        required=False, label="Add target (Resource.Property)", max_length=300
    )
    bulk_owner = forms.ModelChoiceField(
        queryset=None, required=False, label="Set owner", empty_label="Leave as is"
    )
    bulk_status = forms.ChoiceField(
        choices=[("", "Leave as is"), *MappingStatus.choices], required=False, label="Set status"
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bulk_owner"].queryset = users
