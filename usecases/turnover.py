"""Stakeholder turnover for the turnover page: stakeholders removed from the register, or
whose role or organisation changed, in the window (from their history)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from rolloutplanner.permissions import restriction_for
from rolloutplanner.turnover import TurnoverEntry, turnover_source
from usecases.models import Stakeholder

TRACKED = ("category", "role_title", "organisation")


@turnover_source("stakeholders", title="Stakeholders removed or changed")
def stakeholder_turnover(user, since: datetime.date, today: datetime.date) -> list[TurnoverEntry]:
    """Removals and changes of role, category or organisation recorded in the window; only
    for users who may read the register."""
    if restriction_for(user, Stakeholder, "view") is None:
        return []
    records = (
        Stakeholder.history.filter(history_date__date__gte=since, history_date__date__lte=today)
        .exclude(history_type="+")
        .order_by("-history_date", "-history_id")
    )
    entries = []
    for record in records:
        on = timezone.localdate(record.history_date)  # the agency's date, not UTC's
        if record.history_type == "-":
            change = "removed from the register"
            url = reverse("usecases:stakeholder-list")
        else:
            previous = record.prev_record
            if previous is None:
                continue
            delta = record.diff_against(previous, included_fields=list(TRACKED))
            if not delta.changes:
                continue
            change = "; ".join(
                f"{c.field.replace('_', ' ')}: {c.old or '—'} → {c.new or '—'}"
                for c in delta.changes
            )
            url = reverse("usecases:stakeholder-detail", args=[record.id])
        entries.append(
            TurnoverEntry(
                name=record.name, organisation=record.organisation, change=change, on=on, url=url
            )
        )
    return entries
