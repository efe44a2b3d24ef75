"""Writes of the vendor app: API credentials (fingerprints, leaks, rotation) and claim sets."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from simple_history.utils import update_change_reason

from rolloutplanner.emails import absolute_url
from vendors.models import APICredential, ClaimSet, CredentialIncident

# Days before expiry (or before school-year rollover) a credential is flagged for rotation;
# the optional setting CREDENTIAL_ROTATION_WINDOW_DAYS overrides it.
DEFAULT_ROTATION_WINDOW_DAYS = 30
# The Ed-Fi school year ending in year Y rolls over on 1 July of year Y.
ROLLOVER_MONTH, ROLLOVER_DAY = 7, 1
REPLACEMENT_DAYS = 7


def secret_fingerprint(secret: str) -> str:
    """A salted, slow hash of a secret: it verifies a leaked value and never reveals it."""
    return make_password(secret)


def set_credential_secret(*, credential: APICredential, secret: str) -> APICredential:
    """Store only the fingerprint of ``secret``; the clear value is not kept anywhere."""
    if not secret:
        raise ValidationError("The secret is empty.")
    credential.secret_fingerprint = secret_fingerprint(secret)
    credential.save(update_fields=["secret_fingerprint"])
    return credential


def secret_matches(*, credential: APICredential, secret: str) -> bool | None:
    """Whether ``secret`` is this credential's secret; None when no fingerprint was recorded."""
    if not credential.secret_fingerprint:
        return None
    return check_password(secret, credential.secret_fingerprint)


def rollover_date(school_year: int) -> date:
    return date(school_year, ROLLOVER_MONTH, ROLLOVER_DAY)


def rotation_reason(credential: APICredential, *, today: date, window_days: int) -> str:
    """Why ``credential`` must be rotated within the window, or "" when it need not be."""
    horizon = today + timedelta(days=window_days)
    if credential.expires_on and credential.expires_on <= horizon:
        verb = "expired" if credential.expires_on < today else "expires"
        return f"{verb} on {credential.expires_on:%Y-%m-%d}"
    rollover = rollover_date(credential.school_year)
    if rollover <= horizon:
        return f"school year {credential.school_year} rolls over on {rollover:%Y-%m-%d}"
    return ""


@dataclass(frozen=True)
class RotationRun:
    flagged: int
    emailed: int


def rotation_window_days() -> int:
    return getattr(settings, "CREDENTIAL_ROTATION_WINDOW_DAYS", DEFAULT_ROTATION_WINDOW_DAYS)


def flag_credentials_for_rotation(
    *, today: date | None = None, window_days: int | None = None
) -> RotationRun:
    """Flag active credentials expiring or reaching school-year rollover within the window and
    e-mail each owner once per flag. Re-running on the same day sends nothing new."""
    today = today or timezone.localdate()
    window_days = window_days if window_days is not None else rotation_window_days()
    flagged = emailed = 0
    with transaction.atomic():
        candidates = (
            APICredential.objects.select_for_update()
            .filter(revoked_on__isnull=True, rotation_flagged_on__isnull=True)
            .order_by("pk")
        )
        for credential in candidates:
            reason = rotation_reason(credential, today=today, window_days=window_days)
            if not reason:
                continue
            credential.rotation_flagged_on, credential.rotation_reason = today, reason
            credential.save(update_fields=["rotation_flagged_on", "rotation_reason"])
            flagged += 1
            if credential.owner_email:
                _notify_owner(credential)
                emailed += 1
    return RotationRun(flagged=flagged, emailed=emailed)


