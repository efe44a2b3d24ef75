"""Which evidence completes which step of the rollout template (issue 17), as data.

Keyed by template step code (``Milestone.code``, ``rolloutplanner.timeline.template``). The
kinds are judged by the domain apps (``<app>/evidence.py``), so the platform imports none of
them. A step without a rule is completed by its actual finish date only.
"""

from __future__ import annotations

from dataclasses import dataclass

from rolloutplanner.evidence import Evidence, EvidenceRule, judge_evidence, rollout_steps
from rolloutplanner.timeline.models import Milestone, Scope

STEP_EVIDENCE: dict[str, EvidenceRule] = {
    "1.2": EvidenceRule("document_approved", {"kind": "use_case"}),
    "1.3": EvidenceRule("assessment_round_closed"),
    "1.4": EvidenceRule("document_approved", {"kind": "scope"}),
    "2.1a": EvidenceRule("coverage_above", {"percent": 80}),
    "2.4": EvidenceRule("pilot_cohort_saved"),
    "3.2": EvidenceRule(
        "readiness_share", {"key": "credentials-received", "percent": 100, "pilot_only": True}
    ),
    "3.3": EvidenceRule(
        "readiness_share", {"key": "first-data-sent", "percent": 100, "pilot_only": True}
    ),
    "4.3": EvidenceRule("parallel_run_within_tolerance", {"percent": 100}),
}


def step_evidence(*, code: str, user) -> Evidence | None:
    """The evidence that completes template step ``code``, judged now; None without a rule."""
    rule = STEP_EVIDENCE.get(code)
    return None if rule is None else judge_evidence(rule, user=user)


@dataclass(frozen=True)
class StepProgress:
    code: str
    milestone: Milestone | None  # the step's statewide milestone; None when not loaded
    evidence: Evidence


@rollout_steps
def rollout_step_progress(*, user) -> list[StepProgress]:
    """Each template step with an evidence rule, its statewide milestone (with its derived
    status) and its evidence judged now, in step order."""
    milestones = {
        m.code: m
        for m in Milestone.objects.restrict(user)
        .with_status()
        .filter(scope=Scope.STATEWIDE, code__in=list(STEP_EVIDENCE))
        .order_by("code", "pk")
    }
    return [
        StepProgress(
            code=code, milestone=milestones.get(code), evidence=judge_evidence(rule, user=user)
        )
        for code, rule in STEP_EVIDENCE.items()
    ]
