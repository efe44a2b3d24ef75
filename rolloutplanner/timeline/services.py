"""Writes to the timeline: template loading, date changes with reasons and notices,
dependencies, baselines, the daily notice e-mail and calendar-feed keys."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from leas.models import LEAPerson
from rolloutplanner import versioning
from rolloutplanner.emails import absolute_url
from rolloutplanner.roles import Role
from rolloutplanner.timeline.models import (
    Baseline,
    BaselineEntry,
    CalendarFeedToken,
    ChangeNotice,
    Milestone,
    MilestoneDependency,
    MilestoneKind,
    Phase,
    Scope,
)
from rolloutplanner.timeline.template import ROLLOUT_TEMPLATE

DATE_FIELDS = ("planned_start", "planned_end", "actual_start", "actual_end")
PLANNED_FIELDS = ("planned_start", "planned_end")


@transaction.atomic
def load_template(*, start: date) -> int:
    """Create the five phases and their statewide steps and dependencies, dated from ``start``.

    Idempotent: phases and steps that exist (matched by number / code) are left as they are.
    Returns how many steps were created.
    """
    created = 0
    steps: dict[str, Milestone] = {
        m.code: m for m in Milestone.objects.filter(scope=Scope.STATEWIDE, kind=MilestoneKind.STEP)
    }
    for template_phase in ROLLOUT_TEMPLATE:
        phase, _ = Phase.objects.get_or_create(
            number=template_phase.number,
            defaults={"name": template_phase.name, "description": template_phase.description},
        )
        for step in template_phase.steps:
            if step.code in steps:
                continue
            planned_start = start + timedelta(weeks=step.start_week)
            milestone = Milestone(
                phase=phase,
                code=step.code,
                name=step.name,
                kind=MilestoneKind.STEP,
                scope=Scope.STATEWIDE,
                planned_start=planned_start,
                planned_end=planned_start + timedelta(weeks=step.weeks, days=-1),
            )
            milestone._change_reason = "Loaded from the rollout template"
            milestone.save()
            steps[step.code] = milestone
            created += 1
    for template_phase in ROLLOUT_TEMPLATE:
        for step in template_phase.steps:
            for code in step.after:
                MilestoneDependency.objects.get_or_create(
                    predecessor=steps[code], successor=steps[step.code]
                )
    return created


@transaction.atomic
def update_milestone(*, milestone: Milestone, user, changes: dict, reason: str) -> Milestone:
    """Apply ``changes`` to a milestone, recorded in its history with ``reason``.

    A change to the planned dates needs a reason and creates change notices for every LEA and
    vendor that the milestone, or any milestone after it, concerns.
    """
    milestone, _notices = _update_milestone(
        milestone=milestone, user=user, changes=changes, reason=reason
    )
    return milestone


def _update_milestone(
    *, milestone: Milestone, user, changes: dict, reason: str
) -> tuple[Milestone, list[ChangeNotice]]:
    before = {name: getattr(milestone, name) for name in PLANNED_FIELDS}
    for name, value in changes.items():
        setattr(milestone, name, value)
    moved = any(getattr(milestone, name) != before[name] for name in PLANNED_FIELDS)
    reason = (reason or "").strip()
    if moved and not reason:
        raise ValidationError({"change_reason": "Say why the planned dates moved."})
    milestone.full_clean()
    milestone._change_reason = (reason or "Edited")[:100]
    if user is not None:
        milestone._history_user = user
    milestone.save()
    notices = []
    if moved:
        notices = create_change_notices(
            milestone=milestone, before=before, user=user, reason=reason
        )
    return milestone, notices


@dataclass
class Rescheduled:
    """A milestone moved or resized, and the change notices the move created."""

    milestone: Milestone
    notices: list[ChangeNotice]


@transaction.atomic
def reschedule_milestone(
    *,
    milestone: Milestone,
    user,
    planned_start: date,
    planned_end: date,
    reason: str,
    version: str | None = None,
) -> Rescheduled:
    """Move or resize a milestone's planned dates, as the Gantt chart does.

    The same change as an edit form's (history reason, change notices for everybody the move
    concerns), in one transaction on the locked row. With ``version`` (the one the editor
    started from), raises :class:`~rolloutplanner.versioning.StaleVersion` when the milestone
    changed since. Refuses new dates equal to the old ones and a missing reason.
    """
    current = versioning.lock_and_check(milestone, version)
    if (current.planned_start, current.planned_end) == (planned_start, planned_end):
        raise ValidationError("The planned dates are the ones already saved; nothing moved.")
    saved, notices = _update_milestone(
        milestone=current,
        user=user,
        changes={"planned_start": planned_start, "planned_end": planned_end},
        reason=reason,
    )
    return Rescheduled(milestone=saved, notices=notices)


def create_change_notices(
    *, milestone: Milestone, before: dict, user, reason: str
) -> list[ChangeNotice]:
    """One notice per LEA / vendor affected by the move (once each), or one for everybody."""
    owners = affected_owners(milestone=milestone)
    notices = [
        ChangeNotice(
            milestone=milestone,
            lea_id=lea_id,
            vendor_id=vendor_id,
            old_start=before["planned_start"],
            old_end=before["planned_end"],
            new_start=milestone.planned_start,
            new_end=milestone.planned_end,
            reason=reason[:300],
            changed_by=user,
        )
        for lea_id, vendor_id in sorted(owners, key=lambda pair: (pair[0] or 0, pair[1] or 0))
    ]
    # bulk_create skips the per-row history signal; record each notice's creation explicitly.
    created = ChangeNotice.objects.bulk_create(notices)
    for notice in created:
        notice._change_reason = reason[:100]
    ChangeNotice.history.bulk_history_create(created, default_user=user)
    return created


def affected_owners(*, milestone: Milestone) -> set[tuple[int | None, int | None]]:
    """(lea_id, vendor_id) pairs that a move of ``milestone`` concerns.

    The milestone itself and every milestone after it (transitively): an LEA's / vendor's own
    milestones name it, a wave's name its LEAs, a statewide one everybody ``(None, None)``.
    """
    ids = {milestone.pk} | downstream_ids(milestone_ids={milestone.pk})
    rows = Milestone.objects.filter(pk__in=ids).values_list("scope", "lea_id", "vendor_id", "wave")
    owners: set[tuple[int | None, int | None]] = set()
    wave_ids = set()
    for scope, lea_id, vendor_id, wave_id in rows:
        if scope == Scope.STATEWIDE and milestone.scope == Scope.STATEWIDE:
            owners.add((None, None))
        elif scope == Scope.LEA:
            owners.add((lea_id, None))
        elif scope == Scope.VENDOR:
            owners.add((None, vendor_id))
        elif scope == Scope.WAVE:
            wave_ids.add(wave_id)
    if wave_ids:
        through = Milestone._meta.get_field("wave").related_model.leas.through
        for lea_id in through.objects.filter(wave_id__in=wave_ids).values_list("lea_id", flat=True):
            owners.add((lea_id, None))
    return owners


def downstream_ids(*, milestone_ids: set[int]) -> set[int]:
    """Every milestone that follows any of ``milestone_ids``, directly or through others."""
    if not milestone_ids:
        return set()
    placeholders = ", ".join(["%s"] * len(milestone_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE downstream(id) AS (
                SELECT successor_id FROM {MilestoneDependency._meta.db_table}
                 WHERE predecessor_id IN ({placeholders})
                UNION
                SELECT d.successor_id FROM {MilestoneDependency._meta.db_table} d
                  JOIN downstream ON d.predecessor_id = downstream.id
            )
            SELECT id FROM downstream
            """,
            list(milestone_ids),
        )
        return {row[0] for row in cursor.fetchall()}


