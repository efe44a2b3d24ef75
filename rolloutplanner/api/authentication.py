from django.utils import timezone
from rest_framework import authentication, exceptions

from rolloutplanner.models import APIToken


class HashedTokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``; the key is looked up by its SHA-256 digest."""

    def authenticate_credentials(self, key):
        token = (
            APIToken.objects.active()
            .select_related("user")
            .filter(digest=APIToken.digest_of(key))
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        APIToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token
