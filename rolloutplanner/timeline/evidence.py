"""Evidence the timeline gives: the rollout steps' progress, found by the platform's evidence
discovery (``<app>.evidence`` modules) so the checklist page needs no import of the timeline."""

from rolloutplanner.timeline import step_evidence  # noqa: F401  (registers rollout_step_progress)
