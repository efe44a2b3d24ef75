"""The vendors' panels on the leadership dashboard: products by type, Ed-Fi readiness and
expiring credentials."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from rolloutplanner.charts import BarChart, bar_chart
from rolloutplanner.dashboard import dashboard_panel
from rolloutplanner.home import (
    SEA_HOME,
    VENDOR_HOME,
    Breakdown,
    Tile,
    TileEntry,
    breakdown,
    counted,
    home_breakdown,
    home_organisation,
    home_tile,
)
from rolloutplanner.roles import Role
from vendors.filtersets import (
    CertificationFilterSet,
    DeploymentTimelineFilterSet,
    FollowUpFilterSet,
)
from vendors.models import (
    APICredential,
    Certification,
    CertificationStatus,
    DeploymentTimeline,
    EdFiExperience,
    FollowUp,
    ProductType,
    Vendor,
)

# Most ready first: a current certification beats one under way, which beats experience alone.
CERTIFIED, CERTIFYING = "certified", "certifying"
EXPERIENCE_LADDER = (EdFiExperience.STATE_LEVEL, EdFiExperience.SOME, EdFiExperience.NONE)


def _url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}" if params else reverse(name)


def edfi_readiness(user) -> dict[str, int]:
    """Visible vendor products per readiness rung: certified, certifying, or their experience.

    Certifications are read through their own restriction, so a role that may not see a
    vendor's certifications sees the vendor ranked by its experience only.
    """
    certifications = Certification.objects.restrict(user).filter(vendor=OuterRef("pk"))
    rows = (
        Vendor.objects.restrict(user)
        .annotate(
            certified=Exists(certifications.filter(status=CertificationStatus.CERTIFIED)),
            certifying=Exists(certifications.filter(status=CertificationStatus.IN_PROGRESS)),
        )
        .order_by()
        .values_list("edfi_experience", "certified", "certifying")
    )
    rungs: dict[str, int] = {}
    for experience, certified, certifying in rows:
        rung = CERTIFIED if certified else CERTIFYING if certifying else experience
        rungs[rung] = rungs.get(rung, 0) + 1
    return rungs


@dashboard_panel("vendors-by-edfi-readiness", order=52)
def vendors_by_edfi_readiness(user) -> BarChart:
    rungs = edfi_readiness(user)
    rows = [
        (
            "Ed-Fi certified",
            rungs.get(CERTIFIED, 0),
            _url("vendors:certification-list", status=CertificationStatus.CERTIFIED),
        ),
        (
            "Certification in progress",
            rungs.get(CERTIFYING, 0),
            _url("vendors:certification-list", status=CertificationStatus.IN_PROGRESS),
        ),
    ]
    rows += [
        (
            f"Not certified; experience: {experience.label}",
            rungs.get(experience.value, 0),
            _url("vendors:vendor-list", edfi_experience=experience.value),
        )
        for experience in EXPERIENCE_LADDER
    ]
    if rungs.get(""):
        rows.append(
            ("Not certified; experience not recorded", rungs[""], _url("vendors:vendor-list"))
        )
    return bar_chart(
        key="vendors-by-edfi-readiness",
        title="Vendor products by Ed-Fi readiness",
        summary="; ".join(f"{label}: {value}" for label, value, _ in rows),
        rows=rows,
        detail_url=_url("vendors:vendor-list"),
    )


EXPIRY_WINDOWS = ((30, "Expires within 30 days"), (90, "In 31–90 days"), (180, "In 91–180 days"))


def expiring_credentials(user, *, today: date) -> dict[str, int]:
    """Counts of visible, unrevoked credentials already expired and per expiry window."""
    buckets = {"expired": Count("pk", filter=Q(expires_on__lt=today))}
    start = today
    for days, _ in EXPIRY_WINDOWS:
        end = today + timedelta(days=days)
        buckets[f"within_{days}"] = Count("pk", filter=Q(expires_on__gte=start, expires_on__lt=end))
        start = end
    return (
        APICredential.objects.restrict(user)
        .filter(revoked_on__isnull=True, expires_on__isnull=False)
        .aggregate(**buckets)
    )


@dashboard_panel("credentials-expiring", order=55)
def credentials_expiring(user) -> BarChart:
    today = timezone.localdate()
    counts = expiring_credentials(user, today=today)
    listing = _url("vendors:apicredential-list", revoked="false")
    rows = [
        (
            "Expired, not revoked",
            counts["expired"],
            _url(
                "vendors:apicredential-list",
                revoked="false",
                expires_before=str(today - timedelta(days=1)),
            ),
        )
    ]
    for days, label in EXPIRY_WINDOWS:
        until = today + timedelta(days=days - 1)
        rows.append(
            (
                label,
                counts[f"within_{days}"],
                _url(
                    "vendors:apicredential-list", revoked="false", expires_before=until.isoformat()
                ),
            )
        )
    return bar_chart(
        key="credentials-expiring",
        title="API credentials expiring (not revoked)",
        summary="; ".join(f"{label}: {value}" for label, value, _ in rows),
        rows=rows,
        detail_url=listing,
    )


# Home tiles -------------------------------------------------------------------------------

FOLLOW_UPS_DUE_WITHIN_DAYS = 14
LISTED = 10


@home_tile("certification-progress", order=55, roles=SEA_HOME | VENDOR_HOME)
def certification_progress(user) -> Tile:
    """Ed-Fi certifications by status (a vendor contact sees its own product's)."""
    certifications = Certification.objects.restrict(user)
    return Tile(
        key="certification-progress",
        title="Ed-Fi certification",
        summary="Certifications recorded per product, by status.",
        counts=tuple(
            counted(
                status.label,
                "vendors:certification-list",
                CertificationFilterSet,
                certifications,
                user=user,
                status=status.value,
            )
            for status in CertificationStatus
        ),
    )


@home_tile("follow-ups-due", order=20, roles=VENDOR_HOME)
def follow_ups_due(user) -> Tile:
    """The vendor's open follow-ups, those due soon or overdue first."""
    today = timezone.localdate()
    follow_ups = FollowUp.objects.restrict(user)
    until = today + timedelta(days=FOLLOW_UPS_DUE_WITHIN_DAYS)
    counts = (
        counted(
            f"Overdue or due by {until:%Y-%m-%d}",
            "vendors:followup-list",
            FollowUpFilterSet,
            follow_ups,
            user=user,
            open="true",
            due_before=until.isoformat(),
        ),
        counted(
            "All open follow-ups",
            "vendors:followup-list",
            FollowUpFilterSet,
            follow_ups,
            user=user,
            open="true",
        ),
    )
    return Tile(
        key="follow-ups-due",
        title="Your follow-ups due",
        summary="Actions owed after meetings with the SEA team.",
        counts=counts,
        entries=tuple(
            TileEntry(
                label=f.description,
                url=f.get_absolute_url(),
                note=f"due {f.due_on:%Y-%m-%d}" + (" (overdue)" if f.due_on < today else ""),
            )
            for f in follow_ups.filter(done_on__isnull=True).order_by("due_on", "pk")[:5]
        ),
    )


def _dates(timeline: DeploymentTimeline) -> str:
    def shown(day):
        return f"{day:%Y-%m-%d}" if day else "not set"

    return (
        f"development {shown(timeline.development_on)}, QA {shown(timeline.qa_on)}, "
        f"deployment {shown(timeline.deployment_on)}"
    )


@home_tile("deployment-dates", order=30, roles=VENDOR_HOME)
def deployment_dates(user) -> Tile:
    """The vendor's development, QA and deployment dates at each LEA."""
    timelines = DeploymentTimeline.objects.restrict(user)
    count = counted(
        "LEAs with deployment dates",
        "vendors:deploymenttimeline-list",
        DeploymentTimelineFilterSet,
        timelines,
        user=user,
    )
    return Tile(
        key="deployment-dates",
        title="Your development, QA and deployment dates per LEA",
        summary="Planned dates you keep for each LEA running your product.",
        counts=(count,),
        entries=tuple(
            TileEntry(label=str(t.lea), url=t.get_absolute_url(), note=_dates(t))
            for t in timelines.select_related("lea").order_by("lea__name", "pk")[:LISTED]
        ),
    )


@dashboard_panel("vendors-by-type", order=50)
def vendors_by_type(user) -> BarChart:
    counts = dict(
        Vendor.objects.restrict(user)
        .values_list("product_type")
        .annotate(count=Count("pk"))
        .values_list("product_type", "count")
    )
    vendor_list = reverse("vendors:vendor-list")
    bars = [(label, counts.get(value, 0), vendor_list) for value, label in ProductType.choices]
    return bar_chart(
        key="vendors-by-type",
        title="Vendor products by type",
        summary="; ".join(f"{label}: {value}" for label, value, _ in bars),
        rows=bars,
        detail_url=vendor_list,
    )


@home_breakdown("vendors-by-type", order=20)
def vendors_by_type_table(user) -> Breakdown:
    return breakdown(
        key="vendors-by-type",
        title="Vendor products by type",
        queryset=Vendor.objects.restrict(user),
        field="product_type",
        choices=ProductType,
        noun="vendor product",
        url=reverse("vendors:vendor-list"),
    )


@home_organisation(Role.VENDOR_CONTACT)
def contacts_vendor(user):
    """The vendor product the contact works for."""
    return Vendor.objects.restrict(user).filter(pk__in=user.profile.vendor_ids()).first()
