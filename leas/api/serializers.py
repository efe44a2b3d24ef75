from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from leas.models import (
    LEA,
    Cohort,
    CohortVersion,
    LEAPerson,
    ReadinessItem,
    ReadinessStatus,
    SupportNetwork,
    SupportRequest,
)
from rolloutplanner.api.serializers import FixedOwnerMixin
from rolloutplanner.roles import UNRESTRICTED_ROLES, role_of
from vendors.models import Vendor


class LEASerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:lea-detail")
    sis_vendor = serializers.PrimaryKeyRelatedField(
        queryset=Vendor.objects.filter(product_type="sis"), allow_null=True, required=False
    )
    source_systems = serializers.PrimaryKeyRelatedField(
        queryset=Vendor.objects.all(), many=True, required=False
    )
    readiness_total = serializers.IntegerField(read_only=True)
    readiness_done = serializers.IntegerField(read_only=True)

    class Meta:
        model = LEA
        fields = [
            "id",
            "url",
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
            "readiness_total",
            "readiness_done",
        ]


class LEAPersonSerializer(FixedOwnerMixin, serializers.ModelSerializer):
    class Meta:
        model = LEAPerson
        fields = [
            "id",
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


STATUS_FIELDS = frozenset({"status", "status_on", "evidence_note"})


class ReadinessItemSerializer(FixedOwnerMixin, serializers.ModelSerializer):
    class Meta:
        model = ReadinessItem
        fields = [
            "id",
            "lea",
            "phase",
            "key",
            "title",
            "order",
            "status",
            "status_on",
            "evidence_note",
        ]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        request = self.context.get("request")
        scoped = request is not None and role_of(request.user) not in UNRESTRICTED_ROLES
        if scoped and (other := sorted(set(attrs) - STATUS_FIELDS)):
            raise serializers.ValidationError(
                {name: "Only the SEA team changes the checklist itself." for name in other}
            )
        return attrs


# "SupportRequest" would lose its "Request" suffix when the schema names request components.
@extend_schema_serializer(component_name="SupportSession")
class SupportRequestSerializer(FixedOwnerMixin, serializers.ModelSerializer):
    class Meta:
        model = SupportRequest
        fields = ["id", "lea", "kind", "topic", "held_on", "participants", "outcome", "resolved"]


class SupportNetworkSerializer(FixedOwnerMixin, serializers.ModelSerializer):
    class Meta:
        model = SupportNetwork
        fields = ["id", "lea", "kind", "name", "contact", "notes"]


class CohortVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CohortVersion
        fields = ["id", "number", "leas", "explanation", "note", "created_at"]
        read_only_fields = fields


class CohortSerializer(serializers.ModelSerializer):
    versions = CohortVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Cohort
        fields = ["id", "name", "kind", "wave_number", "notes", "versions"]


class CohortSuggestionRequestSerializer(serializers.Serializer):
    size = serializers.IntegerField(min_value=1, max_value=200)
    must_include = serializers.PrimaryKeyRelatedField(
        queryset=LEA.objects.all(), many=True, required=False
    )
    exclude = serializers.PrimaryKeyRelatedField(
        queryset=LEA.objects.all(), many=True, required=False
    )


class CohortPickSerializer(serializers.Serializer):
    lea = serializers.IntegerField(source="lea.pk")
    state_lea_id = serializers.CharField(source="lea.state_lea_id")
    name = serializers.CharField(source="lea.name")
    reason = serializers.CharField()
    new_strata = serializers.ListField(child=serializers.CharField())


class CohortSuggestionSerializer(serializers.Serializer):
    picks = CohortPickSerializer(many=True)
    strata_covered = serializers.IntegerField()
    strata_total = serializers.IntegerField()
    missing = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class SaveCohortVersionSerializer(serializers.Serializer):
    leas = serializers.PrimaryKeyRelatedField(queryset=LEA.objects.all(), many=True)
    note = serializers.CharField(max_length=300, required=False, default="")
    explanation = serializers.DictField(child=serializers.CharField(), required=False, default=dict)


class ReadinessChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ReadinessStatus.choices)


class ReadinessBulkUpdateSerializer(serializers.Serializer):
    changes = ReadinessChangeSerializer(many=True, allow_empty=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")
