"""API views: restricted viewsets over the mapping models, rules in the services."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from mapping import filtersets
from mapping.api import serializers
from mapping.models import (
    CoverageRun,
    DataStandardVersion,
    Descriptor,
    DescriptorMapping,
    DescriptorValue,
    EdFiProperty,
    EdFiResource,
    ElementMapping,
    Extension,
    LineageAssignment,
    LocalCode,
    LocalCodeSet,
    MappingFeedback,
    MappingPlan,
    PracticeChange,
    SeedDataElement,
    StateCode,
    StateCodeSet,
    StateCollection,
    StateElement,
)
from mapping.selectors import plan_coverage, property_usage
from mapping.services import feedback as feedback_services
from mapping.services import mappings as mapping_services
from mapping.services import state as state_services
from mapping.services.suggestions import suggest_properties
from rolloutplanner.api.viewsets import RestrictedModelViewSet, RestrictedReadOnlyViewSet
from rolloutplanner.permissions import CHANGE, user_can


class _ReadOnly(RestrictedReadOnlyViewSet):
    select_related: tuple[str, ...] = ()

    def get_queryset(self):
        qs = super().get_queryset().select_related(*self.select_related)
        return qs.order_by(*(self.model._meta.ordering or ["pk"]))


class DataStandardVersionViewSet(_ReadOnly):
    model = DataStandardVersion
    serializer_class = serializers.DataStandardVersionSerializer


class EdFiResourceViewSet(_ReadOnly):
    model = EdFiResource
    serializer_class = serializers.EdFiResourceSerializer
    filterset_class = filtersets.EdFiResourceFilterSet


class EdFiPropertyViewSet(_ReadOnly):
    model = EdFiProperty
    serializer_class = serializers.EdFiPropertySerializer
    filterset_class = filtersets.EdFiPropertyFilterSet
    select_related = ("resource",)

    @extend_schema(responses=serializers.PropertyUsageSerializer)
    @action(detail=True, methods=["get"], url_path="where-used")
    def where_used(self, request, pk=None):
        """Which plans, mappings, lineage steps and code sets (of its descriptor) use the
        property, as far as the caller may see them."""
        usage = property_usage(prop=self.get_object(), user=request.user)
        return Response(serializers.PropertyUsageSerializer(usage).data)


class DescriptorViewSet(_ReadOnly):
    model = Descriptor
    serializer_class = serializers.DescriptorSerializer
    filterset_class = filtersets.DescriptorFilterSet


class DescriptorValueViewSet(_ReadOnly):
    model = DescriptorValue
    serializer_class = serializers.DescriptorValueSerializer
    filterset_class = filtersets.DescriptorValueFilterSet
    select_related = ("descriptor",)


class CoverageRunViewSet(_ReadOnly):
    model = CoverageRun
    serializer_class = serializers.CoverageRunSerializer
    filterset_class = filtersets.CoverageRunFilterSet


class MappingPlanViewSet(RestrictedModelViewSet):
    model = MappingPlan
    serializer_class = serializers.MappingPlanSerializer
    filterset_class = filtersets.MappingPlanFilterSet

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def coverage(self, request, pk=None):
        """Coverage now, as the plan page shows it: by review status and by mapping kind,
        overall and per collection; only approved mappings count as mapped."""
        return Response(plan_coverage(plan=self.get_object()))


class StateCollectionViewSet(RestrictedModelViewSet):
    model = StateCollection
    serializer_class = serializers.StateCollectionSerializer
    filterset_class = filtersets.StateCollectionFilterSet


class StateElementViewSet(RestrictedModelViewSet):
    model = StateElement
    serializer_class = serializers.StateElementSerializer
    filterset_class = filtersets.StateElementFilterSet
    select_related = ("collection",)

    def perform_create(self, serializer):
        serializer.instance = state_services.create_element(**serializer.validated_data)


class StateCodeSetViewSet(RestrictedModelViewSet):
    model = StateCodeSet
    serializer_class = serializers.StateCodeSetSerializer
    filterset_class = filtersets.StateCodeSetFilterSet


class StateCodeViewSet(RestrictedModelViewSet):
    model = StateCode
    serializer_class = serializers.StateCodeSerializer
    filterset_class = filtersets.StateCodeFilterSet


class ReviewActionMixin:
    """The review steps of a mapping (element or descriptor) as a ``transition`` action."""

    @extend_schema(request=serializers.TransitionSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the mapping along draft → in review → approved (or back, or a new review).

        The author of the change under review may not approve it (403).
        """
        mapping = self.get_object()
        if not user_can(request.user, mapping, CHANGE):
            raise PermissionDenied("You may not review this mapping.")
        body = serializers.TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        mapping = mapping_services.transition_mapping(
            mapping=mapping, transition=body.validated_data["transition"], user=request.user
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=mapping.pk)).data)


