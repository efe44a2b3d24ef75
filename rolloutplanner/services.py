"""Writes of the project package: API tokens and the statewide summary."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Sum
from django.utils import timezone

from leas.models import LEA
from rolloutplanner.display import field_value
from rolloutplanner.models import APIToken

STRATA = ("urbanicity", "poverty_level", "capacity", "region", "sis_vendor__name")


def create_api_token(
    *, user, name: str, expires_at: datetime | None = None
) -> tuple[APIToken, str]:
    """Issue a token; returns it with the clear key, which is never stored or shown again."""
    key = APIToken.new_key()
    token = APIToken.objects.create(
        user=user,
        name=name,
        prefix=key[: APIToken.KEY_PREFIX_LENGTH],
        digest=APIToken.digest_of(key),
        expires_at=expires_at,
    )
    return token, key


def revoke_api_token(*, token: APIToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def compute_state_summary(*, progress) -> dict:
    """Count LEAs and enrollment per stratum (the variety a pilot cohort must cover)."""
    leas = LEA.objects.all()
    summary: dict = {
        "lea_count": leas.count(),
        "total_enrollment": leas.aggregate(total=Sum("enrollment"))["total"] or 0,
        "strata": {},
    }
    for step, field in enumerate(STRATA, start=1):
        rows = leas.values(field).annotate(leas=Count("pk"), enrollment=Sum("enrollment"))
        summary["strata"][field] = [
            {
                # The stored code for clients, the label for people.
                "value": row[field] or "(none)",
                "label": field_value(LEA, field, row[field]) or "(none)",
                "leas": row["leas"],
                "enrollment": row["enrollment"] or 0,
            }
            for row in rows.order_by(field)
        ]
        progress(100 * step / (len(STRATA) + 1), f"Counted LEAs by {field.split('__')[0]}")
    return summary
