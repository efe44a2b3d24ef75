"""Background jobs of the LEA app (autodiscovered by the platform's job registry)."""

from django.urls import reverse

from leas.importers import FileImportError
from leas.services.registry import IMPORT_JOB_KIND, import_leas
from leas.services.summary import STATE_SUMMARY_JOB_KIND, compute_state_summary
from rolloutplanner.import_files import discard_import_file, read_import_file
from rolloutplanner.jobs import JobRejected, job_kind


@job_kind(IMPORT_JOB_KIND, "LEA registry import")
def import_lea_registry(job, progress) -> dict:
    """Import a stored registry file in one transaction, all or nothing.

    The stored file is removed when the job ends, whatever the outcome. Re-running after a
    crash imports the same rows again, which changes nothing more (rows are keyed by state id).
    """
    name, path = job.parameters["file_name"], job.parameters["path"]
    try:
        result = import_leas(file_name=name, content=read_import_file(path), progress=progress)
    except FileImportError as exc:
        raise JobRejected(
            f"{name} was not imported: {len(exc.errors):,} problems; nothing was saved.",
            [str(error) for error in exc.errors],
            url=reverse("leas:lea-import"),
        ) from None
    finally:
        discard_import_file(path)
    return {
        "created": result.created,
        "updated": result.updated,
        "summary": f"Imported {name}: {result.created} LEAs added, {result.updated} updated.",
        "url": reverse("leas:lea-list"),
    }


# Started from the SEA team's home page (``job-start-state-summary``), by this kind's name.
@job_kind(STATE_SUMMARY_JOB_KIND, "Statewide LEA summary")
def state_summary(job, progress) -> dict:
    """Recompute LEA counts and enrollment per stratum; read-only, so re-runs are harmless."""
    return compute_state_summary(progress=progress)
