"""Large LEA registry files are imported by a job in a real worker; oversized ones are refused."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from leas.models import LEA
from rolloutplanner.import_files import IMPORT_DIR
from rolloutplanner.models import Job, JobState
from rolloutplanner.roles import Role
from tests.factories import make_user
from tests.support.celery_worker import wait_for

HEADER = "state_lea_id,name,enrollment\n"


def _stored_files() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / IMPORT_DIR
    return sorted(folder.iterdir()) if folder.exists() else []


def _finished(job):
    job.refresh_from_db()
    return job if job.is_finished else None


def _upload(client, settings, content: bytes):
    settings.IMPORT_BACKGROUND_ABOVE_BYTES = 100
    client.force_login(make_user(Role.SEA_TEAM))
    upload = SimpleUploadedFile("registry.csv", HEADER.encode() + content)
    return client.post(reverse("leas:lea-import"), {"file": upload})


@pytest.mark.celery_worker
def test_a_large_registry_is_imported_by_a_job_whose_page_shows_the_outcome(
    client, settings, celery_worker
):
    before = _stored_files()
    rows = "".join(f"{n:05d},District {n},{n * 10}\n" for n in range(1, 41)).encode()

    response = _upload(client, settings, rows)

    job = Job.objects.get(kind="lea_registry_import")
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    wait_for(lambda: _finished(job), message=f"job did not finish:\n{celery_worker.log()}")
    assert job.state == JobState.SUCCEEDED, job.error
    assert LEA.objects.count() == 40
    assert LEA.objects.get(state_lea_id="00007").enrollment == 70
    assert _stored_files() == before
    page = client.get(job.get_absolute_url())
    assert "Imported registry.csv: 40 LEAs added, 0 updated." in page.content.decode()


@pytest.mark.celery_worker
def test_a_large_registry_with_bad_rows_fails_its_job_lists_them_and_saves_nothing(
    client, settings, celery_worker
):
    before = _stored_files()
    rows = "".join(f"{n:05d},District {n},{n * 10}\n" for n in range(1, 41))
    rows += "00041,Bad One,many\n00042,,5\n"

    _upload(client, settings, rows.encode())

    job = Job.objects.get(kind="lea_registry_import")
    wait_for(lambda: _finished(job), message=f"job did not finish:\n{celery_worker.log()}")
    assert job.state == JobState.FAILED
    assert job.error == "registry.csv was not imported: 2 problems; nothing was saved."
    assert job.result["problems"] == [
        "registry.csv, row 42, column enrollment: 'many' is not a whole number of students",
        "registry.csv, row 43, column name: is required for a new LEA",
    ]
    assert not LEA.objects.exists()
    assert _stored_files() == before
    page = client.get(job.get_absolute_url()).content.decode()
    assert "row 42, column enrollment: &#x27;many&#x27; is not a whole number" in page
    assert reverse("leas:lea-import") in page


@pytest.mark.django_db
def test_a_registry_above_the_size_limit_is_refused_unread_naming_limit_and_size(client, settings):
    settings.IMPORT_MAX_BYTES = 2048
    before = _stored_files()
    client.force_login(make_user(Role.SEA_TEAM))
    upload = SimpleUploadedFile("big.csv", HEADER.encode() + b"00001,A,1\n" * 400)

    response = client.post(reverse("leas:lea-import"), {"file": upload})

    assert response.status_code == 400
    assert (
        "big.csv: the file is 4 KB, above the import limit of 2 KB; split it into smaller files."
        in response.content.decode()
    )
    assert not Job.objects.exists() and not LEA.objects.exists()
    assert _stored_files() == before
