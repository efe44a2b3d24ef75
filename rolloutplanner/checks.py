"""System checks of the deployment (Django's system check framework), registered by ready().

Start-up checks carry the ``startup`` tag; they run with ``manage.py check``
(and ``check --deploy``), before ``migrate`` and ``runserver``, and when the WSGI application
starts in production (``rolloutplanner/wsgi.py``), so a broken deployment stops at once with
the reason instead of answering every request with a server error.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core import checks
from django.core.checks import Error, Warning
from django.core.exceptions import ImproperlyConfigured

STARTUP = "startup"


def static_files_collected(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A manifest storage (production) needs ``collectstatic`` to have run into STATIC_ROOT.

    Without the manifest every ``{% static %}`` tag raises, so every page would answer 500.
    """
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return []
    name = staticfiles_storage.manifest_name
    if staticfiles_storage.manifest_storage.exists(name):
        return []
    where = staticfiles_storage.manifest_storage.path(name)
    return [
        checks.Error(
            f"Static files have not been collected: {where} does not exist, so every page "
            "would fail with a server error.",
            hint="Run `python manage.py collectstatic --noinput` with the same STATIC_ROOT "
            "before starting the web server (the Docker image and `make run` do it).",
            id="rolloutplanner.E001",
        )
    ]


def fail_on_startup_errors() -> None:
    """In production, refuse to start serving while a start-up check reports an error."""
    if not settings.IS_PRODUCTION:
        return
    errors = [m for m in checks.run_checks(tags=[STARTUP]) if m.is_serious()]
    if errors:
        raise ImproperlyConfigured("\n".join(f"{e.msg} {e.hint}" for e in errors))


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
        return [Error(problem, hint=SITE_URL_HINT, id="rolloutplanner.E002")]
    return []
