"""System checks of the platform's settings, registered by the app's ready()."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning

SITE_URL_HINT = (
    "Set SITE_URL to the address people open the app at, e.g. https://planner.example.gov."
)


def _site_url_problem() -> str:
    site = urlsplit(settings.SITE_URL)
    if not settings.SITE_URL:
        return "SITE_URL is not set: e-mails cannot link to the app."
    if site.scheme not in ("http", "https") or not site.netloc:
        return f"SITE_URL {settings.SITE_URL!r} is not an http(s) address."
    return ""


def site_url_check(app_configs=None, **kwargs):
    """In production, a missing SITE_URL is reported whenever checks run (migrate, runserver)."""
    problem = _site_url_problem()
    if problem and settings.IS_PRODUCTION:
        return [Warning(problem, hint=SITE_URL_HINT, id="rolloutplanner.W001")]
    return []


def site_url_deploy_check(app_configs=None, **kwargs):
    """In production, ``manage.py check --deploy`` fails while SITE_URL is missing or is plain
    HTTP."""
    if not settings.IS_PRODUCTION:
        return []
    problem = _site_url_problem()
    if not problem and urlsplit(settings.SITE_URL).scheme != "https":
        problem = f"SITE_URL {settings.SITE_URL!r} is not HTTPS: links in e-mails would be too."
    if problem:
        return [Error(problem, hint=SITE_URL_HINT, id="rolloutplanner.E001")]
    return []
