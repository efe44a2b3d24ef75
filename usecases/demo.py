"""The planning part of the demo: stakeholders, the data-system inventory and its flows, an
approved use case, one in stakeholder review with comments, the approved scope document, two
self-assessment rounds showing progress and the communication plan (some items overdue).

Every document moves through the review services, so the four-eyes and reviewer rules hold.
Idempotent: a part already present is left as it is.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from rolloutplanner.demo import demo_step
from usecases.models import (
    AssessmentItem,
    AssessmentRound,
    Channel,
    CommunicationItem,
    DataFlow,
    DataSystem,
    DocumentKind,
    FlowMethod,
    Hosting,
    Instrument,
    PlanningDocument,
    ScopeCategory,
    ScopeItem,
    Stakeholder,
    StakeholderCategory,
    SystemType,
)
from usecases.models.common import Level
from usecases.services import documents as workflow
from usecases.services.assessment import agree_rating, rate_item
from usecases.services.communication import record_sent

APPROVED_USE_CASE = "IDEA Part B child count from Ed-Fi data"
REVIEWED_USE_CASE = "Special education exits reported from Ed-Fi data"
SCOPE_DOCUMENT = "Scope of the Ed-Fi rollout, 2026–2028"

# (name, type, owner, hosting, product name of its vendor or "", data held)
SYSTEMS = [
    ("District SIS", SystemType.SIS, "LEAs", Hosting.VENDOR, "Cardinal SIS", "Enrollment"),
    ("IEP system", SystemType.IEP, "LEAs", Hosting.VENDOR, "Beacon IEP", "IEPs, services"),
    ("State Ed-Fi ODS / API", SystemType.ODS, "SEA IT", Hosting.CLOUD, "", "Ed-Fi resources"),
    (
        "Legacy child-count upload",
        SystemType.OTHER,
        "Special education office",
        Hosting.ON_PREMISES,
        "",
        "Child count files",
    ),
    (
        "State data warehouse",
        SystemType.DATA_WAREHOUSE,
        "SEA IT",
        Hosting.ON_PREMISES,
        "",
        "Longitudinal student records",
    ),
    (
        "EDFacts submission system",
        SystemType.EDFACTS,
        "EDFacts coordinator",
        Hosting.MANAGED,
        "",
        "Federal files",
    ),
    (
        "Statewide assessment platform",
        SystemType.ASSESSMENT,
        "Assessment office",
        Hosting.VENDOR,
        "Benchmark Interim",
        "Scores",
    ),
    ("SLDS", SystemType.SLDS, "SLDS staff", Hosting.CLOUD, "", "P-20W records"),
]
FLOWS = [
    (
        "District SIS",
        "State Ed-Fi ODS / API",
        "Students, enrollment, programs",
        "nightly",
        FlowMethod.API,
    ),
    (
        "IEP system",
        "State Ed-Fi ODS / API",
        "Special education program associations",
        "nightly",
        FlowMethod.API,
    ),
    (
        "Legacy child-count upload",
        "State data warehouse",
        "Child count file",
        "annual",
        FlowMethod.FILE,
    ),
    (
        "State Ed-Fi ODS / API",
        "State data warehouse",
        "Ed-Fi resources",
        "nightly",
        FlowMethod.DATABASE,
    ),
    (
        "State data warehouse",
        "EDFacts submission system",
        "FS002 / FS089 child count",
        "annual",
        FlowMethod.FILE,
    ),
    (
        "Statewide assessment platform",
        "State Ed-Fi ODS / API",
        "Assessment results",
        "after each window",
        FlowMethod.API,
    ),
    ("State data warehouse", "SLDS", "Student records", "monthly", FlowMethod.DATABASE),
]
COMMUNICATIONS = [
    # (audience, message, channel, frequency, owner, days from today to the next date)
    (
        "LEA superintendents",
        "Rollout status and what is asked of districts this term",
        "Newsletter",
        "monthly",
        "Project manager",
        -9,
    ),
    (
        "Pilot LEA data stewards",
        "Weekly pilot check-in: loads, errors, questions",
        "Meeting",
        "weekly",
        "Data integration lead",
        -2,
    ),
    (
        "SIS vendors",
        "Certification timeline and API credential rotation",
        "E-mail",
        "quarterly",
        "Vendor liaison",
        12,
    ),
    (
        "Steering committee",
        "Go / no-go criteria for the parallel year",
        "Meeting",
        "",
        "Project sponsor",
        25,
    ),
    (
        "Special education directors",
        "What changes in the child count next year",
        "Webinar",
        "",
        "Special education office",
        40,
    ),
]


def seed_planning_story(
    *, today: date, users: dict, pilot_leas: Sequence, vendors: Sequence, rng: random.Random
) -> None:
    """The planning state of a rollout whose pilot is under way (see the module docstring).

    ``vendors``: the demo's vendor products, given by the composer (usecases imports no vendors
    module), for the data systems a vendor hosts."""
    stakeholders = _stakeholders(users, pilot_leas)
    if not DataSystem.objects.exists():
        _inventory(vendors)
    if not PlanningDocument.objects.filter(title=APPROVED_USE_CASE).exists():
        _approved_use_case(today, users, stakeholders)
    if not PlanningDocument.objects.filter(title=REVIEWED_USE_CASE).exists():
        _use_case_in_review(today, users, stakeholders)
    if not PlanningDocument.objects.filter(kind=DocumentKind.SCOPE).exists():
        _approved_scope(today, users, stakeholders)
    if not AssessmentRound.objects.exists():
        _assessment_rounds(today, users, rng)
    if not CommunicationItem.objects.exists():
        _communications(today, users)


def _stakeholders(users: dict, pilot_leas: Sequence) -> dict[str, Stakeholder]:
    coordinator_lea = users["coordinator"].profile.leas.first()
    rows = {
        "leader": dict(
            name="Lee Okafor",
            category=StakeholderCategory.LEADERSHIP,
            role_title="Deputy superintendent",
            influence=Level.HIGH,
            user=users["leader"],
        ),
        "coordinator": dict(
            name="Casey Nguyen",
            category=StakeholderCategory.LEA,
            role_title="District data coordinator",
            lea=coordinator_lea,
            user=users["coordinator"],
            preferred_channel=Channel.MEETING,
        ),
        "vendor": dict(
            name="Vic Hart",
            category=StakeholderCategory.VENDOR,
            role_title="Integration manager",
            vendor=users["vendor"].profile.vendor,
            user=users["vendor"],
        ),
        "sped": dict(
            name="Morgan Ellis",
            category=StakeholderCategory.SPECIAL_EDUCATION_DIRECTOR,
            role_title="State director of special education",
            influence=Level.HIGH,
        ),
        "edfacts": dict(
            name="Riley Brooks",
            category=StakeholderCategory.EDFACTS_COORDINATOR,
            role_title="EDFacts coordinator",
        ),
    }
    result = {}
    for key, fields in rows.items():
        name = fields.pop("name")
        result[key], _ = Stakeholder.objects.get_or_create(
            name=name, defaults={"email": f"{key}@example.org", **fields}
        )
    return result


def _inventory(vendor_products: Sequence) -> None:
    vendors = {v.product_name: v for v in vendor_products}
    systems = {}
    for name, system_type, owner, hosting, product, data in SYSTEMS:
        systems[name] = DataSystem.objects.create(
            name=name,
            system_type=system_type,
            owner=owner,
            hosting=hosting,
            vendor=vendors.get(product),
            data_held=data,
        )
    for source, target, data, frequency, method in FLOWS:
        flow = DataFlow(
            source=systems[source],
            target=systems[target],
            data=data,
            frequency=frequency,
            method=method,
        )
        flow.full_clean()
        flow.save()


def _write(document: PlanningDocument, user, text: str) -> None:
    for section in document.sections.order_by("position"):
        workflow.edit_section(section=section, user=user, body=f"{section.heading}: {text}")


def _approved_use_case(today: date, users: dict, stakeholders: dict) -> None:
    sea, leader, coordinator = users["sea"], users["leader"], users["coordinator"]
    document = workflow.create_document(
        kind=DocumentKind.USE_CASE,
        title=APPROVED_USE_CASE,
        user=sea,
        timeline_phase="Phase 2 – Planning",
    )
    _write(document, sea, "the IDEA Part B child count is derived from Ed-Fi data.")
    document.data_systems.set(
        DataSystem.objects.filter(name__in=["District SIS", "IEP system", "State Ed-Fi ODS / API"])
    )
    workflow.send_for_stakeholder_review(
        document=document,
        user=sea,
        reviewers=[stakeholders["coordinator"], stakeholders["vendor"]],
        due=today,
    )
    section = document.sections.order_by("position").first()
    comment = workflow.add_comment(
        section=section,
        user=coordinator,
        body="Please say which snapshot date districts must use for the count.",
    )
    workflow.resolve_comment(comment=comment, user=sea, resolution="accepted")
    workflow.mark_revised(document=document, user=sea)
    workflow.send_for_leadership_review(document=document, user=sea)
    workflow.approve(
        document=document, user=leader, comment="Approved for the pilot and the parallel year."
    )


def _use_case_in_review(today: date, users: dict, stakeholders: dict) -> None:
    sea, coordinator, vendor = users["sea"], users["coordinator"], users["vendor"]
    document = workflow.create_document(
        kind=DocumentKind.USE_CASE,
        title=REVIEWED_USE_CASE,
        user=sea,
        timeline_phase="Phase 3 – Pilot",
    )
    _write(document, sea, "special education exits are reported from Ed-Fi data.")
    document.data_systems.set(DataSystem.objects.filter(name__in=["IEP system", "SLDS"]))
    workflow.send_for_stakeholder_review(
        document=document,
        user=sea,
        reviewers=[stakeholders["coordinator"], stakeholders["vendor"]],
        due=today + timedelta(days=10),
    )
    sections = list(document.sections.order_by("position")[:2])
    workflow.add_comment(
        section=sections[0],
        user=coordinator,
        body="Exits recorded after 30 June belong to which reporting year?",
    )
    workflow.add_comment(
        section=sections[-1],
        user=vendor,
        body="Our IEP product records the exit reason as a local code; is a mapping planned?",
    )


def _approved_scope(today: date, users: dict, stakeholders: dict) -> None:
    sea, leader = users["sea"], users["leader"]
    document = workflow.create_document(kind=DocumentKind.SCOPE, title=SCOPE_DOCUMENT, user=sea)
    _write(document, sea, "agreed with the steering committee.")
    use_case = PlanningDocument.objects.filter(title=APPROVED_USE_CASE).first()
    for category, text in [
        (
            ScopeCategory.IN_SCOPE,
            "Student enrollment and special education data from SIS and "
            "IEP systems through the Ed-Fi API.",
        ),
        (ScopeCategory.OUT_OF_SCOPE, "Finance and HR data in this rollout."),
        (
            ScopeCategory.ASSUMPTION,
            "Every district's SIS vendor is Ed-Fi certified by the parallel year.",
        ),
        (ScopeCategory.DELIVERABLE, "A parallel-year child count matching the legacy count."),
        (ScopeCategory.SUCCESS_MEASURE, "A match rate of 98% or more in the parallel year."),
    ]:
        item = ScopeItem(document=document, category=category, text=text)
        item.full_clean()
        item.save()
        if use_case and category == ScopeCategory.IN_SCOPE:
            item.use_cases.add(use_case)
    workflow.send_for_stakeholder_review(
        document=document, user=sea, reviewers=[stakeholders["sped"]], due=today
    )
    workflow.mark_revised(document=document, user=sea)
    workflow.send_for_leadership_review(document=document, user=sea)
    workflow.approve(document=document, user=leader, comment="Scope approved.")


def _assessment_rounds(today: date, users: dict, rng: random.Random) -> None:
    """Two rounds six months apart; most items rise by a level in the second."""
    instrument = Instrument.objects.order_by("pk").first()
    if instrument is None:
        return
    items = list(AssessmentItem.objects.filter(dimension__instrument=instrument))
    raters = [users["sea"], users["sea2"]]
    first_levels = {item.pk: rng.choice([1, 1, 2, 2, 3]) for item in items}
    for name, days_ago, rise in [
        ("Baseline self-assessment", 180, 0),
        ("Mid-rollout self-assessment", 21, 1),
    ]:
        round_ = AssessmentRound.objects.create(
            instrument=instrument,
            name=name,
            held_on=today - timedelta(days=days_ago),
            notes="Rated separately by two team members, then agreed.",
        )
        for item in items:
            agreed = min(4, first_levels[item.pk] + (rise if rng.random() < 0.7 else 0))
            for rater in raters:
                level = max(1, min(4, agreed + rng.choice([-1, 0, 0, 1])))
                rate_item(round=round_, item=item, rater=rater, level=level)
            agree_rating(
                round=round_,
                item=item,
                user=raters[0],
                level=agreed,
                rationale="Agreed after discussing the evidence.",
            )


def _communications(today: date, users: dict) -> None:
    for audience, message, channel, frequency, owner, days in COMMUNICATIONS:
        item = CommunicationItem.objects.create(
            audience=audience,
            message=message,
            channel=channel,
            frequency=frequency,
            owner=owner,
            next_date=today + timedelta(days=days),
        )
        if frequency:
            record_sent(
                item=item,
                user=users["sea"],
                sent_on=today + timedelta(days=days) - timedelta(days=30),
                summary="Sent as planned.",
            )


@demo_step(70)
def seed_planning_story_step(world: dict) -> None:
    seed_planning_story(
        today=world["today"],
        users=world["users"],
        pilot_leas=world["pilot"],
        vendors=world["vendors"],
        rng=random.Random(2029),
    )
