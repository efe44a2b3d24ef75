"""The evidence the planning registers give: documents approved, rounds closed, registers filled.

Registered with ``rolloutplanner.evidence``; the toolkit checklist and the timeline steps name
these kinds in their rule tables.
"""

from __future__ import annotations

from django.db.models import Count, F, OuterRef, Subquery
from django.urls import reverse

from rolloutplanner.evidence import Evidence, evidence_kind
from usecases.models import (
    AgreedRating,
    AssessmentItem,
    AssessmentRound,
    CommunicationItem,
    DataFlow,
    DataRequirement,
    DataSystem,
    DocumentKind,
    DocumentStatus,
    PlanningDocument,
    Stakeholder,
    StakeholderCategory,
)

_REVIEWED = (
    DocumentStatus.STAKEHOLDER_REVIEW,
    DocumentStatus.REVISED,
    DocumentStatus.LEADERSHIP_REVIEW,
    DocumentStatus.APPROVED,
)


def _document_evidence(user, *, kind: str, statuses, asked: str, verb: str) -> Evidence:
    label = DocumentKind(kind).label
    document = (
        PlanningDocument.objects.restrict(user)
        .filter(kind=kind, status__in=statuses)
        .order_by("-created_at", "-pk")
        .first()
    )
    if document is None:
        return Evidence(
            asked=asked,
            met=False,
            found=f"No {label.lower()} {verb} yet.",
            url=f"{reverse('usecases:planningdocument-list')}?kind={kind}",
        )
    return Evidence(
        asked=asked,
        met=True,
        found=f"{label} “{document.title}” {document.get_status_display().lower()}.",
        url=document.get_absolute_url(),
    )


@evidence_kind("document_approved")
def document_approved(user, *, kind: str) -> Evidence:
    """Met by a planning document of ``kind`` that leadership approved."""
    label = DocumentKind(kind).label
    return _document_evidence(
        user,
        kind=kind,
        statuses=(DocumentStatus.APPROVED,),
        asked=f"A {label.lower()} approved",
        verb="approved",
    )


@evidence_kind("document_reviewed")
def document_reviewed(user, *, kind: str) -> Evidence:
    """Met by a planning document of ``kind`` sent to stakeholder review (or further)."""
    label = DocumentKind(kind).label
    return _document_evidence(
        user,
        kind=kind,
        statuses=_REVIEWED,
        asked=f"A {label.lower()} presented to stakeholders for review",
        verb="sent to review",
    )


@evidence_kind("assessment_round_closed")
def assessment_round_closed(user) -> Evidence:
    """Met by a self-assessment round with an agreed rating for every item of its instrument."""
    asked = "A self-assessment round closed (every item has an agreed rating)"
    items = (
        AssessmentItem.objects.filter(dimension__instrument=OuterRef("instrument"))
        .order_by()
        .values("dimension__instrument")
        .annotate(n=Count("pk"))
        .values("n")
    )
    agreed = (
        AgreedRating.objects.filter(round=OuterRef("pk"))
        .order_by()
        .values("round")
        .annotate(n=Count("pk"))
        .values("n")
    )
    closed = (
        AssessmentRound.objects.restrict(user)
        .annotate(item_count=Subquery(items), agreed_count=Subquery(agreed))
        .filter(item_count__gt=0, agreed_count__gte=F("item_count"))
        .order_by("-held_on", "-pk")
        .first()
    )
    if closed is None:
        return Evidence(
            asked=asked,
            met=False,
            found="No round has an agreed rating for every item yet.",
            url=reverse("usecases:assessmentround-list"),
        )
    return Evidence(
        asked=asked,
        met=True,
        found=f"Round “{closed}” closed with {closed.agreed_count} agreed ratings.",
        url=closed.get_absolute_url(),
    )


def _register_count(user, *, model, minimum: int, asked: str, noun: str, list_name: str, **filters):
    count = model.objects.restrict(user).filter(**filters).count()
    url = reverse(list_name)
    return Evidence(
        asked=asked,
        met=count >= minimum,
        found=f"{count} {noun} recorded (at least {minimum} asked).",
        url=url,
    )


@evidence_kind("data_systems_documented")
def data_systems_documented(user, *, minimum: int = 1) -> Evidence:
    """Met when the data-system inventory holds at least ``minimum`` systems."""
    return _register_count(
        user,
        model=DataSystem,
        minimum=minimum,
        asked=f"At least {minimum} data systems in the inventory",
        noun="data systems",
        list_name="usecases:datasystem-list",
    )


@evidence_kind("data_flows_documented")
def data_flows_documented(user, *, minimum: int = 1) -> Evidence:
    """Met when at least ``minimum`` data flows between systems are recorded."""
    return _register_count(
        user,
        model=DataFlow,
        minimum=minimum,
        asked=f"At least {minimum} data flows documented",
        noun="data flows",
        list_name="usecases:dataflow-list",
    )


@evidence_kind("data_requirements_listed")
def data_requirements_listed(user, *, minimum: int = 1) -> Evidence:
    """Met when at least ``minimum`` data requirements name their source systems."""
    return _register_count(
        user,
        model=DataRequirement,
        minimum=minimum,
        asked=f"At least {minimum} data requirements with their sources",
        noun="data requirements",
        list_name="usecases:datarequirement-list",
    )


@evidence_kind("stakeholders_listed")
def stakeholders_listed(user, *, minimum: int = 1, category: str = "") -> Evidence:
    """Met when at least ``minimum`` stakeholders (of ``category``, if given) are recorded."""
    filters = {"category": category} if category else {}
    noun = (
        f"stakeholders of category “{StakeholderCategory(category).label}”"
        if category
        else "stakeholders"
    )
    evidence = _register_count(
        user,
        model=Stakeholder,
        minimum=minimum,
        asked=f"At least {minimum} {noun} recorded",
        noun=noun,
        list_name="usecases:stakeholder-list",
        **filters,
    )
    if category:
        evidence = Evidence(
            asked=evidence.asked,
            met=evidence.met,
            found=evidence.found,
            url=f"{evidence.url}?category={category}",
        )
    return evidence


@evidence_kind("communication_plan")
def communication_plan(user, *, minimum: int = 1) -> Evidence:
    """Met when the communication plan holds at least ``minimum`` active lines."""
    return _register_count(
        user,
        model=CommunicationItem,
        minimum=minimum,
        asked=f"A communication plan with at least {minimum} active lines",
        noun="active communication lines",
        list_name="usecases:communicationitem-list",
        active=True,
    )
