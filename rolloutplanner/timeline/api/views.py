"""Timeline REST API. ``/api/v1/timeline/`` lists milestones with status and predecessors and
answers conditional requests (ETag / Last-Modified) so clients can poll cheaply."""

from __future__ import annotations

import hashlib

from django.db.models import Count, Max, Prefetch
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.response import Response

from rolloutplanner import versioning
from rolloutplanner.api.viewsets import RestrictedModelViewSet, RestrictedReadOnlyViewSet
from rolloutplanner.permissions import VIEW, user_can_add_model
from rolloutplanner.timeline import services
from rolloutplanner.timeline.api.serializers import (
    BaselineSerializer,
    ChangeNoticeSerializer,
    MilestoneDependencySerializer,
    MilestoneSerializer,
    PhaseSerializer,
    WaveSerializer,
)
from rolloutplanner.timeline.filtersets import ChangeNoticeFilterSet, MilestoneFilterSet
from rolloutplanner.timeline.models import (
    Baseline,
    ChangeNotice,
    Milestone,
    MilestoneDependency,
    Phase,
    Wave,
)


class PhaseViewSet(RestrictedModelViewSet):
    model = Phase
    serializer_class = PhaseSerializer

    def perform_destroy(self, instance):
        if instance.milestones.exists():
            raise APIValidationError("This phase still has milestones.")
        super().perform_destroy(instance)


class WaveViewSet(RestrictedModelViewSet):
    model = Wave
    serializer_class = WaveSerializer
    prefetch_related = ("leas",)


CONDITIONAL_HEADERS = [
    OpenApiParameter("If-None-Match", str, OpenApiParameter.HEADER, required=False),
    OpenApiParameter("If-Modified-Since", str, OpenApiParameter.HEADER, required=False),
]


@extend_schema_view(
    list=extend_schema(
        parameters=CONDITIONAL_HEADERS,
        description=(
            "Milestones with derived status and predecessors. Send the ETag back as "
            "If-None-Match (or Last-Modified as If-Modified-Since): 304 when nothing changed. "
            "`changed_since` returns only milestones changed since an ISO date-time."
        ),
    ),
    retrieve=extend_schema(parameters=CONDITIONAL_HEADERS),
)
class MilestoneViewSet(RestrictedModelViewSet):
    model = Milestone
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilterSet
    select_related = ("phase",)
    ordering_fields = ["planned_start", "planned_end", "updated_at", "code"]

    def get_queryset(self):
        visible = Milestone.objects.restrict(self.request.user, VIEW).only("pk")
        return (
            super()
            .get_queryset()
            .with_status()
            .prefetch_related(Prefetch("predecessors", queryset=visible))
        )

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        state = queryset.order_by().aggregate(last=Max("updated_at"), count=Count("pk"))
        not_modified = self._conditional(request, state["last"], state["count"])
        if not_modified is not None:
            return not_modified
        response = super().list(request, *args, **kwargs)
        return self._with_validators(response, state["last"], state["count"])

    def retrieve(self, request, *args, **kwargs):
        milestone = self.get_object()
        # The milestone's version, then what else shapes the answer: If-Match on a later
        # PUT/PATCH compares the version, If-None-Match the whole tag.
        self._version = versioning.version_of(milestone)
        not_modified = self._conditional(request, milestone.updated_at, 1)
        if not_modified is not None:
            return not_modified
        response = Response(self.get_serializer(milestone).data)
        return self._with_validators(response, milestone.updated_at, 1)

    def _etag(self, request, last, count) -> str:
        # Status depends on today's date; the query string and user shape the answer.
        parts = [
            str(request.user.pk),
            request.get_full_path(),
            last.isoformat() if last else "",
            str(count),
            timezone.localdate().isoformat(),
        ]
        validator = hashlib.sha256("|".join(parts).encode()).hexdigest()
        version = getattr(self, "_version", None)
        return quote_etag(f"{version}{validator[:8]}" if version else validator[:32])

    def _conditional(self, request, last, count) -> Response | None:
        etag = self._etag(request, last, count)
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:
            if etag in [tag.strip() for tag in if_none_match.split(",")]:
                return self._with_validators(Response(status=304), last, count)
            return None
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        if since is not None and last is not None and int(last.timestamp()) <= since:
            return self._with_validators(Response(status=304), last, count)
        return None

    def _with_validators(self, response, last, count):
        response["ETag"] = self._etag(self.request, last, count)
        if last is not None:
            response["Last-Modified"] = http_date(last.timestamp())
        response["Cache-Control"] = "private, no-cache"
        return response

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        reason = data.pop("change_reason", "")
        milestone = services.create_milestone(user=self.request.user, data=data, reason=reason)
        serializer.instance = self.get_queryset().get(pk=milestone.pk)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        reason = data.pop("change_reason", "")
        milestone = services.update_milestone(
            milestone=serializer.instance, user=self.request.user, changes=data, reason=reason
        )
        serializer.instance = self.get_queryset().get(pk=milestone.pk)


class MilestoneDependencyViewSet(RestrictedModelViewSet):
    """Finish-to-start links. Create refuses cycles; there is no update (delete and re-add)."""

    model = MilestoneDependency
    serializer_class = MilestoneDependencySerializer
    http_method_names = ["get", "post", "delete", "head", "options"]
    filterset_fields = ["predecessor", "successor"]

    def perform_create(self, serializer):
        if not user_can_add_model(self.request.user, MilestoneDependency):
            raise PermissionDenied("You may not add a dependency.")
        serializer.instance = services.add_dependency(**serializer.validated_data)

    def perform_destroy(self, instance):
        services.remove_dependency(dependency=instance)


class BaselineViewSet(RestrictedReadOnlyViewSet):
    """Saved baselines; POST saves the current plan as a new one (SEA team)."""

    model = Baseline
    serializer_class = BaselineSerializer

    @extend_schema(request=BaselineSerializer, responses={201: BaselineSerializer})
    def create(self, request):
        if not user_can_add_model(request.user, Baseline):
            raise PermissionDenied("Only the SEA project team saves baselines.")
        payload = BaselineSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        baseline = services.save_baseline(name=payload.validated_data["name"], user=request.user)
        return Response(BaselineSerializer(baseline).data, status=status.HTTP_201_CREATED)


class ChangeNoticeViewSet(RestrictedReadOnlyViewSet):
    model = ChangeNotice
    serializer_class = ChangeNoticeSerializer
    filterset_class = ChangeNoticeFilterSet

    def get_queryset(self):
        return super().get_queryset().order_by("-created_at", "-pk")
