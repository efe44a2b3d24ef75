import os

from django.core.asgi import get_asgi_application

from rolloutplanner.checks import fail_on_startup_errors

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rolloutplanner.settings")
application = get_asgi_application()
fail_on_startup_errors()
