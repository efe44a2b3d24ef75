from django.utils import timezone
from rest_framework import authentication, exceptions

from rolloutplanner.api.throttling import count_refused_credentials
from rolloutplanner.models import APIToken


class HashedTokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``; the key is looked up by its SHA-256 digest.

    A refused token counts against the client address's anonymous rate (429 beyond it).
    """

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            count_refused_credentials(request)
            raise

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
