from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from rolloutplanner import jobs, services
from rolloutplanner.api.serializers import (
    APITokenSerializer,
    JobCreateSerializer,
    JobSerializer,
    NewAPITokenSerializer,
)
from rolloutplanner.api.viewsets import RestrictedReadOnlyViewSet
from rolloutplanner.models import APIToken, Job
from rolloutplanner.permissions import CHANGE, user_can
from rolloutplanner.roles import UNRESTRICTED_ROLES, role_of


class JobViewSet(RestrictedReadOnlyViewSet):
    """Background jobs: poll ``progress`` and ``state``; SEA team members start and cancel."""

    model = Job
    serializer_class = JobSerializer
    filterset_fields = ["kind", "state"]

    def get_queryset(self):
        return super().get_queryset().select_related("created_by")

    @extend_schema(request=JobCreateSerializer, responses={202: JobSerializer})
    def create(self, request):
        if role_of(request.user) not in UNRESTRICTED_ROLES:
            raise PermissionDenied("Only the SEA project team starts jobs here.")
        payload = JobCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        job = jobs.enqueue_job(kind=payload.validated_data["kind"], user=request.user)
        data = JobSerializer(job, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=JobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        job = self.get_object()
        if not user_can(request.user, job, CHANGE):
            raise PermissionDenied("You may not cancel this job.")
        job = jobs.request_cancel(job=job)
        return Response(JobSerializer(job, context={"request": request}).data)


class APITokenViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The signed-in user's own API tokens. DELETE revokes; the key is returned only on create."""

    serializer_class = APITokenSerializer
    queryset = APIToken.objects.none()  # for the schema; requests use get_queryset
    read_only_role_actions = ("create", "destroy")  # one's own tokens, to read through the API

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return APIToken.objects.filter(user=self.request.user)

    @extend_schema(responses={201: NewAPITokenSerializer})
    def create(self, request):
        payload = APITokenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        token, key = services.create_api_token(user=request.user, **payload.validated_data)
        token.key = key
        return Response(NewAPITokenSerializer(token).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, pk=None):
        services.revoke_api_token(token=get_object_or_404(self.get_queryset(), pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
