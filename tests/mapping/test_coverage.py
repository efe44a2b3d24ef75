"""Coverage and upgrade-impact jobs, run by a real Celery worker."""

import pytest
from django.urls import reverse

from mapping.models import CoverageRun, MappingKind
from mapping.services.coverage import compute_coverage, record_coverage_run, upgrade_impact
from rolloutplanner.models import Job, JobState
from rolloutplanner.roles import Role
from tests.factories import make_user
from tests.mapping import factories as f
from tests.support.celery_worker import wait_for


def _finished(job):
    job.refresh_from_db()
    return job if job.is_finished else None


def _plan_with_mappings():
    birth = f.EdFiPropertyFactory()
    sex = f.EdFiPropertyFactory(path="Sex", data_type="descriptor")
    plan = f.MappingPlanFactory(data_standard_version=birth.resource.version)
    fall = f.StateCollectionFactory(plan=plan, name="Fall Child Count")
    spring = f.StateCollectionFactory(plan=plan, name="Spring Discipline")
    f.ElementMappingFactory(
        element=f.StateElementFactory(collection=fall),
        kind="one_to_one",
        targets=[birth],
        status="approved",
    )
    f.ElementMappingFactory(
        element=f.StateElementFactory(collection=fall),
        kind="close",
        targets=[sex],
        status="in_review",
    )
    f.ElementMappingFactory(element=f.StateElementFactory(collection=fall, name="Old flag"))
    f.ElementMappingFactory(
        element=f.StateElementFactory(collection=spring), kind="retire", status="approved"
    )
    code_set = f.StateCodeSetFactory(plan=plan, name="Sex")
    f.StateCodeFactory(code_set=code_set, code="F")
    return plan


@pytest.mark.django_db
def test_coverage_counts_by_status_and_kind_per_collection_and_overall():
    plan = _plan_with_mappings()
    result = compute_coverage(plan=plan)
    overall = result["overall"]
    assert overall["elements"] == 4
    assert {s: row["count"] for s, row in overall["by_status"].items()} == {
        "approved": 2,
        "in_review": 1,
        "draft": 0,
        "not_mapped": 1,
    }
    assert overall["by_kind"]["one_to_one"] == {
        "label": "1:1 (model and descriptors match)",
        "count": 1,
        "approved": 1,
        "percent": 25.0,
    }
    assert overall["by_kind"]["close"]["approved"] == 0
    assert overall["mapped_percent"] == 50.0
    fall = result["collections"]["Fall Child Count"]
    assert (fall["elements"], fall["mapped"], fall["mapped_percent"]) == (3, 1, 33.3)
    assert result["unmapped_elements"] == ["Fall Child Count / Old flag"]
    assert result["code_sets_without_mapping"] == [{"name": "Sex", "codes": 1, "mapped": 0}]
    assert result["identity_gaps"] == []  # the factory resource has no identity property
    assert result["lineage_conflicts"] == []


@pytest.mark.django_db
def test_every_run_is_kept_with_changes_since_the_previous_one():
    plan = _plan_with_mappings()
    first = record_coverage_run(plan=plan)
    old_flag = plan.collections.get(name="Fall Child Count").elements.get(name="Old flag")
    old_flag.mapping.kind = MappingKind.RETIRE
    old_flag.mapping.status = "approved"
    old_flag.mapping.save()

    second = record_coverage_run(plan=plan)

    assert CoverageRun.objects.filter(plan=plan).count() == 2
    assert first.result["changes"] == {"first_run": True}
    changes = second.result["changes"]
    assert changes["previous_run"] == first.pk and changes["mapped_percent"] == 25.0
    assert changes["newly_mapped"] == ["Fall Child Count / Old flag"]
    assert changes["by_kind"]["retire"] == 1 and changes["by_kind"]["not_mapped"] == -1
    assert changes["by_status"]["approved"] == 1 and changes["by_status"]["not_mapped"] == -1


@pytest.mark.django_db
def test_a_run_after_one_that_counted_drafts_does_not_compare_its_percentage():
    plan = _plan_with_mappings()
    CoverageRun.objects.create(
        plan=plan, element_count=4, mapped_percent=75, result={"overall": {"mapped_percent": 75}}
    )

    changes = record_coverage_run(plan=plan).result["changes"]

    assert changes["comparable"] is False and changes["mapped_percent"] is None


@pytest.mark.django_db
def test_upgrade_impact_names_removed_renamed_and_changed_properties():
    plan = _plan_with_mappings()
    sex = f.EdFiPropertyFactory(path="Sex")
    sex.descriptor = f.DescriptorFactory(name="SexDescriptor")
    sex.save()
    newer = f.DataStandardVersionFactory(version="6.0.0")
    student = f.EdFiResourceFactory(version=newer)
    f.EdFiPropertyFactory(resource=student, path="Sex", data_type="descriptor")  # no descriptor
    f.EdFiPropertyFactory(resource=student, path="BirthData.BirthDate", api_path="$.birthDate")

    result = upgrade_impact(plan=plan, version=newer)

    changes = {(row["target"], row["change"]) for row in result["broken"]}
    assert changes == {("Student.BirthDate", "renamed"), ("Student.Sex", "descriptor")}
    gone = f.DataStandardVersionFactory(version="7.0.0")
    assert {row["change"] for row in upgrade_impact(plan=plan, version=gone)["broken"]} == {
        "removed"
    }


@pytest.mark.celery_worker
def test_coverage_job_started_from_the_plan_page_runs_in_the_worker(client, celery_worker):
    plan = _plan_with_mappings()
    client.force_login(make_user(Role.SEA_TEAM))
    response = client.post(reverse("mapping:mappingplan-coverage", args=[plan.pk]))
    job = Job.objects.get(kind="mapping_coverage")
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    wait_for(lambda: _finished(job), message=f"job did not finish:\n{celery_worker.log()}")
    assert job.state == JobState.SUCCEEDED, job.error
    run = CoverageRun.objects.get(job=job)
    assert job.result["url"] == run.get_absolute_url() and run.mapped_percent == 50
    page = client.get(run.get_absolute_url())
    assert b"Trend of all runs" in page.content and b"50.0%" in page.content

    client.post(reverse("mapping:mappingplan-coverage", args=[plan.pk]))
    second = Job.objects.filter(kind="mapping_coverage").exclude(pk=job.pk).get()
    wait_for(lambda: _finished(second), message=celery_worker.log())
    assert CoverageRun.objects.filter(plan=plan).count() == 2

    newer = f.DataStandardVersionFactory(version="6.0.0")
    client.post(reverse("mapping:mappingplan-upgrade", args=[plan.pk]), {"version": newer.pk})
    impact = Job.objects.get(kind="mapping_upgrade_impact")
    wait_for(lambda: _finished(impact), message=celery_worker.log())
    assert impact.state == JobState.SUCCEEDED, impact.error
    assert {row["change"] for row in impact.result["broken"]} == {"removed"}
    page = client.get(impact.result["url"])
    assert b"Mappings that would break" in page.content and b"removed" in page.content


@pytest.mark.django_db
def test_only_the_sea_team_starts_mapping_jobs(client, world):
    plan = f.MappingPlanFactory()
    for role in (Role.LEA_COORDINATOR, Role.VENDOR_CONTACT, Role.LEADERSHIP):
        client.force_login(world.users[role])
        assert (
            client.post(reverse("mapping:mappingplan-coverage", args=[plan.pk])).status_code == 403
        )
    assert not Job.objects.exists()
