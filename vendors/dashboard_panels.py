"""The vendors' panels on the leadership dashboard: Ed-Fi readiness and expiring credentials."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from rolloutplanner.timeline.charts import BarChart, bar_chart
from rolloutplanner.timeline.dashboard import dashboard_panel
from vendors.models import (
    APICredential,
    Certification,
    CertificationStatus,
    EdFiExperience,
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
