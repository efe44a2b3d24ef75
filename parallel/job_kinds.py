from parallel.models import ReconciliationRun
from parallel.services.reconcile import run_reconciliation
from parallel.services.runs import JOB_KIND
from rolloutplanner.jobs import job_kind


@job_kind(JOB_KIND, "Parallel-year reconciliation")
def reconcile(job, progress) -> dict:
    """Reconcile one run; results are written in one transaction (see run_reconciliation)."""
    run = ReconciliationRun.objects.select_related("cycle__report_definition").get(
        pk=job.parameters["run_id"]
    )
    totals = run_reconciliation(run=run, progress=progress)
    return {**totals, "url": run.get_absolute_url()}
