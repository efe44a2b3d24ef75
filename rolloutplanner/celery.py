"""The Celery application. Workers: ``celery -A rolloutplanner worker``."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rolloutplanner.settings")

app = Celery("rolloutplanner")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _create_filesystem_broker_folders(sender, **kwargs) -> None:
    # kombu's filesystem transport (the serverless default) expects its folders to exist.
    if str(sender.conf.broker_url).startswith("filesystem://"):
        for folder in sender.conf.broker_transport_options.values():
            if isinstance(folder, str):
                Path(folder).mkdir(parents=True, exist_ok=True)