def _notify_owner(credential: APICredential) -> None:
    link = absolute_url(credential)  # before commit: a missing SITE_URL keeps the flag unsent
    transaction.on_commit(
        lambda: send_mail(
            subject=f"Rotate Ed-Fi API credential {credential.key}",
            message=(
                f"The credential for {credential.application_name} (key {credential.key}) "
                f"{credential.rotation_reason}. Issue a replacement and revoke this key.\n\n"
                f"The credential in Rollout Planner: {link}\n"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[credential.owner_email],
        )
    )


def rotate_credential(
    *,
    credential: APICredential,
    new_key: str,
    issued_on: date,
    expires_on: date | None = None,
    school_year: int | None = None,
) -> APICredential:
    """Issue the successor of ``credential`` (same owners and claim set) and revoke it.

    Open leak incidents of ``credential`` are closed by naming the successor as replacement.
    """
    with transaction.atomic():
        successor = APICredential.objects.create(
            application_name=credential.application_name,
            key=new_key,
            vendor=credential.vendor,
            claim_set=credential.claim_set,
            data_standard=credential.data_standard,
            ods_instance=credential.ods_instance,
            school_year=school_year or credential.school_year,
            owner_email=credential.owner_email,
            issued_on=issued_on,
            expires_on=expires_on,
            rotated_from=credential,
        )
        successor.leas.set(credential.leas.all())
        if credential.revoked_on is None:
            credential.revoked_on = issued_on
            credential.revocation_reason = f"rotated into {new_key}"
            credential.save(update_fields=["revoked_on", "revocation_reason"])
            update_change_reason(credential, f"rotated into {new_key}")
        for incident in credential.incidents.filter(replacement__isnull=True):
            incident.replacement = successor
            incident.save(update_fields=["replacement"])
    return successor


def report_leak(
    *,
    credential: APICredential,
    description: str,
    user=None,
    leaked_secret: str = "",
    today: date | None = None,
) -> CredentialIncident:
    """Revoke a leaked credential at once and record the incident with its replacement task.

    A leaked secret, if given, is only compared with the fingerprint and then dropped.
    """
    today = today or timezone.localdate()
    if not description.strip():
        raise ValidationError("Describe how the credential leaked.")
    with transaction.atomic():
        credential = APICredential.objects.select_for_update().get(pk=credential.pk)
        matched = (
            secret_matches(credential=credential, secret=leaked_secret) if leaked_secret else None
        )
        if credential.revoked_on is None:
            credential.revoked_on = today
            credential.revocation_reason = "leak reported"
            credential.save(update_fields=["revoked_on", "revocation_reason"])
            update_change_reason(credential, "revoked: leak reported")
        return CredentialIncident.objects.create(
            credential=credential,
            reported_by=user,
            description=description,
            secret_matched=matched,
            replacement_due_on=today + timedelta(days=REPLACEMENT_DAYS),
        )


@dataclass(frozen=True)
class ClaimSetGap:
    credential: APICredential
    missing: list[str]


def claim_set_gaps(
    *, required_by_vendor: Mapping[int, Iterable[str]], today: date | None = None
) -> list[ClaimSetGap]:
    """Active credentials whose claim set misses resources their system must write.

    ``required_by_vendor`` maps a vendor id to the resources the load order says it writes.
    """
    today = today or timezone.localdate()
    gaps = []
    credentials = (
        APICredential.objects.active(on=today)
        .filter(vendor_id__in=list(required_by_vendor))
        .select_related("claim_set", "vendor")
    )
    for credential in credentials:
        missing = credential.claim_set.uncovered(required_by_vendor[credential.vendor_id])
        if missing:
            gaps.append(ClaimSetGap(credential, missing))
    return gaps


def required_resources_by_product_type(*, plan) -> dict[str, set[str]]:
    """From a mapping plan's data lineage: the Ed-Fi resources each kind of source system
    (SIS, IEP, HR, …) writes."""
    from mapping.models import LineageAssignment

    required: dict[str, set[str]] = {}
    rows = LineageAssignment.objects.filter(plan=plan).values_list(
        "source_system", "resource__name"
    )
    for product_type, resource in rows:
        required.setdefault(product_type, set()).add(resource)
    return required


def claim_set_gaps_for_plan(*, plan, today: date | None = None) -> list[ClaimSetGap]:
    """Active credentials whose claim set misses a resource the plan's lineage says their
    product type writes (e.g. an IEP vendor's key that cannot write program associations)."""
    today = today or timezone.localdate()
    required = required_resources_by_product_type(plan=plan)
    credentials = (
        APICredential.objects.active(on=today)
        .filter(vendor__product_type__in=list(required))
        .select_related("claim_set", "vendor")
        .order_by("vendor__name", "key")
    )
    gaps = []
    for credential in credentials:
        missing = credential.claim_set.uncovered(required[credential.vendor.product_type])
        if missing:
            gaps.append(ClaimSetGap(credential, missing))
    return gaps


def set_claim_set_resources(*, claim_set: ClaimSet, resources: Iterable[str]) -> ClaimSet:
    claim_set.writable_resources = sorted({r.strip() for r in resources if r.strip()})
    claim_set.save(update_fields=["writable_resources"])
    return claim_set
