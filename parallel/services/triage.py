"""Triage of discrepancy groups: who is responsible, status, notes; carried from run to run."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from parallel.models import (
    LEA_SETTABLE_STATUSES,
    DiscrepancyGroup,
    ReconciliationRun,
    ResponsibleParty,
    TriageStatus,
)
from rolloutplanner.history import record_changes_in_sql
from rolloutplanner.permissions import CHANGE, user_can
from rolloutplanner.roles import UNRESTRICTED_ROLES, Role, role_of


def carry_forward(*, run: ReconciliationRun, previous: ReconciliationRun | None) -> None:
    """Carry triage from ``previous`` to the same groups (LEA, kind, field) of ``run``.

    Groups that no longer appear are marked verified (resolved on this run); a group reported
    fixed at source that still appears is reopened with a note. Called inside the transaction
    that writes the run's results, once each group is linked to the previous run's group
    (``carried_from``, by ``engine.store``). Two set-wise UPDATEs: a large state has about
    10,000 groups, most of them never triaged (nothing to carry).
    """
    if previous is None:
        return
    params = {
        "run": run.pk,
        "previous": previous.pk,
        "number": run.number,
        "reopened": [TriageStatus.FIXED_AT_SOURCE, TriageStatus.VERIFIED],
        "open": TriageStatus.OPEN,
        "verified": TriageStatus.VERIFIED,
    }
    with connection.cursor() as cursor:
        cursor.execute(_CARRY_FORWARD, params)
        changed = [row[0] for row in cursor.fetchall()]
        cursor.execute(_MARK_RESOLVED, params)
        changed += [row[0] for row in cursor.fetchall()]
        record_changes_in_sql(
            cursor, DiscrepancyGroup, changed, f"carried forward by run {run.number}"
        )


# A line is appended to a group's notes with concat_ws (notes are stripped when entered). A
# group whose previous one was never triaged (open, no one responsible, no notes) is left as
# it was created: nothing to carry.
_CARRY_FORWARD = r"""
    UPDATE parallel_discrepancygroup g
    SET responsible_party = p.responsible_party,
        responsible_vendor_id = p.responsible_vendor_id,
        status = CASE WHEN p.status = ANY(%(reopened)s) THEN %(open)s ELSE p.status END,
        notes = CASE WHEN p.status = ANY(%(reopened)s)
            THEN concat_ws(E'\n', nullif(p.notes, ''), format(
                'Reported fixed, but %%s still present in run %%s.', g.count, %(number)s))
            ELSE p.notes END
    FROM parallel_discrepancygroup p
    WHERE g.run_id = %(run)s AND p.id = g.carried_from_id
      AND (p.status <> %(open)s OR p.responsible_party <> ''
           OR p.responsible_vendor_id IS NOT NULL OR p.notes <> '')
    RETURNING g.id
"""
_MARK_RESOLVED = r"""
    UPDATE parallel_discrepancygroup p
    SET status = %(verified)s,
        notes = concat_ws(E'\n', nullif(p.notes, ''),
                          format('Resolved: not found in run %%s.', %(number)s))
    WHERE p.run_id = %(previous)s AND p.status <> %(verified)s
      AND p.id NOT IN (
        SELECT g.carried_from_id FROM parallel_discrepancygroup g
        WHERE g.run_id = %(run)s AND g.carried_from_id IS NOT NULL
      )
    RETURNING p.id
"""
# (NOT IN over the new run's links, hashed once: the new groups have no statistics yet, and a
# NOT EXISTS was planned as a scan of them per group of the previous run, 3 s at 5,000 groups.)


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
