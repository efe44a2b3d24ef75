from parallel.models import EdFiConnection, ReconciliationRun, SubmissionFile
from parallel.services.contract_checks import CHECK_JOB_KIND, check_contract, end_contract_check
from parallel.services.pulls import client_for, pull_cycle
from parallel.services.reconcile import run_reconciliation
from parallel.services.runs import JOB_KIND, PULL_JOB_KIND, end_unfinished_run
from rolloutplanner.jobs import job_kind
from rolloutplanner.models import JobState


def end_reconciliation(job) -> None:
    """Clean-up of a reconciliation job that failed, was cancelled or whose worker was lost:
    its run ends with the job's reason and its student-level files and tables are removed."""
    end_unfinished_run(
        run_id=job.parameters["run_id"],
        reason=job.error,
        cancelled=job.state == JobState.CANCELLED,
    )


@job_kind(JOB_KIND, "Parallel-year reconciliation", cleanup=end_reconciliation)
def reconcile(job, progress) -> dict:
    """Reconcile one run; results are written in one transaction (see run_reconciliation)."""
    run = ReconciliationRun.objects.select_related("cycle__report_definition").get(
        pk=job.parameters["run_id"]
    )
    totals = run_reconciliation(run=run, progress=progress)
    return {**totals, "url": run.get_absolute_url()}


@job_kind(PULL_JOB_KIND, "Ed-Fi API pull")
def pull_edfi(job, progress) -> dict:
    """Pull a cycle's Ed-Fi resources; a failed pull resumes from its cursor when re-run."""
    connection = EdFiConnection.objects.select_related("cycle__report_definition").get(
        pk=job.parameters["connection_id"]
    )
    files = pull_cycle(connection=connection, client=client_for(connection), progress=progress)
    return {"files": [f.pk for f in files], "url": connection.cycle.get_absolute_url()}


def end_check(job) -> None:
    end_contract_check(file_id=job.parameters["file_id"])


@job_kind(CHECK_JOB_KIND, "Ed-Fi file check", cleanup=end_check)
def check_edfi_file(job, progress) -> dict:
    """Check one uploaded Ed-Fi file against the Ed-Fi API contract."""
    submission = SubmissionFile.objects.get(pk=job.parameters["file_id"])
    found = check_contract(submission=submission)
    return {
        "state": found["state"],
        "problems": len(found.get("problems", [])),
        "url": submission.get_absolute_url(),
    }
