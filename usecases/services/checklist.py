"""A person's word on a toolkit checklist task: marked done with a note, or reopened.

Evidence completes tasks without anyone writing (``usecases.selectors.checklist``); this is
for what no evidence in the planner shows (Generate installed, an after-action meeting held).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from rolloutplanner.permissions import CHANGE, user_can
from usecases.models import ChecklistStatus, ChecklistTask


@transaction.atomic
def mark_checklist_task_done(*, task: ChecklistTask, user, note: str) -> ChecklistTask:
    """Mark ``task`` done by hand, saying why; one transaction, kept in the task's history.

    Only those who may change the checklist (the SEA team, administrators) may; leadership
    and scoped roles are refused. The note is required: it is the evidence a reader sees.
    """
    if not user_can(user, task, CHANGE):
        raise PermissionDenied("Only the SEA project team marks checklist tasks done.")
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say what shows the task is done."})
    task = ChecklistTask.objects.select_for_update().get(pk=task.pk)
    task.status = ChecklistStatus.DONE
    task.done_note, task.done_by, task.done_on = note, user, timezone.localdate()
    task._change_reason = f"marked done: {note}"[:100]
    task.save(update_fields=["status", "done_note", "done_by", "done_on"])
    return task


@transaction.atomic
def reopen_checklist_task(*, task: ChecklistTask, user, note: str = "") -> ChecklistTask:
    """Withdraw a hand-made "done" (evidence, if any, still completes the task)."""
    if not user_can(user, task, CHANGE):
        raise PermissionDenied("Only the SEA project team reopens checklist tasks.")
    task = ChecklistTask.objects.select_for_update().get(pk=task.pk)
    task.status = ChecklistStatus.IN_PROGRESS
    task.done_note, task.done_by, task.done_on = "", None, None
    task._change_reason = f"reopened: {note.strip()}"[:100] if note.strip() else "reopened"
    task.save(update_fields=["status", "done_note", "done_by", "done_on"])
    return task
