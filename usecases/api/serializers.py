from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rolloutplanner.api.serializers import CleanedModelSerializer
from usecases import models as m


def inline_choice_field(choices, **kwargs) -> serializers.ChoiceField:
    """A choice field documented inline in the schema, not as a shared enum component.

    Several planning models reuse a choice set under different names (likelihood, impact,
    influence) or a field name with different choices (status); inline enums keep the
    OpenAPI schema free of component-name collisions.
    """
    values = [value for value, _ in choices]
    # A pattern, not an enum: drf-spectacular turns every enum into a named component.
    schema = {
        "type": "string",
        "pattern": f"^({'|'.join(values)})$",
        "description": "One of: " + ", ".join(f"`{v}` ({label})" for v, label in choices),
    }
    field_class = extend_schema_field(schema)(
        type("InlineChoiceField", (serializers.ChoiceField,), {})
    )
    return field_class(choices=choices, **kwargs)


class StakeholderSerializer(CleanedModelSerializer):
    influence = inline_choice_field(m.Level.choices, required=False)

    class Meta:
        model = m.Stakeholder
        fields = [
            "id",
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


class DataSystemSerializer(CleanedModelSerializer):
    class Meta:
        model = m.DataSystem
        fields = ["id", "name", "system_type", "owner", "vendor", "hosting", "data_held"]


class DataFlowSerializer(CleanedModelSerializer):
    class Meta:
        model = m.DataFlow
        fields = ["id", "source", "target", "data", "frequency", "method"]


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.DocumentSection
        fields = ["id", "document", "key", "heading", "guidance", "body", "position"]
        read_only_fields = ["document", "key", "guidance", "position"]


class PlanningDocumentSerializer(CleanedModelSerializer):
    sections = SectionSerializer(many=True, read_only=True)
    status = inline_choice_field(m.DocumentStatus.choices, read_only=True)

    class Meta:
        model = m.PlanningDocument
        fields = [
            "id",
            "kind",
            "title",
            "status",
            "version",
            "reviewers",
            "review_due",
            "data_systems",
            "timeline_phase",
            "representation",
            "submitted_by",
            "created_at",
            "sections",
        ]
        read_only_fields = [
            "status",
            "version",
            "reviewers",
            "review_due",
            "representation",
            "submitted_by",
            "created_at",
        ]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["kind"].read_only = True
        return fields


class RiskSerializer(CleanedModelSerializer):
    likelihood = inline_choice_field(m.Level.choices, required=False)
    impact = inline_choice_field(m.Level.choices, required=False)

    class Meta:
        model = m.Risk
        fields = ["id", "document", "description", "likelihood", "impact", "mitigation", "owner"]


class DataRequirementSerializer(CleanedModelSerializer):
    class Meta:
        model = m.DataRequirement
        fields = ["id", "document", "data_system", "source_name", "elements", "state_elements"]


class StakeholderImpactSerializer(CleanedModelSerializer):
    class Meta:
        model = m.StakeholderImpact
        fields = ["id", "document", "stakeholder", "impact", "data_access"]


class ScopeItemSerializer(CleanedModelSerializer):
    class Meta:
        model = m.ScopeItem
        fields = ["id", "document", "category", "text", "use_cases"]


class SectionCommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.SectionComment
        fields = [
            "id",
            "section",
            "version",
            "author",
            "body",
            "created_at",
            "resolution",
            "resolution_reason",
            "resolved_by",
            "resolved_at",
        ]
        read_only_fields = fields


class CommentCreateSerializer(serializers.Serializer):
    section = serializers.PrimaryKeyRelatedField(queryset=m.DocumentSection.objects.all())
    body = serializers.CharField()


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.ChoiceField(choices=["accepted", "declined"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewRequestSerializer(serializers.Serializer):
    reviewers = serializers.PrimaryKeyRelatedField(queryset=m.Stakeholder.objects.all(), many=True)
    due = serializers.DateField()


class DecisionNoteSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ApprovalSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.Approval
        fields = ["id", "document", "version", "kind", "decided_by", "decided_at", "comment"]
        read_only_fields = fields


class DocumentVersionSerializer(serializers.ModelSerializer):
    status = inline_choice_field(m.DocumentStatus.choices, read_only=True)

    class Meta:
        model = m.DocumentVersion
        fields = ["id", "document", "number", "status", "recorded_at", "sections"]
        read_only_fields = fields


class SectionDiffSerializer(serializers.Serializer):
    heading = serializers.CharField()
    status = serializers.CharField()
    lines = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))


class DecisionSerializer(CleanedModelSerializer):
    status = inline_choice_field(m.DecisionStatus.choices, required=False)

    class Meta:
        model = m.Decision
        fields = [
            "id",
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


class CommunicationItemSerializer(CleanedModelSerializer):
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = m.CommunicationItem
        fields = [
            "id",
            "audience",
            "message",
            "channel",
            "frequency",
            "owner",
            "next_date",
            "active",
            "is_overdue",
        ]


class CommunicationLogSerializer(CleanedModelSerializer):
    class Meta:
        model = m.CommunicationLog
        fields = ["id", "item", "sent_on", "summary", "sent_by"]
        read_only_fields = ["sent_by"]


class ChecklistTaskSerializer(CleanedModelSerializer):
    status = inline_choice_field(m.ChecklistStatus.choices, required=False)

    class Meta:
        model = m.ChecklistTask
        fields = ["id", "number", "level", "title", "parent", "guidance", "status", "position"]


class EvidenceSerializer(serializers.Serializer):
    asked = serializers.CharField()
    met = serializers.BooleanField()
    found = serializers.CharField()
    url = serializers.CharField()


class ChecklistProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="task.pk")
    number = serializers.CharField(source="task.number")
    level = serializers.CharField(source="task.level")
    title = serializers.CharField(source="task.title")
    state = serializers.CharField()
    state_label = serializers.CharField()
    done = serializers.BooleanField()
    evidence = EvidenceSerializer(allow_null=True)
    done_note = serializers.CharField(source="task.done_note")


class MarkDoneSerializer(serializers.Serializer):
    note = serializers.CharField(help_text="What shows the task is done.")


class InstrumentSerializer(CleanedModelSerializer):
    class Meta:
        model = m.Instrument
        fields = [
            "id",
            "name",
            "description",
            "level_1_label",
            "level_2_label",
            "level_3_label",
            "level_4_label",
        ]


class DimensionSerializer(CleanedModelSerializer):
    class Meta:
        model = m.Dimension
        fields = ["id", "instrument", "title", "position"]


class AssessmentItemSerializer(CleanedModelSerializer):
    class Meta:
        model = m.AssessmentItem
        fields = [
            "id",
            "dimension",
            "text",
            "level_1",
            "level_2",
            "level_3",
            "level_4",
            "position",
        ]


class AssessmentRoundSerializer(CleanedModelSerializer):
    class Meta:
        model = m.AssessmentRound
        fields = ["id", "instrument", "name", "held_on", "notes"]


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.Rating
        fields = ["id", "round", "item", "rater", "level", "note"]
        read_only_fields = ["rater"]


class AgreedRatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.AgreedRating
        fields = ["id", "round", "item", "level", "rationale"]


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.Notification
        fields = ["id", "document", "message", "created_at", "read_at"]
        read_only_fields = ["document", "message", "created_at", "read_at"]
