"""The LEAs' part of the demo: 150 districts, their readiness in varied states, the people who
do their state reporting (with some turnover) and the saved pilot cohort. Idempotent: a part
already present is left as it is."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from simple_history.utils import bulk_update_with_history

from leas.models import (
    LEA,
    Capacity,
    Cohort,
    CohortKind,
    LEAPerson,
    PovertyLevel,
    ReadinessItem,
    ReadinessStatus,
    ReportingRole,
    RolloutPhase,
    Urbanicity,
)
from leas.services.cohorts import save_cohort_version, suggest_cohort
from leas.services.readiness import ensure_readiness_checklist
from rolloutplanner.demo import demo_step
from vendors.models import ProductType

PILOT_COHORT = "Pilot cohort 2026–27"
PILOT_SIZE = 8
FIRST_LEA_ID = "0001"  # the demo coordinator's district, always in the pilot

REGIONS = ["North", "Northeast", "Central", "Southeast", "South", "West", "Panhandle", "Valley"]
PLACE_NAMES = [
    "Ashford",
    "Bellmont",
    "Cedar Falls",
    "Dunmore",
    "Elk River",
    "Fairview",
    "Glenwood",
    "Harlan",
    "Ironton",
    "Jasper",
    "Kingsley",
    "Lakeside",
    "Maple Grove",
    "Newport",
    "Oakdale",
    "Pinecrest",
    "Quarry Hill",
    "Redfield",
    "Stonebridge",
    "Timberline",
    "Union City",
    "Vernon",
    "Westbrook",
    "Yorkville",
    "Zephyr",
    "Brookhaven",
    "Clearwater",
    "Deer Park",
    "Eastgate",
    "Foxborough",
]
SUFFIXES = [
    "Public Schools",
    "Unified School District",
    "Community Schools",
    "ISD",
    "County Schools",
]
LEA_COUNT = 150


def _lea_rows(rng: random.Random, sis_vendors: list) -> list[dict]:
    rows = []
    for number in range(1, LEA_COUNT + 1):
        urbanicity = rng.choices(list(Urbanicity), weights=[1, 2, 3, 5])[0]
        base = {"city": 30000, "suburb": 9000, "town": 2500, "rural": 700}[urbanicity]
        enrollment = max(80, int(rng.lognormvariate(0, 0.7) * base))
        capacity = (
            Capacity.HIGH if enrollment > 15000 else rng.choice([Capacity.MODERATE, Capacity.LOW])
        )
        place = PLACE_NAMES[(number - 1) % len(PLACE_NAMES)]
        suffix = SUFFIXES[(number - 1) // len(PLACE_NAMES) % len(SUFFIXES)]
        rows.append(
            {
                "state_lea_id": f"{number:04d}",
                "name": f"{place} {suffix}",
                "nces_id": f"99{number:05d}",
                "enrollment": enrollment,
                "urbanicity": urbanicity,
                "capacity": capacity,
                "region": rng.choice(REGIONS),
                "poverty_level": rng.choice(list(PovertyLevel)),
                "sis_vendor": rng.choices(sis_vendors, weights=[5, 4, 3, 2, 1])[0],
            }
        )
    return rows


def seed_leas(*, rng: random.Random, sis_vendors: Sequence) -> int:
    """The demo state's LEAs (created when missing) and their readiness checklists."""
    created = 0
    for row in _lea_rows(rng, list(sis_vendors)):
        _, was_created = LEA.objects.get_or_create(
            state_lea_id=row.pop("state_lea_id"), defaults=row
        )
        created += was_created
    ensure_readiness_checklist(leas=LEA.objects.all())
    return created


def first_lea() -> LEA:
    return LEA.objects.select_related("sis_vendor").get(state_lea_id=FIRST_LEA_ID)


def seed_pilot_cohort(*, user) -> list[LEA]:
    """The saved pilot cohort: suggested to cover the state's strata, with the first LEA in it."""
    cohort, created = Cohort.objects.get_or_create(
        name=PILOT_COHORT,
        defaults={
            "kind": CohortKind.PILOT,
            "notes": "Chosen to cover the state's size, urbanicity, poverty and SIS mix.",
        },
    )
    if created or not cohort.versions.exists():
        suggestion = suggest_cohort(size=PILOT_SIZE, must_include=[first_lea()])
        save_cohort_version(
            cohort=cohort,
            leas=suggestion.leas,
            user=user,
            explanation=suggestion.explanation(),
            note="Approved by the steering committee",
        )
    leas = cohort.current_version.leas.select_related("sis_vendor")
    return sorted(leas, key=lambda lea: lea.state_lea_id)


