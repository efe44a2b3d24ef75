"""API serializers; fields listed explicitly, rules delegated to the services."""

from rest_framework import serializers

from mapping.models import (
    CoverageRun,
    DataStandardVersion,
    Descriptor,
    DescriptorMapping,
    DescriptorValue,
    EdFiProperty,
    EdFiResource,
    ElementMapping,
    Extension,
    LineageAssignment,
    LocalCode,
    LocalCodeSet,
    MappingFeedback,
    MappingPlan,
    PracticeChange,
    SeedDataElement,
    StateCode,
    StateCodeSet,
    StateCollection,
    StateElement,
)
from mapping.services import versions
from mapping.services.mappings import (
    TRANSITIONS,
    check_editable,
    target_problems,
    target_reading,
)
from mapping.services.state import map_state_code
from mapping.services.targets import describe_target
from rolloutplanner.api.serializers import CleanedModelSerializer

# target_problems' keyword → the serializer field that carries it.
READING_FIELDS = {
    "target_kind": "target_kind",
    "target_value": "target_value",
    "rule": "transformation_rule",
}


class _SavedByService:
    """Creates and updates go through a service, which refuses catalog rows of
    another Data Standard version than the plan's, as the pages and imports do
    (``save_with(obj)``)."""

    @staticmethod
    def save_with(obj):
        raise NotImplementedError

    def create(self, validated_data):
        return type(self).save_with(self.Meta.model(**validated_data))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return type(self).save_with(instance)


class DataStandardVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DataStandardVersion
        fields = ["id", "version", "licence", "source", "imported_at"]


class EdFiResourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = EdFiResource
        fields = [
            "id",
            "version",
            "name",
            "kind",
            "is_abstract",
            "base",
            "definition",
            "api_endpoint",
            "primary_domain",
            "domains",
            "identity",
        ]


class EdFiPropertySerializer(serializers.ModelSerializer):
    resource_name = serializers.CharField(source="resource.name", read_only=True)

    class Meta:
        model = EdFiProperty
        fields = [
            "id",
            "resource",
            "resource_name",
            "path",
            "name",
            "data_type",
            "descriptor",
            "references",
            "required",
            "is_identity",
            "is_collection",
            "max_length",
            "definition",
            "api_path",
        ]


class DescriptorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Descriptor
        fields = ["id", "version", "name", "namespace", "definition", "api_endpoint"]


class DescriptorValueSerializer(serializers.ModelSerializer):
    uri = serializers.CharField(read_only=True)

    class Meta:
        model = DescriptorValue
        fields = ["id", "descriptor", "code_value", "short_description", "description", "uri"]


class MappingPlanSerializer(_SavedByService, serializers.ModelSerializer):
    save_with = staticmethod(lambda plan: versions.save_plan(plan=plan))

    class Meta:
        model = MappingPlan
        fields = ["id", "name", "data_standard_version", "description"]


class StateCollectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = StateCollection
        fields = ["id", "plan", "name", "description"]


class StateElementSerializer(serializers.ModelSerializer):
    class Meta:
        model = StateElement
        fields = ["id", "collection", "name", "definition", "data_type", "required", "code_set"]


class StateCodeSetSerializer(_SavedByService, serializers.ModelSerializer):
    save_with = staticmethod(lambda code_set: versions.save_code_set(code_set=code_set))

    class Meta:
        model = StateCodeSet
        fields = ["id", "plan", "name", "descriptor"]


class StateCodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = StateCode
        fields = ["id", "code_set", "code", "description"]


class ElementMappingSerializer(serializers.ModelSerializer):
    """Status is read-only here: it moves through the ``transition`` action."""

    element_name = serializers.CharField(source="element.name", read_only=True)
    collection = serializers.IntegerField(source="element.collection_id", read_only=True)
    target_paths = serializers.SerializerMethodField()
    open_feedback = serializers.IntegerField(read_only=True, default=None)
    targets = serializers.PrimaryKeyRelatedField(
        queryset=EdFiProperty.objects.select_related("resource"), many=True, required=False
    )
    target_value = serializers.PrimaryKeyRelatedField(
        queryset=DescriptorValue.objects.select_related("descriptor"),
        required=False,
        allow_null=True,
    )
    target_value_uri = serializers.CharField(
        source="target_value.uri", read_only=True, default=None
    )
    target_summary = serializers.SerializerMethodField()

    class Meta:
        model = ElementMapping
        fields = [
            "id",
            "element",
            "element_name",
            "collection",
            "kind",
            "targets",
            "target_paths",
            "target_kind",
            "target_value",
            "target_value_uri",
            "active_on",
            "target_summary",
            "logical_map",
            "transformation_rule",
            "owner",
            "status",
            "comments",
            "submitted_by",
            "approved_by",
            "approved_at",
            "open_feedback",
        ]
        read_only_fields = ["status", "submitted_by", "approved_by", "approved_at"]

    def get_target_paths(self, obj) -> list[str]:
        return [f"{t.resource.name}.{t.path}" for t in obj.targets.all()]

    def get_target_summary(self, obj) -> str:
        return describe_target(obj)

    def validate(self, attrs):
        instance = self.instance
        if instance is not None:
            if "element" in attrs and attrs["element"] != instance.element:
                raise serializers.ValidationError({"element": "A mapping keeps its element."})
            check_editable(instance)
        element = attrs.get("element") or instance.element
        kind = attrs.get("kind", instance.kind if instance else "not_mapped")
        targets = attrs.get("targets")
        if targets is None:
            targets = list(instance.targets.select_related("resource")) if instance else []
        reading = target_reading(instance) if instance else {}
        reading.update({name: attrs[key] for name, key in READING_FIELDS.items() if key in attrs})
        problems = target_problems(
            mapping_kind=kind,
            targets=targets,
            version=element.collection.plan.data_standard_version,
            **reading,
        )
        if problems:
            raise serializers.ValidationError({"targets": problems})
        return attrs


