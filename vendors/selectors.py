"""Reads that compose several models for the vendor pages."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q

from rolloutplanner.permissions import CHANGE, restriction_for, user_can_add_model
from vendors.models import (
    APICredential,
    Certification,
    DeploymentTimeline,
    FollowUp,
    MarketEvent,
    Touchpoint,
    Vendor,
)
from vendors.services import rotation_window_days


def vendor_engagement(*, vendor: Vendor, user) -> dict:
    """Everything the vendor page shows about engagement, restricted to what ``user`` sees."""
    return {
        "certifications": list(Certification.objects.restrict(user).filter(vendor=vendor)),
        "touchpoints": list(Touchpoint.objects.restrict(user).filter(vendor=vendor)[:20]),
        "follow_ups": list(
            FollowUp.objects.restrict(user)
            .filter(touchpoint__vendor=vendor, done_on__isnull=True)
            .select_related("touchpoint")
        ),
        "timelines": list(
            DeploymentTimeline.objects.restrict(user).filter(vendor=vendor).select_related("lea")
        ),
        "market_events": list(
            MarketEvent.objects.restrict(user)
            .filter(vendor=vendor)
            .prefetch_related("affected_leas")
        ),
        "credentials": list(
            APICredential.objects.restrict(user).filter(vendor=vendor).select_related("claim_set")
        ),
        "leas_using": list(
            _lea_model()
            .objects.restrict(user)
            .filter(Q(sis_vendor=vendor) | Q(source_systems=vendor))
            .distinct()
            .order_by("name")[:200]
        ),
        "can_change_timelines": restriction_for(user, DeploymentTimeline, CHANGE) is not None,
        "can_add_timelines": user_can_add_model(user, DeploymentTimeline),
        "can_change_follow_ups": restriction_for(user, FollowUp, CHANGE) is not None,
    }


def rotation_dashboard(*, user, today: date, window_days: int | None = None) -> dict:
    window_days = window_days if window_days is not None else rotation_window_days()
    visible = APICredential.objects.restrict(user).select_related("vendor", "claim_set")
    horizon = today + timedelta(days=window_days)
    return {
        "flagged": list(visible.flagged_for_rotation().order_by("expires_on", "key")),
        "expiring": list(
            visible.filter(
                revoked_on__isnull=True, rotation_flagged_on__isnull=True, expires_on__lte=horizon
            ).order_by("expires_on", "key")
        ),
        "window_days": window_days,
        "today": today,
    }


def _lea_model():
    """The LEA model, reached through the relation that names this vendor: the leas app
    imports vendors (an LEA's SIS and source systems), so vendors does not import it."""
    return Vendor._meta.get_field("sis_leas").related_model