@transaction.atomic
def add_dependency(*, predecessor: Milestone, successor: Milestone) -> MilestoneDependency:
    """Link two milestones finish-to-start; refuses a link that would close a cycle, naming
    the milestones on it."""
    if predecessor.pk == successor.pk:
        raise ValidationError("A milestone cannot depend on itself.")
    if predecessor.pk in downstream_ids(milestone_ids={successor.pk}):
        cycle = " → ".join(str(m) for m in [predecessor, *_dependency_path(successor, predecessor)])
        raise ValidationError(
            f"{predecessor} already follows {successor}; this dependency would close the cycle "
            f"{cycle}."
        )
    dependency, _ = MilestoneDependency.objects.get_or_create(
        predecessor=predecessor, successor=successor
    )
    Milestone.objects.filter(pk=successor.pk).update(updated_at=timezone.now())
    return dependency


@transaction.atomic
def add_dependencies(
    *, successor: Milestone, predecessors: list[Milestone]
) -> list[MilestoneDependency]:
    """Link several predecessors to one successor at once: all of them or, when any is
    refused (a cycle, the milestone itself), none, with every refusal's reason.

    Links that exist already are kept as they are and returned with the new ones.
    """
    dependencies, refusals = [], []
    for predecessor in predecessors:
        try:
            dependencies.append(add_dependency(predecessor=predecessor, successor=successor))
        except ValidationError as error:
            refusals.extend(error.messages)
    if refusals:
        raise ValidationError(refusals)
    return dependencies