def seed_lea_story(*, today: date, pilot_leas: Sequence[LEA], rng: random.Random) -> None:
    """Readiness under way (the pilot furthest along) and people with some turnover."""
    pilot_ids = {lea.pk for lea in pilot_leas}
    untouched = ReadinessItem.objects.filter(status=ReadinessStatus.NOT_STARTED, status_on=None)
    if untouched.count() == ReadinessItem.objects.count():
        _readiness(today, pilot_ids, rng)
    if not LEAPerson.objects.exists():
        _people(today, pilot_leas, rng)


# Per phase: the weights of (done, in progress, blocked, not started) for pilot / other LEAs.
PILOT_WEIGHTS = {
    RolloutPhase.PREPARE: (10, 0, 0, 0),
    RolloutPhase.CONNECT: (5, 3, 1, 1),
    RolloutPhase.SEND: (1, 3, 1, 5),
}
OTHER_WEIGHTS = {
    RolloutPhase.PREPARE: (4, 3, 1, 2),
    RolloutPhase.CONNECT: (0, 1, 0, 9),
}
STATES = (
    ReadinessStatus.DONE,
    ReadinessStatus.IN_PROGRESS,
    ReadinessStatus.BLOCKED,
    ReadinessStatus.NOT_STARTED,
)
NOTES = {
    ReadinessStatus.DONE: "Confirmed by the district.",
    ReadinessStatus.IN_PROGRESS: "Under way; the district expects to finish this term.",
    ReadinessStatus.BLOCKED: "Waiting for the SIS vendor's Ed-Fi release.",
}


def _readiness(today: date, pilot_ids: set[int], rng: random.Random) -> None:
    items = list(ReadinessItem.objects.order_by("lea__state_lea_id", "order"))
    changed = []
    for item in items:
        weights = (PILOT_WEIGHTS if item.lea_id in pilot_ids else OTHER_WEIGHTS).get(item.phase)
        if weights is None:
            continue
        status = rng.choices(STATES, weights=weights)[0]
        if status == ReadinessStatus.NOT_STARTED:
            continue
        item.status = status
        item.status_on = today - timedelta(days=rng.randint(1, 120))
        item.evidence_note = NOTES[status]
        changed.append(item)
    bulk_update_with_history(
        changed,
        ReadinessItem,
        ["status", "status_on", "evidence_note"],
        batch_size=500,
        default_change_reason="Demo progress",
    )


FIRST_NAMES = ["Alex", "Blair", "Chris", "Dana", "Emery", "Frankie", "Gale", "Harper", "Indy"]
LAST_NAMES = ["Morales", "Chen", "Patel", "Johnson", "Kowalski", "Diaz", "Reed", "Sato", "Ward"]
ROLES = [
    (ReportingRole.DATA_STEWARD, "District data steward", 12),
    (ReportingRole.SIS_ADMIN, "SIS administrator", 8),
    (ReportingRole.SPED_DATA, "Special education data lead", 6),
    (ReportingRole.SUPERINTENDENT, "Superintendent", 1),
]


def _people(today: date, pilot_leas: Sequence[LEA], rng: random.Random) -> None:
    """Each pilot LEA's reporting team; two data stewards left and one was replaced."""
    for number, lea in enumerate(pilot_leas):
        for role, title, hours in ROLES:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            person = LEAPerson(
                lea=lea,
                name=name,
                title=title,
                reporting_role=role,
                email=f"{name.lower().replace(' ', '.')}@{lea.state_lea_id}.example.org",
                state_data_hours=hours,
                training_completed="Ed-Fi basics (webinar)" if hours > 5 else "",
                started_on=today - timedelta(days=rng.randint(400, 2000)),
            )
            turnover = role == ReportingRole.DATA_STEWARD and number in (0, 1)
            if turnover:
                person.left_on = today - timedelta(days=30 + 20 * number)
            person._change_reason = "Demo people"
            person.full_clean()
            person.save()
            if turnover and number == 0:
                successor = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                LEAPerson.objects.create(
                    lea=lea,
                    name=successor,
                    title="District data steward",
                    reporting_role=role,
                    email=f"{successor.lower().replace(' ', '.')}@{lea.state_lea_id}.example.org",
                    state_data_hours=10,
                    started_on=person.left_on + timedelta(days=7),
                )


@demo_step(20)
def seed_leas_step(world: dict) -> None:
    sis_vendors = [v for v in world["vendors"] if v.product_type == ProductType.SIS]
    world["leas_created"] = seed_leas(rng=random.Random(2026), sis_vendors=sis_vendors)
    world["first_lea"] = first_lea()
    world["leas"] = LEA.objects.count()


@demo_step(50)
def seed_lea_story_step(world: dict) -> None:
    world["pilot"] = seed_pilot_cohort(user=world["users"]["sea"])
    seed_lea_story(today=world["today"], pilot_leas=world["pilot"], rng=random.Random(2027))
