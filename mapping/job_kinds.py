"""Background jobs of the mapping app (autodiscovered by the platform's job registry)."""

from django.core.exceptions import ValidationError
from django.urls import reverse

from mapping.importers.own_layout import ColumnMap
from mapping.models import DataStandardVersion, MappingPlan
from mapping.services.coverage import record_coverage_run, upgrade_impact
from mapping.services.state_spec import IMPORT_JOB_KIND, import_state_spec
from rolloutplanner.import_files import discard_import_file, read_import_file
from rolloutplanner.jobs import JobRejected, job_kind


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


@job_kind(IMPORT_JOB_KIND, "State specification import")
def mapping_spec_import(job, progress) -> dict:
    """Import a stored specification into its plan in one transaction, all or nothing.

    The stored file is removed when the job ends, whatever the outcome. Re-running after a
    crash imports the same rows again, which changes nothing more (rows are keyed by name).
    """
    name, path = job.parameters["file_name"], job.parameters["path"]
    try:
        plan = MappingPlan.objects.get(pk=job.parameters["plan"])
        summary = import_state_spec(
            plan=plan,
            name=name,
            content=read_import_file(path),
            user=job.created_by,
            progress=progress,
            column_map=_column_map(job.parameters.get("column_map")),
        )
    except ValidationError as exc:
        raise JobRejected(
            f"{name} was not imported; nothing was saved.",
            exc.messages,
            url=reverse("mapping:mappingplan-import", args=[job.parameters["plan"]]),
        ) from None
    finally:
        discard_import_file(path)
    return {"summary": f"Imported {name}: {summary}", "url": plan.get_absolute_url()}


def _column_map(data: dict | None) -> ColumnMap | None:
    return ColumnMap.from_dict(data) if data else None
