"""Triage of discrepancy groups: who is responsible, status, notes; carried from run to run."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from parallel.models import (
    LEA_SETTABLE_STATUSES,
    DiscrepancyGroup,
    ReconciliationRun,
    ResponsibleParty,
    TriageStatus,
)
from rolloutplanner.permissions import CHANGE, user_can
from rolloutplanner.roles import UNRESTRICTED_ROLES, Role, role_of


def carry_forward(*, run: ReconciliationRun, previous: ReconciliationRun | None) -> None:
    """Carry triage from ``previous`` to the same groups (LEA, kind, field) of ``run``.

    Groups that no longer appear are marked verified (resolved on this run); a group reported
    fixed at source that still appears is reopened with a note. Called inside the transaction
    that writes the run's results.
    """
    if previous is None:
        return
    earlier = {
        (g.lea_id, g.kind, g.field): g for g in DiscrepancyGroup.objects.filter(run=previous)
    }
    changed = []
    seen = set()
    for group in DiscrepancyGroup.objects.filter(run=run):
        key = (group.lea_id, group.kind, group.field)
        before = earlier.get(key)
        if before is None:
            continue
        seen.add(key)
        group.carried_from = before
        group.responsible_party = before.responsible_party
        group.responsible_vendor_id = before.responsible_vendor_id
        group.notes = before.notes
        group.status = before.status
        if before.status in (TriageStatus.FIXED_AT_SOURCE, TriageStatus.VERIFIED):
            group.status = TriageStatus.OPEN
            group.notes = _append(
                before.notes,
                f"Reported fixed, but {group.count} still present in run {run.number}.",
            )
        changed.append(group)
    DiscrepancyGroup.objects.bulk_update(
        changed, ["carried_from", "responsible_party", "responsible_vendor", "notes", "status"]
    )
    resolved = [
        g for key, g in earlier.items() if key not in seen and g.status != TriageStatus.VERIFIED
    ]
    for group in resolved:
        group.status = TriageStatus.VERIFIED
        group.notes = _append(group.notes, f"Resolved: not found in run {run.number}.")
    DiscrepancyGroup.objects.bulk_update(resolved, ["status", "notes"])
    reason = f"carried forward by run {run.number}"
    for group in [*changed, *resolved]:
        group._change_reason = reason
    DiscrepancyGroup.history.bulk_history_create([*changed, *resolved])


def _append(notes: str, line: str) -> str:
    return f"{notes}\n{line}".strip()


@transaction.atomic
def triage_group(
    *,
    group: DiscrepancyGroup,
    user,
    status: str,
    notes: str,
    responsible_party: str | None = None,
    responsible_vendor=None,
) -> DiscrepancyGroup:
    """Record a triage decision. LEA coordinators may only explain or mark fixed at source."""
    if not user_can(user, group, CHANGE):
        raise PermissionDenied("You may not triage this discrepancy group.")
    role = role_of(user)
    group = DiscrepancyGroup.objects.select_for_update().get(pk=group.pk)
    if role not in UNRESTRICTED_ROLES:
        if role != Role.LEA_COORDINATOR or status not in LEA_SETTABLE_STATUSES:
            raise ValidationError(
                {"status": "LEA coordinators may mark a group explained or fixed at source."}
            )
        if responsible_party is not None and responsible_party != group.responsible_party:
            raise ValidationError(
                {"responsible_party": "Only the SEA team assigns responsibility."}
            )
    else:
        if responsible_party is not None:
            group.responsible_party = responsible_party
            group.responsible_vendor = (
                responsible_vendor if responsible_party == ResponsibleParty.VENDOR else None
            )
    group.status = status
    group.notes = notes
    group.full_clean()
    group._change_reason = f"triage: {group.get_status_display()}"
    group.save()
    return group
