"""What every e-mail the app sends has in common: links that work outside the app.

A message is read in a mail client, often sent by the worker with no request at hand, so its
links are absolute and built from ``settings.SITE_URL``, here and nowhere else.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def absolute_url(location="/") -> str:
    """``location`` (a path such as ``/usecases/documents/1/``, or an object with
    ``get_absolute_url``) as an address under SITE_URL."""
    path = location.get_absolute_url() if hasattr(location, "get_absolute_url") else location
    site = settings.SITE_URL.rstrip("/")
    if not site:
        raise ImproperlyConfigured(
            "SITE_URL is not set, so e-mails cannot link to the app. Set it to the address "
            "people open the app at, e.g. https://planner.example.gov."
        )
    return f"{site}/{str(path).lstrip('/')}"
