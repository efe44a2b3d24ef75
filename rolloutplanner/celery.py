"""The Celery application. Workers: ``celery -A rolloutplanner worker``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rolloutplanner.settings")

app = Celery("rolloutplanner")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
