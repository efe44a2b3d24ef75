from rest_framework import serializers

from rolloutplanner.api.serializers import CleanedModelSerializer, FixedOwnerMixin
from vendors import services
from vendors.models import (
    APICredential,
    Certification,
    ClaimSet,
    CredentialIncident,
    DeploymentTimeline,
    FollowUp,
    MarketEvent,
    Touchpoint,
    Vendor,
)


class VendorSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:vendor-detail")
    sis_lea_count = serializers.IntegerField(read_only=True)
    source_lea_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Vendor
        fields = [
            "id",
            "url",
            "name",
            "product_name",
            "product_type",
            "website",
            "edfi_experience",
            "assistance_level",
            "release_cadence",
            "planned_development",
            "sis_lea_count",
            "source_lea_count",
        ]


class CertificationSerializer(FixedOwnerMixin, serializers.ModelSerializer):
    owner_fields = ("vendor",)

    class Meta:
        model = Certification
        fields = ["id", "vendor", "certification", "version", "status", "certified_on"]


class TouchpointSerializer(FixedOwnerMixin, serializers.ModelSerializer):
    owner_fields = ("vendor",)

    class Meta:
        model = Touchpoint
        fields = ["id", "vendor", "held_on", "attendees", "decisions"]


class FollowUpSerializer(FixedOwnerMixin, serializers.ModelSerializer):
    owner_fields = ("touchpoint",)

    class Meta:
        model = FollowUp
        fields = ["id", "touchpoint", "description", "owner", "due_on", "done_on", "notes"]


class DeploymentTimelineSerializer(FixedOwnerMixin, CleanedModelSerializer):
    owner_fields = ("vendor", "lea")

    class Meta:
        model = DeploymentTimeline
        fields = ["id", "vendor", "lea", "development_on", "qa_on", "deployment_on", "notes"]


class MarketEventSerializer(FixedOwnerMixin, serializers.ModelSerializer):
    owner_fields = ("vendor",)

    class Meta:
        model = MarketEvent
        fields = [
            "id",
            "vendor",
            "kind",
            "announced_on",
            "effective_on",
            "affected_leas",
            "handoff_plan",
        ]


class ClaimSetSerializer(serializers.ModelSerializer):
    writable_resources = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        model = ClaimSet
        fields = ["id", "name", "writable_resources"]


class APICredentialSerializer(serializers.ModelSerializer):
    """``secret`` is write-only: it becomes a salted fingerprint and is never returned."""

    secret = serializers.CharField(
        write_only=True, required=False, trim_whitespace=False, style={"input_type": "password"}
    )
    has_secret_fingerprint = serializers.BooleanField(read_only=True)

    class Meta:
        model = APICredential
        fields = [
            "id",
            "application_name",
            "key",
            "vendor",
            "leas",
            "claim_set",
            "data_standard",
            "ods_instance",
            "school_year",
            "owner_email",
            "issued_on",
            "expires_on",
            "rotated_from",
            "revoked_on",
            "revocation_reason",
            "rotation_flagged_on",
            "rotation_reason",
            "secret",
            "has_secret_fingerprint",
        ]
        read_only_fields = ["rotation_flagged_on", "rotation_reason"]

    def create(self, validated_data):
        secret = validated_data.pop("secret", "")
        credential = super().create(validated_data)
        if secret:
            services.set_credential_secret(credential=credential, secret=secret)
        return credential

    def update(self, instance, validated_data):
        secret = validated_data.pop("secret", "")
        credential = super().update(instance, validated_data)
        if secret:
            services.set_credential_secret(credential=credential, secret=secret)
        return credential


class ReportLeakSerializer(serializers.Serializer):
    description = serializers.CharField()
    leaked_secret = serializers.CharField(
        write_only=True, required=False, default="", trim_whitespace=False
    )


class RotateCredentialSerializer(serializers.Serializer):
    new_key = serializers.CharField(max_length=100)
    issued_on = serializers.DateField()
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)
    school_year = serializers.IntegerField(required=False, allow_null=True, default=None)
    secret = serializers.CharField(
        write_only=True, required=False, default="", trim_whitespace=False
    )

    def validate_new_key(self, value):
        if APICredential.objects.filter(key=value).exists():
            raise serializers.ValidationError("A credential with this key already exists.")
        return value


class CredentialIncidentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CredentialIncident
        fields = [
            "id",
            "credential",
            "reported_at",
            "reported_by",
            "description",
            "secret_matched",
            "replacement_due_on",
            "replacement",
        ]
        read_only_fields = fields


class ClaimSetCheckSerializer(serializers.Serializer):
    plan = serializers.IntegerField(
        required=False, help_text="A mapping plan whose data lineage says who writes what."
    )
    required = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Vendor id → the resources its system must write, from the load order.",
    )

    def validate(self, attrs):
        if ("plan" in attrs) == ("required" in attrs):
            raise serializers.ValidationError("Give either a plan or the required resources.")
        return attrs


class ClaimSetGapSerializer(serializers.Serializer):
    credential = serializers.IntegerField(source="credential.pk")
    key = serializers.CharField(source="credential.key")
    vendor = serializers.IntegerField(source="credential.vendor_id")
    claim_set = serializers.CharField(source="credential.claim_set.name")
    missing = serializers.ListField(child=serializers.CharField())
