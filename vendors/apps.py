from django.apps import AppConfig

# Registered into the Celery beat schedule when the app loads (see ``ready``).
BEAT_SCHEDULE = {
    "flag-credentials-for-rotation": {
        "task": "vendors.tasks.flag_credentials_for_rotation",
        "schedule": 6 * 60 * 60.0,  # four times a day; the task is idempotent
    },
}


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = "Vendors"

    def ready(self):
        from rolloutplanner.celery import app

        app.conf.beat_schedule = {**(app.conf.beat_schedule or {}), **BEAT_SCHEDULE}