class ElementMappingViewSet(ReviewActionMixin, RestrictedModelViewSet):
    model = ElementMapping
    serializer_class = serializers.ElementMappingSerializer
    filterset_class = filtersets.ElementMappingFilterSet

    def get_queryset(self):
        return super().get_queryset().for_list()

    @extend_schema(responses=serializers.PropertySuggestionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def suggestions(self, request, pk=None):
        """The Ed-Fi properties most likely to hold the element, best first, each with the
        reasons it was ranked there."""
        mapping = self.get_object()
        if not user_can(request.user, mapping, CHANGE):
            raise PermissionDenied("You may not change this mapping, so it has no suggestions.")
        found = suggest_properties(element=mapping.element)
        return Response(serializers.PropertySuggestionSerializer(found, many=True).data)

    @extend_schema(request=serializers.CopyToSiblingSerializer)
    @action(detail=True, methods=["post"], url_path="copy-to-sibling")
    def copy_to_sibling(self, request, pk=None):
        """Give a sibling column (``*_CODE`` → ``*_DESC``) this mapping's kind, targets,
        logical map, rule and owner; returns the sibling's mapping."""
        mapping = self.get_object()
        body = serializers.CopyToSiblingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sibling = body.validated_data["sibling"]
        sibling_mapping = getattr(sibling, "mapping", None)
        if not user_can(request.user, mapping, CHANGE) or (
            sibling_mapping is not None and not user_can(request.user, sibling_mapping, CHANGE)
        ):
            raise PermissionDenied("You may not change these mappings.")
        copied = mapping_services.copy_mapping_to_sibling(
            mapping=mapping, sibling=sibling, user=request.user
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=copied.pk)).data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        targets = data.pop("targets", None)
        data.pop("element", None)
        mapping_services.update_mapping(
            mapping=serializer.instance, user=self.request.user, targets=targets, **data
        )


class MappingFeedbackViewSet(RestrictedModelViewSet):
    model = MappingFeedback
    serializer_class = serializers.MappingFeedbackSerializer
    filterset_class = filtersets.MappingFeedbackFilterSet

    def perform_create(self, serializer):
        # Scoped roles add feedback for their own organisation, which the service sets.
        mapping = serializer.validated_data["mapping"]
        if not ElementMapping.objects.restrict(self.request.user).filter(pk=mapping.pk).exists():
            raise PermissionDenied("You may not see that mapping.")
        serializer.instance = feedback_services.leave_feedback(
            mapping=mapping, user=self.request.user, body=serializer.validated_data["body"]
        )


class DescriptorMappingViewSet(ReviewActionMixin, RestrictedModelViewSet):
    model = DescriptorMapping
    serializer_class = serializers.DescriptorMappingSerializer
    filterset_class = filtersets.DescriptorMappingFilterSet

    def perform_update(self, serializer):
        state_services.update_descriptor_mapping(
            mapping=serializer.instance, user=self.request.user, **serializer.validated_data
        )


class LocalCodeSetViewSet(RestrictedModelViewSet):
    model = LocalCodeSet
    serializer_class = serializers.LocalCodeSetSerializer
    filterset_class = filtersets.LocalCodeSetFilterSet


class LocalCodeViewSet(RestrictedModelViewSet):
    model = LocalCode
    serializer_class = serializers.LocalCodeSerializer
    filterset_class = filtersets.LocalCodeFilterSet


class SeedDataElementViewSet(RestrictedModelViewSet):
    model = SeedDataElement
    serializer_class = serializers.SeedDataElementSerializer
    filterset_class = filtersets.SeedDataElementFilterSet


class ExtensionViewSet(RestrictedModelViewSet):
    model = Extension
    serializer_class = serializers.ExtensionSerializer
    filterset_class = filtersets.ExtensionFilterSet


class PracticeChangeViewSet(RestrictedModelViewSet):
    model = PracticeChange
    serializer_class = serializers.PracticeChangeSerializer
    filterset_class = filtersets.PracticeChangeFilterSet


class LineageAssignmentViewSet(RestrictedModelViewSet):
    model = LineageAssignment
    serializer_class = serializers.LineageAssignmentSerializer
    filterset_class = filtersets.LineageAssignmentFilterSet
