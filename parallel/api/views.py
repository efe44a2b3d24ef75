from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from parallel import selectors
from parallel.api import serializers
from parallel.filtersets import (
    CollectionCycleFilterSet,
    DiscrepancyFilterSet,
    DiscrepancyGroupFilterSet,
    LEARunSummaryFilterSet,
    ReportDefinitionFilterSet,
)
from parallel.models import (
    AggregateDifference,
    CollectionCycle,
    Discrepancy,
    DiscrepancyGroup,
    LEARunSummary,
    ReconciliationRun,
    ReportDefinition,
)
from parallel.services import definitions
from parallel.services.runs import start_reconciliation
from parallel.services.triage import triage_group
from parallel.services.uploads import upload_submission
from rolloutplanner.api.viewsets import RestrictedModelViewSet, RestrictedReadOnlyViewSet
from rolloutplanner.permissions import refused_field_changes
from vendors.models import Vendor


class ReportDefinitionViewSet(RestrictedModelViewSet):
    model = ReportDefinition
    serializer_class = serializers.ReportDefinitionSerializer
    filterset_class = ReportDefinitionFilterSet

    def perform_create(self, serializer):
        serializer.instance = definitions.create_definition(
            user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        if refused_field_changes(self.request.user, serializer.instance, serializer.validated_data):
            raise PermissionDenied("You may not change this report definition.")
        definitions.update_definition(
            definition=serializer.instance, user=self.request.user, **serializer.validated_data
        )


class CollectionCycleViewSet(RestrictedModelViewSet):
    model = CollectionCycle
    serializer_class = serializers.CollectionCycleSerializer
    filterset_class = CollectionCycleFilterSet
    prefetch_related = ("leas",)

    @extend_schema(
        methods=["get"],
        request=None,
        responses={200: serializers.SubmissionFileSerializer(many=True)},
    )
    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": serializers.SubmissionUploadSerializer},
        responses={201: serializers.SubmissionFileSerializer},
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser])
    def files(self, request, pk=None):
        """The cycle's files the user may see; POST uploads one, checked as on the page."""
        cycle = self.get_object()
        if request.method == "GET":
            files = selectors.cycle_files(user=request.user, cycle=cycle).order_by("pk")
            data = serializers.SubmissionFileSerializer(files, many=True).data
            return Response(data)
        upload = serializers.SubmissionUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        values = upload.validated_data
        submission = upload_submission(
            cycle=cycle,
            user=request.user,
            side=values["side"],
            uploaded=values["file"],
            lea=values.get("lea"),
            resource=values.get("resource") or "",
        )
        data = serializers.SubmissionFileSerializer(submission).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={202: serializers.ReconciliationRunSerializer})
    @action(detail=True, methods=["post"])
    def reconcile(self, request, pk=None):
        """Start run N+1 over the cycle's current files (SEA team)."""
        run = start_reconciliation(cycle=self.get_object(), user=request.user)
        data = serializers.ReconciliationRunSerializer(run).data
        return Response(data, status=status.HTTP_202_ACCEPTED)


class ReconciliationRunViewSet(RestrictedReadOnlyViewSet):
    model = ReconciliationRun
    serializer_class = serializers.ReconciliationRunSerializer
    filterset_fields = ["cycle", "state"]

    def get_queryset(self):
        return super().get_queryset().select_related("job").order_by("-created_at", "-pk")


class LEARunSummaryViewSet(RestrictedReadOnlyViewSet):
    model = LEARunSummary
    serializer_class = serializers.LEARunSummarySerializer
    filterset_class = LEARunSummaryFilterSet

    def get_queryset(self):
        return super().get_queryset().order_by("match_rate", "pk")


class AggregateDifferenceViewSet(RestrictedReadOnlyViewSet):
    model = AggregateDifference
    serializer_class = serializers.AggregateDifferenceSerializer
    filterset_fields = ["run", "lea", "category_set", "within_tolerance"]

    def get_queryset(self):
        return super().get_queryset().order_by("pk")


class DiscrepancyViewSet(RestrictedReadOnlyViewSet):
    model = Discrepancy
    serializer_class = serializers.DiscrepancySerializer
    filterset_class = DiscrepancyFilterSet

    def get_queryset(self):
        return super().get_queryset().order_by("pk")


class DiscrepancyGroupViewSet(
    mixins.UpdateModelMixin, RestrictedReadOnlyViewSet, viewsets.GenericViewSet
):
    """Read groups; PATCH records a triage decision through the triage service."""

    model = DiscrepancyGroup
    serializer_class = serializers.DiscrepancyGroupSerializer
    filterset_class = DiscrepancyGroupFilterSet
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().order_by("pk")

    def perform_update(self, serializer):
        group = serializer.instance
        data = serializers.TriageSerializer(
            data={"status": group.status, "notes": group.notes, **self.request.data}
        )
        data.is_valid(raise_exception=True)
        values = data.validated_data
        vendor = None
        if values.get("responsible_vendor"):
            vendor = Vendor.objects.filter(pk=values["responsible_vendor"]).first()
        serializer.instance = triage_group(
            group=group,
            user=self.request.user,
            status=values["status"],
            notes=values.get("notes", ""),
            responsible_party=values.get("responsible_party"),
            responsible_vendor=vendor,
        )
