from rest_framework import serializers

from leas.models import LEA
from parallel.models import (
    AggregateDifference,
    CollectionCycle,
    Discrepancy,
    DiscrepancyGroup,
    DiscrepancyKind,
    EdFiResource,
    LEARunSummary,
    ReconciliationRun,
    ReportDefinition,
    RunState,
    Side,
    SubmissionFile,
    TriageStatus,
)
from rolloutplanner.api.serializers import CleanedModelSerializer

FINISHED_RUN_STATES = (RunState.COMPLETE, RunState.FAILED, RunState.CANCELLED)


class ReportDefinitionSerializer(CleanedModelSerializer):
    class Meta:
        model = ReportDefinition
        fields = [
            "id", "code", "name", "file_specs", "derivation", "columns", "record_key",
            "compared_fields", "category_sets", "crosswalk", "population",
            "tolerance_absolute", "tolerance_percent", "source", "edfi_source",
        ]  # fmt: skip


class CollectionCycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = CollectionCycle
        fields = [
            "id", "name", "school_year", "report_definition", "snapshot_date",
            "legacy_due_date", "edfi_due_date", "leas", "mapping_plan",
        ]  # fmt: skip


class SubmissionFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubmissionFile
        fields = [
            "id", "cycle", "side", "resource", "lea", "original_name", "size", "sha256",
            "uploaded_by", "uploaded_at", "purged_at", "contract_check",
        ]  # fmt: skip
        read_only_fields = fields


class SubmissionUploadSerializer(serializers.Serializer):
    """One file of a collection: the legacy CSV, or one Ed-Fi resource (multipart)."""

    side = serializers.ChoiceField(choices=Side.choices)
    resource = serializers.ChoiceField(
        choices=EdFiResource.choices,
        required=False,
        allow_blank=True,
        help_text="Ed-Fi side: the resource; guessed from the file name when left out.",
    )
    lea = serializers.PrimaryKeyRelatedField(
        queryset=LEA.objects.all(), required=False, allow_null=True, help_text="Blank: statewide."
    )
    file = serializers.FileField()


class ReconciliationRunSerializer(serializers.ModelSerializer):
    """A run with its job's progress, as the job API reports it (poll until ``state`` ends)."""

    state_display = serializers.CharField(source="state_label", read_only=True)
    progress = serializers.SerializerMethodField(help_text="0–100, from the run's job.")
    progress_message = serializers.SerializerMethodField(
        help_text="What the run is doing now, or why it ended."
    )

    class Meta:
        model = ReconciliationRun
        fields = [
            "id", "cycle", "number", "state", "state_display", "progress", "progress_message",
            "job", "previous_run", "input_digest", "errors", "missing_mappings", "totals",
            "timings", "created_at", "completed_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_progress(self, run) -> int:
        if run.job_id:
            return run.job.progress
        return 100 if run.state in FINISHED_RUN_STATES else 0

    def get_progress_message(self, run) -> str:
        # A run's errors say why it failed better than its job's last step.
        if run.state == RunState.FAILED and run.errors:
            return str(run.errors[0])[:255]
        if run.job_id:
            return run.job.progress_message
        return run.get_state_display()


class LEARunSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = LEARunSummary
        fields = [
            "id", "run", "lea", "legacy_records", "edfi_records", "matched_records",
            "only_in_legacy", "only_in_edfi", "records_with_mismatches", "field_mismatches",
            "match_rate", "cells_outside_tolerance", "within_tolerance",
        ]  # fmt: skip
        read_only_fields = fields


class AggregateDifferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = AggregateDifference
        fields = ["id", "run", "lea", "category_set", "categories", "legacy_count",
                  "edfi_count", "difference", "within_tolerance"]  # fmt: skip
        read_only_fields = fields


class DiscrepancyGroupSerializer(serializers.ModelSerializer):
    # Named apart from Job.kind so the OpenAPI enums do not collide.
    discrepancy_kind = serializers.ChoiceField(
        source="kind", choices=DiscrepancyKind.choices, read_only=True
    )

    class Meta:
        model = DiscrepancyGroup
        fields = [
            "id", "run", "lea", "discrepancy_kind", "field", "count", "new_count",
            "responsible_party", "responsible_vendor", "status", "notes", "carried_from",
        ]  # fmt: skip
        read_only_fields = ["id", "run", "lea", "field", "count", "new_count",
                            "carried_from"]  # fmt: skip


class TriageSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TriageStatus.choices)
    notes = serializers.CharField(allow_blank=True, required=False, default="")
    responsible_party = serializers.CharField(allow_blank=True, required=False)
    responsible_vendor = serializers.IntegerField(allow_null=True, required=False)


class DiscrepancySerializer(serializers.ModelSerializer):
    discrepancy_kind = serializers.ChoiceField(
        source="kind", choices=DiscrepancyKind.choices, read_only=True
    )

    class Meta:
        model = Discrepancy
        fields = ["id", "run", "group", "lea", "discrepancy_kind", "student_id", "field",
                  "legacy_value", "edfi_value", "edfi_raw", "mapping_entry", "cause",
                  "explanation", "first_seen_run"]  # fmt: skip
        read_only_fields = fields
