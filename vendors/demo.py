"""The vendors' part of the demo: products in the state, their Ed-Fi experience and
certifications, deployment dates at pilot LEAs, check-ins with follow-ups (one overdue) and
API credentials (one expiring soon, one revoked after a leak). Idempotent: a part already
present is left as it is."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from rolloutplanner.demo import demo_step
from vendors.models import (
    APICredential,
    AssistanceLevel,
    Certification,
    CertificationStatus,
    ClaimSet,
    DeploymentTimeline,
    EdFiExperience,
    FollowUp,
    ProductType,
    Touchpoint,
    Vendor,
)
from vendors.services import report_leak, set_claim_set_resources, set_credential_secret

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

# product name → (Ed-Fi experience, assistance needed, release cadence, certifications as
# (certification, status, months ago certified or None)).
EDFI_PROFILES = {
    "Cardinal SIS": (
        EdFiExperience.STATE_LEVEL,
        AssistanceLevel.LOW,
        "Two releases a year",
        [("SIS", CertificationStatus.CERTIFIED, 14)],
    ),
    "PrairieSIS": (
        EdFiExperience.STATE_LEVEL,
        AssistanceLevel.MODERATE,
        "Quarterly",
        [("SIS", CertificationStatus.CERTIFIED, 5)],
    ),
    "Summit Campus": (
        EdFiExperience.SOME,
        AssistanceLevel.MODERATE,
        "Quarterly",
        [("SIS", CertificationStatus.IN_PROGRESS, None)],
    ),
    "Riverbend Student": (
        EdFiExperience.SOME,
        AssistanceLevel.HIGH,
        "Once a year",
        [("SIS", CertificationStatus.LAPSED, 30)],
    ),
    "Heartland SIS": (EdFiExperience.NONE, AssistanceLevel.HIGH, "Once a year", []),
    "Beacon IEP": (
        EdFiExperience.SOME,
        AssistanceLevel.MODERATE,
        "Two releases a year",
        [("Special education", CertificationStatus.IN_PROGRESS, None)],
    ),
    "Compass IEP Manager": (
        EdFiExperience.STATE_LEVEL,
        AssistanceLevel.LOW,
        "Quarterly",
        [("Special education", CertificationStatus.CERTIFIED, 9)],
    ),
    "Benchmark Interim": (
        EdFiExperience.STATE_LEVEL,
        AssistanceLevel.LOW,
        "Monthly",
        [("Assessment outcomes", CertificationStatus.CERTIFIED, 11)],
    ),
    "Keystone Staff": (EdFiExperience.NONE, AssistanceLevel.HIGH, "", []),
}
DATA_STANDARD = "Data Standard 5.2"
SIS_WRITES = [
    "students",
    "studentSchoolAssociations",
    "studentEducationOrganizationAssociations",
    "studentSpecialEducationProgramAssociations",
    "staffs",
    "sections",
]
SCHOOL_YEAR = 2027  # the 2026–27 school year the pilot loads


def seed_vendors() -> list[Vendor]:
    """The 20 vendor products of the demo state, created when missing."""
    return [
        Vendor.objects.get_or_create(name=n, product_name=p, defaults={"product_type": t})[0]
        for n, p, t in VENDORS
    ]


def seed_vendor_story(*, today: date, pilot_leas: Sequence, sea_user, rng: random.Random) -> None:
    """Ed-Fi profiles and certifications, deployment dates at the pilot LEAs, credentials."""
    vendors = {v.product_name: v for v in Vendor.objects.all()}
    if not Certification.objects.exists():
        _edfi_profiles(vendors, today)
    if not DeploymentTimeline.objects.exists():
        _deployment_timelines(pilot_leas, today, rng)
    if not APICredential.objects.exists():
        _credentials(pilot_leas, today, sea_user)
    if not Touchpoint.objects.exists():
        _touchpoints(pilot_leas, today)


def _touchpoints(pilot_leas: Sequence, today: date) -> None:
    """A check-in with each pilot SIS vendor; one follow-up done, one overdue, one coming."""
    vendors = sorted({lea.sis_vendor for lea in pilot_leas if lea.sis_vendor}, key=str)
    for vendor in vendors:
        touchpoint = Touchpoint.objects.create(
            vendor=vendor,
            held_on=today - timedelta(days=14),
            attendees=f"SEA vendor liaison; {vendor.name} integration team",
            decisions="Pilot loads move to the nightly schedule after QA.",
        )
        for description, owner, due_days, done_days in [
            ("Share the Ed-Fi release notes", vendor.name, -10, -11),
            ("Fix the enrollment exit-date export", vendor.name, -3, None),
            ("Confirm the certification test date", "SEA vendor liaison", 9, None),
        ]:
            FollowUp.objects.create(
                touchpoint=touchpoint,
                description=description,
                owner=owner,
                due_on=today + timedelta(days=due_days),
                done_on=today + timedelta(days=done_days) if done_days is not None else None,
            )


def _edfi_profiles(vendors: dict[str, Vendor], today: date) -> None:
    for product, (experience, assistance, cadence, certifications) in EDFI_PROFILES.items():
        vendor = vendors[product]
        vendor.edfi_experience, vendor.assistance_level = experience, assistance
        vendor.release_cadence = cadence
        vendor._change_reason = "Ed-Fi profile from the vendor survey"
        vendor.save()
        for certification, status, months_ago in certifications:
            Certification.objects.create(
                vendor=vendor,
                certification=certification,
                version=DATA_STANDARD,
                status=status,
                certified_on=today - timedelta(days=30 * months_ago) if months_ago else None,
            )


def _deployment_timelines(pilot_leas: Sequence, today: date, rng: random.Random) -> None:
    for lea in pilot_leas:
        if lea.sis_vendor_id is None:
            continue
        development = today - timedelta(days=rng.randint(10, 60))
        qa = development + timedelta(days=rng.randint(14, 40))
        deployment = qa + timedelta(days=rng.randint(7, 30))
        DeploymentTimeline.objects.create(
            vendor_id=lea.sis_vendor_id,
            lea=lea,
            development_on=development,
            qa_on=qa,
            deployment_on=deployment,
            notes="Pilot deployment",
        )


def _credentials(pilot_leas: Sequence, today: date, sea_user) -> None:
    claim_set, _ = ClaimSet.objects.get_or_create(name="SIS Vendor")
    set_claim_set_resources(claim_set=claim_set, resources=SIS_WRITES)
    issued = []
    for number, lea in enumerate(pilot_leas, start=1):
        credential = APICredential.objects.create(
            application_name=f"{lea.sis_vendor.product_name} at {lea.name}",
            key=f"demo-{lea.state_lea_id}-{SCHOOL_YEAR}",
            vendor=lea.sis_vendor,
            claim_set=claim_set,
            ods_instance="pilot",
            school_year=SCHOOL_YEAR,
            owner_email=f"integrations{number}@example.org",
            issued_on=today - timedelta(days=90),
            # The first expires within the rotation window; the others at the year's end.
            expires_on=today + timedelta(days=12 if number == 1 else 300),
        )
        credential.leas.set([lea])
        if number <= 2:
            # A fingerprint is a slow hash (about a second each): only the credentials whose
            # story needs one (the leaked secret is checked against it) get a secret.
            set_credential_secret(credential=credential, secret=f"demo-secret-{number}")
        issued.append(credential)
    if len(issued) > 1:
        report_leak(
            credential=issued[1],
            description="The key and secret were pasted into a public support forum post.",
            user=sea_user,
            leaked_secret="demo-secret-2",
            today=today - timedelta(days=3),
        )


@demo_step(10)
def seed_vendors_step(world: dict) -> None:
    world["vendors"] = seed_vendors()


@demo_step(60)
def seed_vendor_story_step(world: dict) -> None:
    seed_vendor_story(
        today=world["today"],
        pilot_leas=world["pilot"],
        sea_user=world["users"]["sea"],
        rng=random.Random(2028),
    )
