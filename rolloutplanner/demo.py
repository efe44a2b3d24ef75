"""A realistic fictional state for demonstrations and manual testing (idempotent)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from leas.models import LEA, Capacity, PovertyLevel, Urbanicity
from leas.services.readiness import ensure_readiness_checklist
from mapping.models import DataStandardVersion
from mapping.services.catalog import import_edfi_model
from rolloutplanner.models import UserProfile
from rolloutplanner.roles import Role
from rolloutplanner.timeline import services as timeline_services
from rolloutplanner.timeline.models import Baseline, Milestone, MilestoneKind, Scope
from vendors.models import ProductType, Vendor

DEMO_PASSWORD = "rollout-demo-2026"  # noqa: S105 - published demo logins, local data only

DEMO_USERS = [
    ("sea", "Sam", "Rivera", Role.SEA_TEAM),
    ("leader", "Lee", "Okafor", Role.LEADERSHIP),
    ("coordinator", "Casey", "Nguyen", Role.LEA_COORDINATOR),
    ("vendor", "Vic", "Hart", Role.VENDOR_CONTACT),
    ("admin", "Ada", "Stone", Role.ADMINISTRATOR),
]

VENDORS = [
    ("Cardinal Student Systems", "Cardinal SIS", ProductType.SIS),
    ("Prairie Software", "PrairieSIS", ProductType.SIS),
    ("Summit EdTech", "Summit Campus", ProductType.SIS),
    ("Riverbend Data", "Riverbend Student", ProductType.SIS),
    ("Heartland Learning Co.", "Heartland SIS", ProductType.SIS),
    ("Beacon Special Ed", "Beacon IEP", ProductType.IEP),
    ("Compass Education", "Compass IEP Manager", ProductType.IEP),
    ("Lighthouse Services", "Lighthouse SpEd", ProductType.IEP),
    ("Keystone HR", "Keystone Staff", ProductType.HR),
    ("Fieldstone Payroll", "Fieldstone HR Suite", ProductType.HR),
    ("Ledger Public Finance", "Ledger School Finance", ProductType.FINANCE),
    ("Granite Accounting", "Granite Fund Manager", ProductType.FINANCE),
    ("Benchmark Assessments", "Benchmark Interim", ProductType.ASSESSMENT),
    ("Milestone Testing", "Milestone Reading", ProductType.ASSESSMENT),
    ("Northstar Assessment", "Northstar Math", ProductType.ASSESSMENT),
    ("Pulse Surveys", "Pulse School Climate", ProductType.SURVEY),
    ("Echo Feedback", "Echo Family Survey", ProductType.SURVEY),
    ("Transit Routes", "Transit Bus Planner", ProductType.OTHER),
    ("Harvest Nutrition", "Harvest Meals", ProductType.OTHER),
    ("Library Loop", "Loop Library", ProductType.OTHER),
]

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


def _lea_rows(rng: random.Random, sis_vendors: list[Vendor]) -> list[dict]:
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


@transaction.atomic
def seed_demo() -> dict:
    """Create the demo state if missing; rows that exist are left as they are."""
    rng = random.Random(2026)  # the same state every time
    vendors = [
        Vendor.objects.get_or_create(name=n, product_name=p, defaults={"product_type": t})[0]
        for n, p, t in VENDORS
    ]
    sis_vendors = [v for v in vendors if v.product_type == ProductType.SIS]
    created = 0
    for row in _lea_rows(rng, sis_vendors):
        _, was_created = LEA.objects.get_or_create(
            state_lea_id=row.pop("state_lea_id"), defaults=row
        )
        created += was_created
    first_lea = LEA.objects.get(state_lea_id="0001")
    for username, first, last, role in DEMO_USERS:
        _demo_user(username, first, last, role, lea=first_lea, vendor=first_lea.sis_vendor)
    steps_created = _demo_timeline()
    ensure_readiness_checklist(leas=LEA.objects.all())
    _demo_catalog()
    return {
        "leas_created": created,
        "leas": LEA.objects.count(),
        "vendors": len(vendors),
        "steps_created": steps_created,
    }


def _demo_catalog() -> None:
    """The Ed-Fi Data Standard shipped with the app, so mapping starts from the real catalog."""
    if not DataStandardVersion.objects.exists():
        import_edfi_model(directory=settings.BASE_DIR / "mapping" / "data" / "edfi" / "5.2.0")


# The demo plan started this long ago, so pre-planning and most of planning lie behind it.
TIMELINE_STARTED_WEEKS_AGO = 28
# Left unfinished although it should have ended: the late step the critical path points at.
LATE_STEP_CODE = "2.5"


def _demo_timeline() -> int:
    """Load the rollout template, dated so the rollout is under way, once.

    On the run that creates the steps: a baseline of the plan as loaded, steps that ended
    before today done on their planned dates (except one left late), steps under way started.
    Later runs change nothing, so edits made during a demonstration are kept.
    """
    today = timezone.localdate()
    created = timeline_services.load_template(
        start=today - timedelta(weeks=TIMELINE_STARTED_WEEKS_AGO)
    )
    if not created:
        return 0
    if not Baseline.objects.exists():
        timeline_services.save_baseline(name="Plan approved by the steering committee")
    steps = Milestone.objects.filter(
        scope=Scope.STATEWIDE, kind=MilestoneKind.STEP, planned_start__lte=today
    ).exclude(code=LATE_STEP_CODE)
    for step in steps.filter(actual_start__isnull=True):
        changes = {"actual_start": step.planned_start}
        if step.planned_end < today:
            changes["actual_end"] = step.planned_end
        timeline_services.update_milestone(
            milestone=step, user=None, changes=changes, reason="Demo progress"
        )
    return created


def _demo_user(username, first, last, role, *, lea, vendor):
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@example.org",
            "is_staff": role == Role.ADMINISTRATOR,
            "is_superuser": role == Role.ADMINISTRATOR,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    profile, _ = UserProfile.objects.get_or_create(user=user, defaults={"role": role})
    if role == Role.LEA_COORDINATOR and not profile.leas.exists():
        profile.leas.add(lea)
    if role == Role.VENDOR_CONTACT and profile.vendor_id is None:
        profile.vendor = vendor
        profile.save()
    return user
