"""The rotation beat task runs in a real Celery worker."""

import datetime

import pytest

from tests.support.celery_worker import wait_for
from tests.vendors.factories import APICredentialFactory
from vendors.tasks import flag_credentials_for_rotation


@pytest.mark.celery_worker
def test_beat_task_flags_credentials_in_the_worker(celery_worker):
    due = APICredentialFactory(expires_on=datetime.date.today() + datetime.timedelta(days=3))
    later = APICredentialFactory(
        expires_on=datetime.date.today() + datetime.timedelta(days=400),
        school_year=datetime.date.today().year + 2,
    )
    flag_credentials_for_rotation.delay()

    def flagged():
        due.refresh_from_db()
        return due.rotation_flagged_on

    wait_for(flagged, message=f"credential was not flagged:\n{celery_worker.log()}")
    later.refresh_from_db()
    assert due.rotation_reason.startswith("expires on")
    assert later.rotation_flagged_on is None
