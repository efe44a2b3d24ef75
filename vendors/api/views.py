from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.response import Response

from mapping.models import MappingPlan
from rolloutplanner.api.viewsets import RestrictedModelViewSet, RestrictedReadOnlyViewSet
from rolloutplanner.permissions import CHANGE, user_can
from vendors import services
from vendors.api import serializers
from vendors.filtersets import (
    APICredentialFilterSet,
    CertificationFilterSet,
    ClaimSetFilterSet,
    DeploymentTimelineFilterSet,
    FollowUpFilterSet,
    MarketEventFilterSet,
    TouchpointFilterSet,
    VendorFilterSet,
)
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


class VendorViewSet(RestrictedModelViewSet):
    model = Vendor
    serializer_class = serializers.VendorSerializer
    filterset_class = VendorFilterSet
    ordering_fields = ["name", "product_type"]

    def get_queryset(self):
        return super().get_queryset().with_lea_counts()


class CertificationViewSet(RestrictedModelViewSet):
    model = Certification
    serializer_class = serializers.CertificationSerializer
    filterset_class = CertificationFilterSet


class TouchpointViewSet(RestrictedModelViewSet):
    model = Touchpoint
    serializer_class = serializers.TouchpointSerializer
    filterset_class = TouchpointFilterSet


class FollowUpViewSet(RestrictedModelViewSet):
    model = FollowUp
    serializer_class = serializers.FollowUpSerializer
    filterset_class = FollowUpFilterSet


class DeploymentTimelineViewSet(RestrictedModelViewSet):
    model = DeploymentTimeline
    serializer_class = serializers.DeploymentTimelineSerializer
    filterset_class = DeploymentTimelineFilterSet

    def perform_create(self, serializer):
        # As the add page offers only the LEAs the user sees: a vendor contact's, those running
        # its product. The vendor itself is checked by the ownership rule.
        lea = serializer.validated_data["lea"]
        # Through the LEA's own model (the leas app imports vendors, not the other way).
        if not type(lea).objects.restrict(self.request.user).filter(pk=lea.pk).exists():
            raise PermissionDenied(f"You may not enter a timeline for {lea}.")
        super().perform_create(serializer)


class MarketEventViewSet(RestrictedModelViewSet):
    model = MarketEvent
    serializer_class = serializers.MarketEventSerializer
    filterset_class = MarketEventFilterSet
    prefetch_related = ("affected_leas",)


class ClaimSetViewSet(RestrictedModelViewSet):
    model = ClaimSet
    serializer_class = serializers.ClaimSetSerializer
    filterset_class = ClaimSetFilterSet

    @extend_schema(
        request=serializers.ClaimSetCheckSerializer,
        responses=serializers.ClaimSetGapSerializer(many=True),
    )
    @action(detail=False, methods=["post"])
    def check(self, request):
        """Active credentials whose claim set does not cover what their system must write."""
        body = serializers.ClaimSetCheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if "plan" in body.validated_data:
            plan = get_object_or_404(
                MappingPlan.objects.restrict(request.user), pk=body.validated_data["plan"]
            )
            gaps = services.claim_set_gaps_for_plan(plan=plan)
        else:
            try:
                required = {int(k): v for k, v in body.validated_data["required"].items()}
            except ValueError:
                raise APIValidationError({"required": "Keys must be vendor ids."}) from None
            gaps = services.claim_set_gaps(required_by_vendor=required)
        visible = set(APICredential.objects.restrict(request.user).values_list("pk", flat=True))
        gaps = [gap for gap in gaps if gap.credential.pk in visible]
        return Response(serializers.ClaimSetGapSerializer(gaps, many=True).data)


class APICredentialViewSet(RestrictedModelViewSet):
    model = APICredential
    serializer_class = serializers.APICredentialSerializer
    filterset_class = APICredentialFilterSet
    select_related = ("claim_set",)
    prefetch_related = ("leas",)

    def perform_create(self, serializer):
        # The secret is not a model field: it is fingerprinted once the row exists.
        secret = serializer.validated_data.pop("secret", "")
        super().perform_create(serializer)
        if secret:
            services.set_credential_secret(credential=serializer.instance, secret=secret)

    @extend_schema(
        request=serializers.ReportLeakSerializer,
        responses={201: serializers.CredentialIncidentSerializer},
    )
    @action(detail=True, methods=["post"], url_path="report-leak")
    def report_leak(self, request, pk=None):
        """Revoke the credential, record the incident and set the replacement due date."""
        # Anyone who may see it may report its leak; read-only roles are refused before.
        credential = self.get_object()
        body = serializers.ReportLeakSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        incident = services.report_leak(
            credential=credential,
            description=body.validated_data["description"],
            leaked_secret=body.validated_data["leaked_secret"],
            user=request.user,
        )
        return Response(
            serializers.CredentialIncidentSerializer(incident).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=serializers.RotateCredentialSerializer,
        responses={201: serializers.APICredentialSerializer},
    )
    @action(detail=True, methods=["post"])
    def rotate(self, request, pk=None):
        """Issue the successor (same LEAs, vendor, claim set), revoke this credential and close
        its open leak incidents."""
        credential = self.get_object()
        if not user_can(request.user, credential, CHANGE):
            raise PermissionDenied("You may not rotate this credential.")
        body = serializers.RotateCredentialSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        successor = services.rotate_credential(
            credential=credential,
            new_key=data["new_key"],
            issued_on=data["issued_on"],
            expires_on=data["expires_on"],
            school_year=data["school_year"],
        )
        if data["secret"]:
            services.set_credential_secret(credential=successor, secret=data["secret"])
        return Response(
            serializers.APICredentialSerializer(successor).data, status=status.HTTP_201_CREATED
        )


class CredentialIncidentViewSet(RestrictedReadOnlyViewSet):
    model = CredentialIncident
    serializer_class = serializers.CredentialIncidentSerializer
    queryset = CredentialIncident.objects.none()  # for the schema; requests use get_queryset
