"""Reads that compose several models for the LEA pages."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from leas.models import LEA, Cohort, LEAPerson, ReadinessItem, ReportingRole
from leas.services.cohorts import coverage
from rolloutplanner.permissions import CHANGE, restriction_for, user_can_add_model


def lea_detail_sections(*, lea: LEA, user) -> dict:
    """The people, readiness, support and networks shown on an LEA's page, and what the user
    may do with them (a fixed number of queries)."""
    readiness = list(ReadinessItem.objects.restrict(user).filter(lea=lea).order_by("order", "key"))
    can_change_readiness = restriction_for(user, ReadinessItem, CHANGE) is not None
    return {
        "people": list(
            LEAPerson.objects.restrict(user).filter(lea=lea).order_by("left_on", "name")
        ),
        "readiness": readiness,
        "readiness_done": sum(1 for item in readiness if item.status == "done"),
        "support_requests": list(lea.support_requests.restrict(user)[:20]),
        "support_networks": list(lea.support_networks.restrict(user)),
        "source_systems": list(lea.source_systems.all()),
        "can_change_readiness": can_change_readiness,
        # Whoever sees this LEA and may add these rows at all may add them for this LEA (a
        # coordinator sees only their own LEAs); the save itself is checked by enforce_owner.
        "can_add_person": user_can_add_model(user, LEAPerson),
        "can_add_support": user_can_add_model(user, lea.support_requests.model),
        "can_add_network": user_can_add_model(user, lea.support_networks.model),
    }


def cohort_versions(*, cohort: Cohort) -> dict:
    versions = list(
        cohort.versions.select_related("created_by").prefetch_related(
            Prefetch("leas", queryset=LEA.objects.select_related("sis_vendor"))
        )
    )
    current = versions[0] if versions else None
    state = list(LEA.objects.select_related("sis_vendor"))
    return {
        "versions": versions,
        "current_version": current,
        "coverage": coverage(state=state, cohort=list(current.leas.all())) if current else [],
    }


def cohort_builder(*, state: list[LEA], cohort: list[LEA]) -> dict:
    rows = coverage(state=state, cohort=cohort)
    return {
        "state_count": len(state),
        "cohort_leas": cohort,
        "coverage": rows,
        "strata_total": sum(len(c.rows) for c in rows),
        "strata_covered": sum(c.covered_count for c in rows),
    }


# Turnover -----------------------------------------------------------------------------------

TURNOVER_MONTHS = 6


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months earlier (the month's last day if shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


@dataclass(frozen=True)
class EmptyRole:
    lea: LEA
    role_label: str
    last_holder: LEAPerson


@dataclass(frozen=True)
class StewardChange:
    lea: LEA
    on: datetime.date
    text: str
    person: LEAPerson


def turnover(*, user, months: int = TURNOVER_MONTHS, today: datetime.date | None = None) -> dict:
    """Who left in the last ``months`` months, which roles in state reporting nobody holds
    since someone left, and the LEAs whose data steward changed in that window.

    Reads what ``user`` may see. A steward change is someone leaving the role (``left_on``
    set, or their role changed to another), or someone taking it: added as data steward
    (dated by ``started_on`` when recorded, so a steward entered late is not a change) or
    their role changed to data steward (dated by the change in the history). Four queries.
    """
    today = today or timezone.localdate()
    since = months_before(today, months)
    people = LEAPerson.objects.restrict(user).select_related("lea")
    left = list(people.filter(left_on__gte=since, left_on__lte=today).order_by("-left_on", "name"))
    all_people = list(people.order_by("lea__name", "-left_on", "name"))
    return {
        "months": months,
        "since": since,
        "people_left": left,
        "empty_roles": _empty_roles(all_people),
        "steward_changes": _steward_changes(all_people, since=since, today=today),
    }


def _empty_roles(people: list[LEAPerson]) -> list[EmptyRole]:
    held = {(p.lea_id, p.reporting_role) for p in people if p.left_on is None}
    empty: dict[tuple, LEAPerson] = {}
    for person in people:  # latest leaver first within each LEA
        key = (person.lea_id, person.reporting_role)
        if person.left_on is None or person.reporting_role == ReportingRole.OTHER:
            continue
        if key not in held and key not in empty:
            empty[key] = person
    return [
        EmptyRole(lea=p.lea, role_label=p.get_reporting_role_display(), last_holder=p)
        for p in empty.values()
    ]


def _steward_changes(
    people: list[LEAPerson], *, since: datetime.date, today: datetime.date
) -> list[StewardChange]:
    steward = ReportingRole.DATA_STEWARD
    by_pk = {p.pk: p for p in people}
    changes = [
        StewardChange(lea=p.lea, on=p.left_on, text=f"{p.name} left the role", person=p)
        for p in people
        if p.reporting_role == steward and p.left_on and since <= p.left_on <= today
    ]
    records = (
        LEAPerson.history.filter(id__in=by_pk, history_date__date__gte=since)
        .order_by("id", "history_date", "history_id")
        .values("id", "history_type", "reporting_role", "started_on", "history_date")
    )
    role_before = LEAPerson.history.filter(
        id=OuterRef("pk"), history_date__date__lt=since
    ).order_by("-history_date", "-history_id")
    previous_role: dict[int, str | None] = dict(
        LEAPerson.objects.filter(pk__in=by_pk)
        .annotate(before=Subquery(role_before.values("reporting_role")[:1]))
        .values_list("pk", "before")
    )
    for record in records:
        person = by_pk[record["id"]]
        role, before = record["reporting_role"], previous_role.get(record["id"])
        previous_role[record["id"]] = role
        if before == steward and role != steward:
            label = ReportingRole(role).label
            changes.append(
                StewardChange(
                    lea=person.lea,
                    on=timezone.localdate(record["history_date"]),
                    text=f"{person.name} moved to another role ({label})",
                    person=person,
                )
            )
            continue
        if role != steward or before == steward:
            continue
        if record["history_type"] == "+" and record["started_on"]:
            on = record["started_on"]
        else:
            on = timezone.localdate(record["history_date"])
        if since <= on <= today:
            changes.append(
                StewardChange(
                    lea=person.lea, on=on, text=f"{person.name} took the role", person=person
                )
            )
    return sorted(changes, key=lambda c: (c.lea.name, c.on, c.text))
