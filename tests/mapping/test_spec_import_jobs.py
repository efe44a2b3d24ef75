"""Large state specifications are imported into their plan by a job in a real worker."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mapping.models import StateElement
from rolloutplanner.models import Job, JobState
from rolloutplanner.roles import Role
from tests.factories import make_user
from tests.mapping import factories as f
from tests.support.celery_worker import wait_for

HEADER = "collection,element,data_type\n"


def _finished(job):
    job.refresh_from_db()
    return job if job.is_finished else None


def _upload(client, settings, plan, content: str):
    settings.IMPORT_BACKGROUND_ABOVE_BYTES = 100
    client.force_login(make_user(Role.SEA_TEAM))
    upload = SimpleUploadedFile("spec.csv", (HEADER + content).encode())
    return client.post(reverse("mapping:mappingplan-import", args=[plan.pk]), {"file": upload})


@pytest.mark.celery_worker
def test_a_large_specification_is_imported_by_a_job(client, settings, celery_worker):
    plan = f.MappingPlanFactory()
    rows = "".join(f"Fall,Element {n},string\n" for n in range(30))

    response = _upload(client, settings, plan, rows)

    job = Job.objects.get(kind="mapping_spec_import")
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    wait_for(lambda: _finished(job), message=f"job did not finish:\n{celery_worker.log()}")
    assert job.state == JobState.SUCCEEDED, job.error
    assert StateElement.objects.filter(collection__plan=plan).count() == 30
    assert job.result_url == plan.get_absolute_url()
    assert job.result["summary"].startswith("Imported spec.csv: 30 elements created")


@pytest.mark.celery_worker
def test_a_large_specification_with_bad_rows_fails_its_job_and_saves_nothing(
    client, settings, celery_worker
):
    plan = f.MappingPlanFactory()
    rows = "".join(f"Fall,Element {n},string\n" for n in range(30)) + "Fall,Odd,colour\n"

    _upload(client, settings, plan, rows)

    job = Job.objects.get(kind="mapping_spec_import")
    wait_for(lambda: _finished(job), message=f"job did not finish:\n{celery_worker.log()}")
    assert job.state == JobState.FAILED
    assert len(job.result["problems"]) == 1
    assert job.result["problems"][0].startswith(
        "spec.csv, row 32, column data_type: 'colour' is not one of"
    )
    assert not StateElement.objects.exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "row 32, column data_type" in page


@pytest.mark.django_db
def test_a_specification_above_the_size_limit_is_refused_unread(client, settings):
    settings.IMPORT_MAX_BYTES = 1024
    plan = f.MappingPlanFactory()
    client.force_login(make_user(Role.SEA_TEAM))
    upload = SimpleUploadedFile("spec.csv", (HEADER + "Fall,Element,string\n" * 100).encode())

    response = client.post(reverse("mapping:mappingplan-import", args=[plan.pk]), {"file": upload})

    assert response.status_code == 400
    assert "spec.csv: the file is 2 KB, above the import limit of 1 KB" in response.content.decode()
    assert not Job.objects.exists() and not StateElement.objects.exists()
