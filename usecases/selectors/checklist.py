"""The toolkit checklist as it stands now: each task's evidence, judged on read, and state.

Nothing here is stored: evidence that appears (a use case approved, a coverage run above the
bar) completes its task on the next read. A task is done when its evidence is met, when a
person marked it done (with a note), or when every activity under it is done; a step is done
when every task under it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from rolloutplanner.evidence import Evidence, EvidenceRule, judge_evidence
from usecases.checklist_evidence import CHECKLIST_EVIDENCE
from usecases.models import ChecklistLevel, ChecklistStatus, ChecklistTask

DONE_BY_EVIDENCE = "done_by_evidence"
DONE_BY_HAND = "done_by_hand"
DONE_BY_PARTS = "done_by_parts"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"

STATE_LABELS = {
    DONE_BY_EVIDENCE: "Done: evidence found",
    DONE_BY_HAND: "Done: marked by hand",
    DONE_BY_PARTS: "Done: every part done",
    IN_PROGRESS: "In progress",
    NOT_STARTED: "Not started",
}
DONE_STATES = frozenset({DONE_BY_EVIDENCE, DONE_BY_HAND, DONE_BY_PARTS})


@dataclass
class ChecklistRow:
    task: ChecklistTask
    evidence: Evidence | None
    state: str = NOT_STARTED

    @property
    def done(self) -> bool:
        return self.state in DONE_STATES

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def _rule_key(rule: EvidenceRule) -> tuple:
    return (rule.kind, tuple(sorted(rule.params.items())))


def checklist_progress(*, user, rules: dict[str, EvidenceRule] | None = None) -> list[ChecklistRow]:
    """Every checklist row the user may see, in toolkit order, with its evidence and state.

    Each distinct rule is judged once, so the query count is bounded by the rule table, not
    by the number of tasks.
    """
    rules = CHECKLIST_EVIDENCE if rules is None else rules
    tasks = list(ChecklistTask.objects.restrict(user).select_related("done_by"))
    judged: dict[tuple, Evidence] = {}
    rows = []
    for task in tasks:
        rule = rules.get(task.number)
        evidence = None
        if rule is not None:
            key = _rule_key(rule)
            if key not in judged:
                judged[key] = judge_evidence(rule, user=user)
            evidence = judged[key]
        rows.append(ChecklistRow(task=task, evidence=evidence))
    children: dict[int | None, list[ChecklistRow]] = {}
    for row in rows:
        children.setdefault(row.task.parent_id, []).append(row)
    # Deepest first, so an activity's state is known before its task's, a task's before its step's.
    depth = {ChecklistLevel.ACTIVITY: 0, ChecklistLevel.TASK: 1, ChecklistLevel.STEP: 2}
    for row in sorted(rows, key=lambda r: depth.get(r.task.level, 0)):
        row.state = _state(row, children.get(row.task.pk, []))
    return rows


def _state(row: ChecklistRow, parts: list[ChecklistRow]) -> str:
    task = row.task
    if row.evidence is not None and row.evidence.met:
        return DONE_BY_EVIDENCE
    if task.status == ChecklistStatus.DONE:
        return DONE_BY_HAND
    if parts and all(part.done for part in parts):
        return DONE_BY_PARTS
    if task.status == ChecklistStatus.IN_PROGRESS or any(
        part.state != NOT_STARTED for part in parts
    ):
        return IN_PROGRESS
    return NOT_STARTED


def checklist_summary(rows: list[ChecklistRow]) -> dict[str, int]:
    """Tasks (the toolkit's countable unit) done, and of how many."""
    tasks = [row for row in rows if row.task.level == ChecklistLevel.TASK]
    return {"tasks": len(tasks), "tasks_done": sum(row.done for row in tasks)}