class PropertySuggestionSerializer(serializers.Serializer):
    """One suggested Ed-Fi property and why it was ranked where it is."""

    target = serializers.IntegerField(source="target.pk")
    target_path = serializers.CharField(source="target")
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())


class CopyToSiblingSerializer(serializers.Serializer):
    sibling = serializers.PrimaryKeyRelatedField(
        queryset=StateElement.objects.all(), help_text="The sibling state element (column)."
    )


class _UsedMappingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    element = serializers.CharField(source="__str__")
    plan = serializers.IntegerField(source="element.collection.plan_id")
    kind = serializers.CharField()
    status = serializers.CharField()


class _UsedLineageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="plan_id")
    source_system = serializers.CharField()
    load_order = serializers.IntegerField()


class _UsedCodeSetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    plan = serializers.IntegerField(source="plan_id")


class _UsedPlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PropertyUsageSerializer(serializers.Serializer):
    """Where an Ed-Fi property is used (``selectors.property_usage``)."""

    plans = _UsedPlanSerializer(many=True)
    mappings = _UsedMappingSerializer(many=True)
    lineage = _UsedLineageSerializer(many=True)
    code_sets = _UsedCodeSetSerializer(many=True)


class TransitionSerializer(serializers.Serializer):
    transition = serializers.ChoiceField(choices=TRANSITIONS)


class MappingFeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = MappingFeedback
        fields = [
            "id",
            "mapping",
            "author",
            "lea",
            "vendor",
            "body",
            "status",
            "answer",
            "answered_by",
            "created_at",
        ]
        read_only_fields = ["author", "lea", "vendor", "answered_by", "created_at"]


class DescriptorMappingSerializer(serializers.ModelSerializer):
    class Meta:
        model = DescriptorMapping
        fields = [
            "id", "state_code", "descriptor_value", "notes", "status", "submitted_by",
            "approved_by", "approved_at",
        ]  # fmt: skip
        # The review moves only through the transition action.
        read_only_fields = ["status", "submitted_by", "approved_by", "approved_at"]

    def validate(self, attrs):
        if self.instance is not None:
            check_editable(DescriptorMapping.objects.get(pk=self.instance.pk))
        code = attrs.get("state_code") or self.instance.state_code
        value = attrs.get("descriptor_value") or self.instance.descriptor_value
        problems = versions.other_version_problems(
            version=code.code_set.plan.data_standard_version, items=[value]
        )
        if problems:
            raise serializers.ValidationError({"descriptor_value": problems})
        return attrs

    def create(self, validated_data):
        request = self.context.get("request")
        mapping, _ = map_state_code(
            state_code=validated_data["state_code"],
            descriptor_value=validated_data["descriptor_value"],
            notes=validated_data.get("notes", ""),
            user=getattr(request, "user", None),
        )
        return mapping


class LocalCodeSetSerializer(serializers.ModelSerializer):
    class Meta:
        model = LocalCodeSet
        fields = ["id", "lea", "state_code_set", "name"]


class LocalCodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = LocalCode
        fields = ["id", "local_code_set", "code", "description", "state_code"]

    def validate(self, attrs):
        code_set = attrs.get("local_code_set") or self.instance.local_code_set
        state_code = attrs.get("state_code") or self.instance.state_code
        if state_code.code_set_id != code_set.state_code_set_id:
            raise serializers.ValidationError(
                {"state_code": "Roll up to a code of the set this local set refines."}
            )
        return attrs


class CoverageRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = CoverageRun
        fields = ["id", "plan", "job", "created_at", "element_count", "mapped_percent", "result"]


class SeedDataElementSerializer(CleanedModelSerializer):
    class Meta:
        model = SeedDataElement
        fields = [
            "id",
            "plan",
            "category",
            "element",
            "authoritative_source",
            "delivery",
            "owner",
            "notes",
        ]
        # As on the page: every save names a source system (rows migrated without one too).
        extra_kwargs = {"authoritative_source": {"required": True, "allow_null": False}}


class ExtensionSerializer(serializers.ModelSerializer):
    state_elements = serializers.PrimaryKeyRelatedField(
        queryset=StateElement.objects.all(), many=True, required=False
    )

    class Meta:
        model = Extension
        fields = [
            "id",
            "plan",
            "name",
            "proposed_elements",
            "category",
            "justification",
            "status",
            "state_elements",
        ]


class PracticeChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PracticeChange
        fields = ["id", "plan", "description", "owner", "affected_collection", "status"]


class LineageAssignmentSerializer(_SavedByService, serializers.ModelSerializer):
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    save_with = staticmethod(lambda step: versions.save_lineage_assignment(assignment=step))

    class Meta:
        model = LineageAssignment
        fields = [
            "id",
            "plan",
            "resource",
            "resource_name",
            "source_system",
            "properties",
            "load_order",
        ]

    def validate(self, attrs):
        plan = attrs.get("plan") or self.instance.plan
        resource = attrs.get("resource") or self.instance.resource
        problems = versions.other_version_problems(
            version=plan.data_standard_version, items=[resource]
        )
        if problems:
            raise serializers.ValidationError({"resource": problems})
        return attrs
