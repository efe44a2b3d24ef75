"""Start-up checks of the deployment (Django's system check framework).

Registered by the app config under the ``startup`` tag; they run with ``manage.py check``
(and ``check --deploy``), before ``migrate`` and ``runserver``, and when the WSGI application
starts in production (``rolloutplanner/wsgi.py``), so a broken deployment stops at once with
the reason instead of answering every request with a server error.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core import checks
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
