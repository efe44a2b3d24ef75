"""Request rate limits of the REST API: per client address, per signed-in user, per token.

Three scopes, rates in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (set from the environment):
``anon`` counts requests without valid credentials by client address, refused tokens included
(DRF checks throttles only after authentication, so a refused token would otherwise never be
counted); ``user`` counts a signed-in browser session by user; ``token`` counts each API token
on its own, so one runaway script does not lock its owner out of the web pages. Counters live
in the ``throttle`` cache (Redis when configured, shared by every web worker).
"""

from __future__ import annotations

from django.core.cache import caches
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

THROTTLE_CACHE = "throttle"


class _Rates:
    """Rates and cache are looked up per request, so a changed setting applies at once."""

    @property
    def cache(self):
        return caches[THROTTLE_CACHE]

    def get_rate(self) -> str | None:
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError as exc:
            raise exceptions.ImproperlyConfigured(
                f"No throttle rate set for the {self.scope!r} scope."
            ) from exc


def _is_token(request) -> bool:
    from rolloutplanner.models import APIToken

    return isinstance(request.auth, APIToken)


class AnonymousThrottle(_Rates, AnonRateThrottle):
    """Requests without credentials, by client address."""


class SessionUserThrottle(_Rates, UserRateThrottle):
    """Requests of a signed-in session, by user; token requests are counted per token."""

    def get_cache_key(self, request, view):
        if _is_token(request) or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class TokenThrottle(_Rates, SimpleRateThrottle):
    """Requests made with one API token, by token."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not _is_token(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class RefusedCredentialsThrottle(AnonymousThrottle):
    """The ``anon`` counter of an address, for a request whose user cannot be known."""

    def get_cache_key(self, request, view):
        # request.user would authenticate again (and fail again): key by address only.
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def count_refused_credentials(request) -> None:
    """Count a request whose token was refused against its address's ``anon`` rate.

    Raises ``Throttled`` (429) once the address is over the rate, so guessing tokens is as
    slow as any other anonymous use of the API.
    """
    throttle = RefusedCredentialsThrottle()
    if not throttle.allow_request(request, None):
        raise exceptions.Throttled(throttle.wait())
