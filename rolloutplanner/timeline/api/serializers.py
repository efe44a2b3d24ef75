from rest_framework import serializers

from rolloutplanner.timeline.models import (
    STATUS_RULE,
    Baseline,
    ChangeNotice,
    Milestone,
    MilestoneDependency,
    Phase,
    Status,
    Wave,
)


class PhaseSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:phase-detail")

    class Meta:
        model = Phase
        fields = ["id", "url", "number", "name", "description"]


class WaveSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:wave-detail")

    class Meta:
        model = Wave
        fields = ["id", "url", "name", "leas", "description"]


class MilestoneSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:milestone-detail")
    phase_name = serializers.CharField(source="phase.name", read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    status_rule = serializers.SerializerMethodField()
    predecessors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    change_reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Why the dates moved; required when planned dates change.",
    )

    class Meta:
        model = Milestone
        fields = [
            "id",
            "url",
            "phase",
            "phase_name",
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
            "status",
            "status_rule",
            "predecessors",
            "updated_at",
            "change_reason",
        ]
        read_only_fields = ["updated_at"]

    def get_status_rule(self, milestone) -> str:
        status = getattr(milestone, "status", None)
        return STATUS_RULE[Status(status)] if status else ""


class MilestoneDependencySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:milestonedependency-detail")

    class Meta:
        model = MilestoneDependency
        fields = ["id", "url", "predecessor", "successor"]


class BaselineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Baseline
        fields = ["id", "name", "created_at", "created_by"]
        read_only_fields = ["created_at", "created_by"]


class ChangeNoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChangeNotice
        fields = [
            "id",
            "milestone",
            "lea",
            "vendor",
            "old_start",
            "old_end",
            "new_start",
            "new_end",
            "reason",
            "created_at",
            "emailed_at",
        ]
