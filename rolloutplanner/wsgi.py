import os

from django.core.wsgi import get_wsgi_application

from rolloutplanner.checks import fail_on_startup_errors

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rolloutplanner.settings")
application = get_wsgi_application()
fail_on_startup_errors()
