from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from leas import services
from leas.api import serializers
from leas.filtersets import (
    CohortFilterSet,
    LEAFilterSet,
    LEAPersonFilterSet,
    ReadinessItemFilterSet,
    SupportNetworkFilterSet,
    SupportRequestFilterSet,
)
from leas.models import LEA, Cohort, LEAPerson, ReadinessItem, SupportNetwork, SupportRequest
from rolloutplanner.api.viewsets import RestrictedModelViewSet
from rolloutplanner.permissions import CHANGE, user_can, user_can_add_model


class LEAViewSet(RestrictedModelViewSet):
    model = LEA
    serializer_class = serializers.LEASerializer
    filterset_class = LEAFilterSet
    ordering_fields = ["name", "enrollment", "state_lea_id"]
    select_related = ("sis_vendor",)
    prefetch_related = ("source_systems",)

    def get_queryset(self):
        return super().get_queryset().with_readiness()

    def perform_create(self, serializer):
        super().perform_create(serializer)
        services.ensure_readiness_checklist(leas=[serializer.instance])


class LEAPersonViewSet(RestrictedModelViewSet):
    model = LEAPerson
    serializer_class = serializers.LEAPersonSerializer
    filterset_class = LEAPersonFilterSet


class ReadinessItemViewSet(RestrictedModelViewSet):
    model = ReadinessItem
    serializer_class = serializers.ReadinessItemSerializer
    filterset_class = ReadinessItemFilterSet

    def perform_update(self, serializer):
        """Status, date and evidence go through the readiness service, as on the pages;
        other fields (the SEA team's checklist wording) are saved as before."""
        status_fields = {
            name: serializer.validated_data.pop(name)
            for name in ("status", "status_on", "evidence_note")
            if name in serializer.validated_data
        }
        super().perform_update(serializer)
        if status_fields:
            item = serializer.instance
            services.update_readiness_item(
                item=item,
                user=self.request.user,
                status=status_fields.get("status", item.status),
                status_on=status_fields.get("status_on"),
                evidence_note=status_fields.get("evidence_note"),
            )
            item.refresh_from_db()

    @extend_schema(
        request=serializers.ReadinessBulkUpdateSerializer,
        responses=serializers.ReadinessItemSerializer(many=True),
    )
    @action(detail=False, methods=["post"], url_path="bulk-update")
    def bulk_update(self, request):
        """Set the status of several items at once, all or nothing (the matrix's bulk form)."""
        data = _valid(serializers.ReadinessBulkUpdateSerializer, request.data)
        saved = services.update_readiness_items(
            user=request.user,
            changes=[
                services.ReadinessChange(item_id=c["id"], status=c["status"])
                for c in data["changes"]
            ],
            note=data.get("note", ""),
        )
        return Response(serializers.ReadinessItemSerializer(saved, many=True).data)


class SupportRequestViewSet(RestrictedModelViewSet):
    model = SupportRequest
    serializer_class = serializers.SupportRequestSerializer
    filterset_class = SupportRequestFilterSet


class SupportNetworkViewSet(RestrictedModelViewSet):
    model = SupportNetwork
    serializer_class = serializers.SupportNetworkSerializer
    filterset_class = SupportNetworkFilterSet


class CohortViewSet(RestrictedModelViewSet):
    model = Cohort
    serializer_class = serializers.CohortSerializer
    filterset_class = CohortFilterSet
    prefetch_related = ("versions__leas",)

    @extend_schema(
        request=serializers.CohortSuggestionRequestSerializer,
        responses=serializers.CohortSuggestionSerializer,
    )
    @action(detail=False, methods=["post"])
    def suggest(self, request):
        """Propose the LEAs covering the most strata (deterministic for the same inputs)."""
        if not user_can_add_model(request.user, Cohort):
            raise PermissionDenied("Only the SEA team builds cohorts.")
        data = _valid(serializers.CohortSuggestionRequestSerializer, request.data)
        suggestion = services.suggest_cohort(
            size=data["size"],
            must_include=data.get("must_include", []),
            exclude=data.get("exclude", []),
        )
        body = {
            "picks": suggestion.picks,
            "strata_covered": sum(c.covered_count for c in suggestion.coverage),
            "strata_total": sum(len(c.rows) for c in suggestion.coverage),
            "missing": {c.criterion.name: c.missing for c in suggestion.coverage},
        }
        return Response(serializers.CohortSuggestionSerializer(body).data)

    @extend_schema(
        request=serializers.SaveCohortVersionSerializer,
        responses={201: serializers.CohortVersionSerializer},
    )
    @action(detail=True, methods=["post"])
    def versions(self, request, pk=None):
        """Save a new numbered membership version of this cohort."""
        cohort = self.get_object()
        if not user_can(request.user, cohort, CHANGE):
            raise PermissionDenied("You may not change this cohort.")
        data = _valid(serializers.SaveCohortVersionSerializer, request.data)
        version = services.save_cohort_version(
            cohort=cohort,
            leas=data["leas"],
            user=request.user,
            explanation=data["explanation"],
            note=data["note"],
        )
        return Response(
            serializers.CohortVersionSerializer(version).data, status=status.HTTP_201_CREATED
        )


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
