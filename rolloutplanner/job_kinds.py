from rolloutplanner.jobs import job_kind
from rolloutplanner.services import compute_state_summary


@job_kind("state_summary", "Statewide LEA summary")
def state_summary(job, progress) -> dict:
    """Recompute LEA counts and enrollment per stratum; read-only, so re-runs are harmless."""
    return compute_state_summary(progress=progress)
