"""A rollout in progress, built from factories around the ``world`` fixture, for the home
pages' tests: one of everything for the own LEA and vendor, and a decoy for the others."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from leas.models import CohortVersion, ReadinessStatus, RolloutPhase
from mapping.models import MappingStatus
from parallel.models import ResponsibleParty
from rolloutplanner.roles import Role
from tests.leas.factories import CohortFactory, LEAPersonFactory, ReadinessItemFactory
from tests.mapping.factories import ElementMappingFactory, MappingFeedbackFactory
from tests.parallel.factories import (
    DiscrepancyGroupFactory,
    LEARunSummaryFactory,
    ReconciliationRunFactory,
)
from tests.rolloutplanner.factories import (
    ChangeNoticeFactory,
    LEAMilestoneFactory,
    MilestoneFactory,
    PhaseFactory,
    VendorMilestoneFactory,
)
from tests.usecases.factories import PlanningDocumentFactory
from tests.vendors.factories import (
    CertificationFactory,
    DeploymentTimelineFactory,
    FollowUpFactory,
    TouchpointFactory,
)
from usecases.models import DocumentStatus


@dataclass
class Rollout:
    pilot: object
    run: object


def add_lea_checklist(lea, *, open_items: int = 2, done: int = 1, blocked: int = 1) -> None:
    for _ in range(open_items):
        ReadinessItemFactory(lea=lea, phase=RolloutPhase.CONNECT, title=f"{lea.name} open item")
    for _ in range(done):
        ReadinessItemFactory(lea=lea, phase=RolloutPhase.PREPARE, status=ReadinessStatus.DONE)
    for _ in range(blocked):
        ReadinessItemFactory(lea=lea, phase=RolloutPhase.CONNECT, status=ReadinessStatus.BLOCKED)


def build_rollout(world) -> Rollout:
    today = timezone.localdate()
    own, other = world.own_lea, world.other_lea
    own_vendor, other_vendor = world.own_vendor, world.other_vendor

    prepare = PhaseFactory(number=1, name="Pre-planning")
    pilot_phase = PhaseFactory(number=2, name="Pilot")
    MilestoneFactory(
        phase=prepare,
        planned_start=today - timedelta(days=90),
        planned_end=today - timedelta(days=60),
        actual_end=today - timedelta(days=61),
    )
    MilestoneFactory(
        phase=pilot_phase,
        name="Pilot kick-off",
        planned_start=today,
        planned_end=today + timedelta(days=10),
    )
    MilestoneFactory(
        phase=pilot_phase,
        name="Pilot readiness review",
        planned_start=today - timedelta(days=40),
        planned_end=today - timedelta(days=5),
    )
    own_milestone = LEAMilestoneFactory(
        phase=pilot_phase,
        lea=own,
        name="Own District data load",
        planned_start=today,
        planned_end=today + timedelta(days=5),
    )
    other_milestone = LEAMilestoneFactory(
        phase=pilot_phase,
        lea=other,
        name="Other District data load",
        planned_start=today,
        planned_end=today + timedelta(days=6),
    )
    vendor_milestone = VendorMilestoneFactory(
        phase=pilot_phase,
        vendor=own_vendor,
        name="Own SIS Co connector release",
        planned_start=today,
        planned_end=today + timedelta(days=7),
    )
    VendorMilestoneFactory(
        phase=pilot_phase,
        vendor=other_vendor,
        name="Other SIS Co connector release",
        planned_start=today,
        planned_end=today + timedelta(days=8),
    )
    ChangeNoticeFactory(milestone=own_milestone, lea=own, reason="Own District asked for a week")
    ChangeNoticeFactory(milestone=other_milestone, lea=other, reason="Other District moved")
    ChangeNoticeFactory(
        milestone=vendor_milestone, vendor=own_vendor, reason="Own SIS Co release slipped"
    )

    add_lea_checklist(own)
    add_lea_checklist(other, open_items=3, done=0, blocked=0)
    pilot = CohortFactory(name="Pilot cohort 2026")
    version = CohortVersion.objects.create(cohort=pilot, number=1)
    version.leas.set([own])

    LEAPersonFactory(lea=own, name="Ada Steward")
    LEAPersonFactory(lea=own, name="Ben Leaver", left_on=today - timedelta(days=3))
    LEAPersonFactory(lea=other, name="Other Person")

    first = ReconciliationRunFactory()
    run = ReconciliationRunFactory(cycle=first.cycle)
    for a_run, matched in ((first, 90), (run, 98)):
        LEARunSummaryFactory(run=a_run, lea=own, matched_records=matched)
        LEARunSummaryFactory(run=a_run, lea=other, matched_records=matched)
    DiscrepancyGroupFactory(run=run, lea=own, responsible_party=ResponsibleParty.LEA, field="race")
    DiscrepancyGroupFactory(
        run=run, lea=other, responsible_party=ResponsibleParty.LEA, field="race"
    )
    DiscrepancyGroupFactory(
        run=run,
        lea=own,
        responsible_party=ResponsibleParty.VENDOR,
        responsible_vendor=own_vendor,
        field="disability",
    )
    DiscrepancyGroupFactory(
        run=run,
        lea=other,
        responsible_party=ResponsibleParty.VENDOR,
        responsible_vendor=other_vendor,
        field="disability",
    )

    CertificationFactory(vendor=own_vendor, status="certified")
    CertificationFactory(vendor=other_vendor, status="in_progress")
    own_meeting = TouchpointFactory(vendor=own_vendor)
    FollowUpFactory(
        touchpoint=own_meeting,
        description="Own SIS Co sends QA schedule",
        due_on=today + timedelta(days=3),
    )
    FollowUpFactory(
        touchpoint=own_meeting,
        description="Own SIS Co later task",
        due_on=today + timedelta(days=60),
    )
    FollowUpFactory(
        touchpoint=TouchpointFactory(vendor=other_vendor),
        description="Other SIS Co task",
        due_on=today,
    )
    DeploymentTimelineFactory(vendor=own_vendor, lea=own)
    DeploymentTimelineFactory(vendor=other_vendor, lea=other)

    PlanningDocumentFactory(title="Child count use case", status=DocumentStatus.STAKEHOLDER_REVIEW)
    PlanningDocumentFactory(title="Ed-Fi scope", status=DocumentStatus.LEADERSHIP_REVIEW)
    MappingFeedbackFactory(mapping=ElementMappingFactory(status=MappingStatus.IN_REVIEW))
    return Rollout(pilot=pilot, run=run)


ROLES = (Role.SEA_TEAM, Role.LEADERSHIP, Role.LEA_COORDINATOR, Role.VENDOR_CONTACT)
