from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from rolloutplanner.api.viewsets import RestrictedModelViewSet, RestrictedReadOnlyViewSet
from rolloutplanner.permissions import CHANGE, VIEW, user_can, user_can_add_model
from usecases import filtersets
from usecases import models as m
from usecases.api import serializers as s
from usecases.selectors.checklist import checklist_progress
from usecases.selectors.versions import diff_versions
from usecases.services import assessment as assessment_services
from usecases.services import documents as workflow
from usecases.services.checklist import mark_checklist_task_done


class StakeholderViewSet(RestrictedModelViewSet):
    model = m.Stakeholder
    serializer_class = s.StakeholderSerializer
    filterset_class = filtersets.StakeholderFilterSet


class DataSystemViewSet(RestrictedModelViewSet):
    model = m.DataSystem
    serializer_class = s.DataSystemSerializer
    filterset_class = filtersets.DataSystemFilterSet


class DataFlowViewSet(RestrictedModelViewSet):
    model = m.DataFlow
    serializer_class = s.DataFlowSerializer
    filterset_class = filtersets.DataFlowFilterSet


class PlanningDocumentViewSet(RestrictedModelViewSet):
    """Use cases and scope documents; workflow steps are POST actions on a document."""

    model = m.PlanningDocument
    serializer_class = s.PlanningDocumentSerializer
    filterset_class = filtersets.DocumentFilterSet
    prefetch_related = ("sections", "reviewers", "data_systems")
    read_only_role_actions = ("approve", "return_to_author")  # leadership's decision

    def perform_create(self, serializer):
        data = serializer.validated_data
        document = workflow.create_document(
            kind=data["kind"],
            title=data["title"],
            user=self.request.user,
            timeline_phase=data.get("timeline_phase", ""),
        )
        document.data_systems.set(data.get("data_systems", []))
        serializer.instance = document

    def _step(self, service, **kwargs):
        document = self.get_object()
        result = service(document=document, user=self.request.user, **kwargs)
        document.refresh_from_db()
        return result, document

    def _document_response(self, document):
        return Response(self.get_serializer(document).data)

    @extend_schema(request=s.ReviewRequestSerializer, responses=s.PlanningDocumentSerializer)
    @action(detail=True, methods=["post"], url_path="send-for-review")
    def send_for_review(self, request, pk=None):
        payload = s.ReviewRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        _, document = self._step(workflow.send_for_stakeholder_review, **payload.validated_data)
        return self._document_response(document)

    @extend_schema(request=None, responses=s.PlanningDocumentSerializer)
    @action(detail=True, methods=["post"], url_path="mark-revised")
    def mark_revised(self, request, pk=None):
        return self._document_response(self._step(workflow.mark_revised)[1])

    @extend_schema(request=None, responses=s.PlanningDocumentSerializer)
    @action(detail=True, methods=["post"], url_path="send-for-leadership-review")
    def send_for_leadership_review(self, request, pk=None):
        return self._document_response(self._step(workflow.send_for_leadership_review)[1])

    @extend_schema(request=s.DecisionNoteSerializer, responses=s.ApprovalSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        note = s.DecisionNoteSerializer(data=request.data)
        note.is_valid(raise_exception=True)
        approval, _ = self._step(workflow.approve, comment=note.validated_data["comment"])
        return Response(s.ApprovalSerializer(approval).data)

    @extend_schema(request=s.DecisionNoteSerializer, responses=s.ApprovalSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_author(self, request, pk=None):
        note = s.DecisionNoteSerializer(data=request.data)
        note.is_valid(raise_exception=True)
        approval, _ = self._step(workflow.return_to_author, comment=note.validated_data["comment"])
        return Response(s.ApprovalSerializer(approval).data)

    @extend_schema(request=None, responses=s.PlanningDocumentSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._document_response(self._step(workflow.reopen)[1])

    @extend_schema(request=None, responses=s.PlanningDocumentSerializer)
    @action(detail=True, methods=["post"], url_path="present-to-new-leadership")
    def present_to_new_leadership(self, request, pk=None):
        return self._document_response(self._step(workflow.present_to_new_leadership)[1])

    @extend_schema(
        parameters=[OpenApiParameter("from", int), OpenApiParameter("to", int)],
        responses=s.SectionDiffSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        document = self.get_object()
        try:
            older = int(request.query_params.get("from", max(document.version - 1, 1)))
            newer = int(request.query_params.get("to", document.version))
            diffs = diff_versions(document, older, newer)
        except (ValueError, LookupError) as error:
            raise ValidationError(str(error) or "Give two existing version numbers.") from None
        return Response(s.SectionDiffSerializer(diffs, many=True).data)


class SectionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Sections are created with their document; each is read and edited on its own."""

    serializer_class = s.SectionSerializer
    filterset_class = filtersets.SectionFilterSet
    queryset = m.DocumentSection.objects.none()

    def get_queryset(self):
        return m.DocumentSection.objects.restrict(self.request.user, VIEW).order_by("pk")

    def perform_update(self, serializer):
        section = serializer.instance
        if not user_can(self.request.user, section, CHANGE):
            raise PermissionDenied("You may not change this section.")
        data = serializer.validated_data
        workflow.edit_section(
            section=section,
            user=self.request.user,
            body=data.get("body", section.body),
            heading=data.get("heading"),
        )


class DocumentPartViewSet(RestrictedModelViewSet):
    select_related = ("document",)


class RiskViewSet(DocumentPartViewSet):
    model = m.Risk
    serializer_class = s.RiskSerializer
    filterset_class = filtersets.RiskFilterSet


class DataRequirementViewSet(DocumentPartViewSet):
    model = m.DataRequirement
    serializer_class = s.DataRequirementSerializer
    filterset_class = filtersets.DataRequirementFilterSet


class StakeholderImpactViewSet(DocumentPartViewSet):
    model = m.StakeholderImpact
    serializer_class = s.StakeholderImpactSerializer
    filterset_class = filtersets.StakeholderImpactFilterSet


class ScopeItemViewSet(DocumentPartViewSet):
    model = m.ScopeItem
    serializer_class = s.ScopeItemSerializer
    filterset_class = filtersets.ScopeItemFilterSet


class SectionCommentViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Comments: created by named reviewers (service-checked), resolved by the team."""

    serializer_class = s.SectionCommentSerializer
    queryset = m.SectionComment.objects.none()
    read_only_role_actions = ("create",)  # leadership comments during its review
    filterset_fields = ["section", "section__document", "resolution"]

    def get_queryset(self):
        return m.SectionComment.objects.restrict(self.request.user, VIEW).order_by("pk")

    @extend_schema(request=s.CommentCreateSerializer, responses=s.SectionCommentSerializer)
    def create(self, request, *args, **kwargs):
        payload = s.CommentCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        section = payload.validated_data["section"]
        if not m.DocumentSection.objects.restrict(request.user).filter(pk=section.pk).exists():
            raise PermissionDenied("You may not comment on this section.")
        comment = workflow.add_comment(
            section=section, user=request.user, body=payload.validated_data["body"]
        )
        return Response(self.get_serializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ResolveSerializer, responses=s.SectionCommentSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        payload = s.ResolveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        comment = workflow.resolve_comment(
            comment=self.get_object(),
            user=request.user,
            resolution=payload.validated_data["resolution"],
            reason=payload.validated_data["reason"],
        )
        return Response(self.get_serializer(comment).data)


class ApprovalViewSet(RestrictedReadOnlyViewSet):
    model = m.Approval
    serializer_class = s.ApprovalSerializer
    queryset = m.Approval.objects.none()
    filterset_fields = ["document", "version", "kind"]


class DocumentVersionViewSet(RestrictedReadOnlyViewSet):
    model = m.DocumentVersion
    serializer_class = s.DocumentVersionSerializer
    queryset = m.DocumentVersion.objects.none()
    filterset_fields = ["document", "number"]


class DecisionViewSet(RestrictedModelViewSet):
    model = m.Decision
    serializer_class = s.DecisionSerializer
    filterset_class = filtersets.DecisionFilterSet


class CommunicationItemViewSet(RestrictedModelViewSet):
    model = m.CommunicationItem
    serializer_class = s.CommunicationItemSerializer
    filterset_class = filtersets.CommunicationItemFilterSet


class CommunicationLogViewSet(RestrictedModelViewSet):
    model = m.CommunicationLog
    serializer_class = s.CommunicationLogSerializer

    def perform_create(self, serializer):
        from usecases.services.communication import record_sent

        data = serializer.validated_data
        if not user_can_add_model(self.request.user, self.model):
            raise PermissionDenied("You may not record communications.")
        serializer.instance = record_sent(
            item=data["item"],
            user=self.request.user,
            sent_on=data.get("sent_on") or m.CommunicationLog._meta.get_field("sent_on").default(),
            summary=data.get("summary", ""),
        )


class ChecklistTaskViewSet(RestrictedModelViewSet):
    model = m.ChecklistTask
    serializer_class = s.ChecklistTaskSerializer
    filterset_class = filtersets.ChecklistTaskFilterSet

    @extend_schema(responses=s.ChecklistProgressSerializer(many=True))
    @action(detail=False, methods=["get"])
    def progress(self, request):
        """Every task with its evidence, judged now, and its state (as the checklist page)."""
        rows = checklist_progress(user=request.user)
        return Response(s.ChecklistProgressSerializer(rows, many=True).data)

    @extend_schema(request=s.MarkDoneSerializer, responses=s.ChecklistTaskSerializer)
    @action(detail=True, methods=["post"], url_path="mark-done")
    def mark_done(self, request, pk=None):
        """Mark the task done by hand with a note (the SEA team; leadership may not)."""
        task = self.get_object()
        data = s.MarkDoneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = mark_checklist_task_done(
            task=task, user=request.user, note=data.validated_data["note"]
        )
        return Response(s.ChecklistTaskSerializer(task).data)


class InstrumentViewSet(RestrictedModelViewSet):
    model = m.Instrument
    serializer_class = s.InstrumentSerializer


class DimensionViewSet(RestrictedModelViewSet):
    model = m.Dimension
    serializer_class = s.DimensionSerializer


class AssessmentItemViewSet(RestrictedModelViewSet):
    model = m.AssessmentItem
    serializer_class = s.AssessmentItemSerializer


class AssessmentRoundViewSet(RestrictedModelViewSet):
    model = m.AssessmentRound
    serializer_class = s.AssessmentRoundSerializer


class RatingViewSet(RestrictedModelViewSet):
    """A rater's own ratings; POST records (or replaces) the caller's level for an item."""

    model = m.Rating
    serializer_class = s.RatingSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = assessment_services.rate_item(
            round=data["round"],
            item=data["item"],
            rater=self.request.user,
            level=data["level"],
            note=data.get("note", ""),
        )


class AgreedRatingViewSet(RestrictedModelViewSet):
    model = m.AgreedRating
    serializer_class = s.AgreedRatingSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = assessment_services.agree_rating(
            round=data["round"],
            item=data["item"],
            user=self.request.user,
            level=data["level"],
            rationale=data.get("rationale", ""),
        )


class NotificationViewSet(RestrictedReadOnlyViewSet):
    """The caller's own notifications; POST …/read/ marks one read."""

    model = m.Notification
    serializer_class = s.NotificationSerializer
    queryset = m.Notification.objects.none()
    read_only_role_actions = ("read",)  # one's own notifications

    def get_queryset(self):
        return super().get_queryset().order_by("-created_at", "-pk")

    @extend_schema(request=None, responses=s.NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        from usecases.services.notifications import mark_read

        return Response(self.get_serializer(mark_read(notification=self.get_object())).data)
