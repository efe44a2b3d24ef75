from rest_framework import serializers

from rolloutplanner.models import APIToken, Job


class JobSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:job-detail")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    created_by = serializers.StringRelatedField()

    class Meta:
        model = Job
        fields = [
            "id",
            "url",
            "kind",
            "kind_display",
            "parameters",
            "state",
            "progress",
            "progress_message",
            "result",
            "result_url",
            "error",
            "cancel_requested",
            "attempts",
            "created_by",
            "lea",
            "vendor",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class JobCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["state_summary"])


class APITokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = APIToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
        read_only_fields = ["id", "prefix", "created_at", "last_used_at", "revoked_at"]


class NewAPITokenSerializer(APITokenSerializer):
    key = serializers.CharField(read_only=True, help_text="Shown once; store it now.")

    class Meta(APITokenSerializer.Meta):
        fields = [*APITokenSerializer.Meta.fields, "key"]