def _dependency_path(start: Milestone, goal: Milestone) -> list[Milestone]:
    """The milestones from ``start`` to ``goal`` along dependencies (both included), found
    breadth first, one query per step; empty when ``goal`` does not follow ``start``."""
    parent: dict[int, int | None] = {start.pk: None}
    frontier = {start.pk}
    while frontier and goal.pk not in parent:
        links = MilestoneDependency.objects.filter(predecessor_id__in=frontier).values_list(
            "predecessor_id", "successor_id"
        )
        frontier = set()
        for pred_id, succ_id in links.order_by("predecessor_id", "successor_id"):
            if succ_id not in parent:
                parent[succ_id] = pred_id
                frontier.add(succ_id)
    if goal.pk not in parent:
        return []
    ids, node = [], goal.pk
    while node is not None:
        ids.append(node)
        node = parent[node]
    ids.reverse()
    by_id = Milestone.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids]


@transaction.atomic
def remove_dependency(*, dependency: MilestoneDependency) -> None:
    """Delete a dependency; the successor counts as changed for pollers."""
    successor_id = dependency.successor_id
    dependency.delete()
    Milestone.objects.filter(pk=successor_id).update(updated_at=timezone.now())


@transaction.atomic
def save_baseline(*, name: str, user=None) -> Baseline:
    """Copy every milestone's planned dates into a new baseline (one INSERT … SELECT)."""
    baseline = Baseline(name=name, created_by=user)
    baseline._change_reason = "Baseline saved"
    baseline.save()
    entry_table = BaselineEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {entry_table} (baseline_id, milestone_id, planned_start, planned_end)
            SELECT %s, id, planned_start, planned_end FROM {Milestone._meta.db_table}
            """,
            [baseline.pk],
        )
    return baseline


@dataclass
class DigestRecipient:
    """One address the digest goes to, with the notices it lists."""

    email: str
    name: str
    notices: list[ChangeNotice] = field(default_factory=list)


def notice_recipients(notices: list[ChangeNotice]) -> list[DigestRecipient]:
    """Who is told of ``notices``, once per e-mail address (compared case-insensitively).

    A notice for an LEA goes to its coordinators' accounts and to its recorded contacts whose
    role is told (``LEAPerson.objects.to_notify``), one for a vendor to its contacts' accounts,
    one for everybody to all of them. An account and a contact with the same address are one
    recipient, greeted by the account's name.
    """
    user_model = get_user_model()
    by_lea: dict[int, dict[str, str]] = defaultdict(dict)
    by_vendor: dict[int, dict[str, str]] = defaultdict(dict)
    accounts = (
        user_model.objects.filter(
            is_active=True, profile__role__in=[Role.LEA_COORDINATOR, Role.VENDOR_CONTACT]
        )
        .exclude(email="")
        .values_list("email", "first_name", "last_name", "username")
    )
    names: dict[str, tuple[str, str]] = {}
    for email, first, last, username in accounts:
        names[email.lower()] = (email, f"{first} {last}".strip() or username)
    coordinators = user_model.objects.filter(
        is_active=True, profile__role=Role.LEA_COORDINATOR, profile__leas__isnull=False
    ).exclude(email="")
    for email, lea_id in coordinators.values_list("email", "profile__leas"):
        by_lea[lea_id][email.lower()] = ""
    vendor_contacts = user_model.objects.filter(
        is_active=True, profile__role=Role.VENDOR_CONTACT, profile__vendor__isnull=False
    ).exclude(email="")
    for email, vendor_id in vendor_contacts.values_list("email", "profile__vendor"):
        by_vendor[vendor_id][email.lower()] = ""
    for email, name, lea_id in LEAPerson.objects.to_notify().values_list("email", "name", "lea"):
        names.setdefault(email.lower(), (email, name))
        by_lea[lea_id][email.lower()] = ""
    everybody = {key for audience in (*by_lea.values(), *by_vendor.values()) for key in audience}
    recipients: dict[str, DigestRecipient] = {}
    for notice in notices:
        if notice.lea_id:
            audience = by_lea.get(notice.lea_id, {})
        elif notice.vendor_id:
            audience = by_vendor.get(notice.vendor_id, {})
        else:
            audience = everybody
        for key in audience:
            if key not in recipients:
                recipients[key] = DigestRecipient(*names[key])
            recipients[key].notices.append(notice)
    return [recipients[key] for key in sorted(recipients)]


def send_change_notice_digests(*, now: datetime | None = None) -> int:
    """E-mail every contact one message listing their pending change notices, each with its
    link; returns messages.

    Notices are locked and marked e-mailed in the same transaction, so two overlapping runs
    never send a notice twice, and a failed send leaves them pending for the next run.
    """
    now = now or timezone.now()
    with transaction.atomic():
        notices = list(
            ChangeNotice.objects.pending_email()
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("milestone", "lea", "vendor")
            .order_by("created_at", "pk")
        )
        if not notices:
            return 0
        links = {notice.pk: absolute_url(notice) for notice in notices}
        timeline = absolute_url(reverse("rolloutplanner:timeline-gantt"))
        messages = [
            (
                f"Rollout timeline: {len(recipient.notices)} date change(s)",
                render_to_string(
                    "rolloutplanner/timeline/notice_digest_email.txt",
                    {
                        "name": recipient.name,
                        "changes": [(notice, links[notice.pk]) for notice in recipient.notices],
                        "timeline_url": timeline,
                    },
                ),
                settings.DEFAULT_FROM_EMAIL,
                [recipient.email],
            )
            for recipient in notice_recipients(notices)
        ]
        send_mass_mail(messages, fail_silently=False)
        ChangeNotice.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=now)
    return len(messages)


@transaction.atomic
def create_feed_token(*, user) -> tuple[CalendarFeedToken, str]:
    """A new private calendar key for ``user``; the key itself is returned once, never stored."""
    key = CalendarFeedToken.new_key()
    token = CalendarFeedToken.objects.create(
        user=user, prefix=key[:8], digest=CalendarFeedToken.digest_of(key)
    )
    return token, key


@transaction.atomic
def revoke_feed_token(*, token: CalendarFeedToken) -> CalendarFeedToken:
    """Revoke a calendar key: every feed URL made with it stops working at once."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_for_feed_key(key: str):
    """The active user a calendar key belongs to, or None for an unknown or revoked key."""
    token = (
        CalendarFeedToken.objects.filter(
            digest=CalendarFeedToken.digest_of(key), revoked_at__isnull=True
        )
        .select_related("user", "user__profile")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token.user


@transaction.atomic
def create_milestone(*, user, data: dict, reason: str = "") -> Milestone:
    """Create a milestone after the same checks the edit form runs (dates, scope owner)."""
    milestone = Milestone(**data)
    milestone.full_clean()
    milestone._change_reason = (reason or "Created")[:100]
    if user is not None:
        milestone._history_user = user
    milestone.save()
    return milestone
