"""Background jobs of the mapping app (autodiscovered by the platform's job registry)."""

from django.urls import reverse

from mapping.models import DataStandardVersion, MappingPlan
from mapping.services.coverage import record_coverage_run, upgrade_impact
from rolloutplanner.jobs import job_kind


@job_kind("mapping_coverage", "Mapping coverage")
def mapping_coverage(job, progress) -> dict:
    """Compute the plan's coverage and keep it as a run; re-running a job rewrites its own run."""
    plan = MappingPlan.objects.get(pk=job.parameters["plan"])
    progress(5, f"Counting mappings of {plan}")
    run = record_coverage_run(plan=plan, job=job, progress=progress)
    return {"url": run.get_absolute_url(), "coverage_run": run.pk, **run.result["overall"]}


@job_kind("mapping_upgrade_impact", "Upgrade impact")
def mapping_upgrade_impact(job, progress) -> dict:
    """Read-only check of the plan against another Data Standard version."""
    plan = MappingPlan.objects.get(pk=job.parameters["plan"])
    version = DataStandardVersion.objects.get(pk=job.parameters["version"])
    progress(10, f"Comparing with Data Standard {version.version}")
    result = upgrade_impact(plan=plan, version=version)
    progress(90, f"{len(result['broken'])} mapping targets would break")
    return {**result, "url": reverse("mapping:upgrade-impact", args=[job.pk])}
