"""Serializers of the platform's own models, and the bases every app's serializers build on."""

from rest_framework import serializers

from rolloutplanner.models import APIToken, Job


class CleanedModelSerializer(serializers.ModelSerializer):
    """Runs the model's ``clean()`` so the API keeps the same rules as the HTML forms."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        many = {k: v for k, v in attrs.items() if self.Meta.model._meta.get_field(k).many_to_many}
        values = {k: v for k, v in attrs.items() if k not in many}
        instance = self.instance or self.Meta.model()
        originals = {k: getattr(instance, k) for k in values if self.instance is not None}
        for key, value in values.items():
            setattr(instance, key, value)
        try:
            instance.clean()
        finally:
            for key, value in originals.items():
                setattr(instance, key, value)
        return attrs


class FixedOwnerMixin:
    """The owning organisation is set on creation and cannot be changed by an update, so a
    scoped user can never move a row out of (or into) another organisation's scope."""

    owner_fields: tuple[str, ...] = ("lea",)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None:
            for name in self.owner_fields:
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError({name: "It cannot be changed once set."})
        return attrs


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
