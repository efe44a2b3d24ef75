"""Writes of the platform: API tokens."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from rolloutplanner.models import APIToken


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
