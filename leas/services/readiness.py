"""The readiness checklist of each LEA: creating it, and the one way its status is written."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from leas.models import LEA, ReadinessItem, ReadinessStatus, RolloutPhase
from rolloutplanner.permissions import CHANGE, user_can

# (phase, key, title): the readiness checklist every LEA works through, in roadmap order.
READINESS_CHECKLIST: tuple[tuple[str, str, str], ...] = (
    (RolloutPhase.PREPARE, "data-steward-named", "Data steward named and trained"),
    (RolloutPhase.PREPARE, "data-sharing-agreement", "Data-sharing agreement signed"),
    (RolloutPhase.CONNECT, "sis-configured", "SIS vendor configured for Ed-Fi"),
    (RolloutPhase.CONNECT, "credentials-received", "API credentials received"),
    (RolloutPhase.CONNECT, "source-systems-connected", "Other source systems connected"),
    (RolloutPhase.SEND, "first-data-sent", "First data sent to the state ODS"),
    (RolloutPhase.SEND, "validation-below-threshold", "Validation errors below threshold"),
    (RolloutPhase.PARALLEL, "parallel-reports-match", "Parallel-year reports reconciled"),
    (RolloutPhase.PARALLEL, "parallel-sign-off", "Parallel-year sign-off"),
)


def ensure_readiness_checklist(*, leas: Iterable[LEA]) -> int:
    """Give each LEA every checklist item it lacks; existing items are left as they are.

    Returns how many items were created. Safe to re-run.
    """
    leas = list(leas)
    with transaction.atomic():
        existing = set(ReadinessItem.objects.filter(lea__in=leas).values_list("lea_id", "key"))
        new_items = [
            ReadinessItem(lea=lea, phase=phase, key=key, title=title, order=order)
            for lea in leas
            for order, (phase, key, title) in enumerate(READINESS_CHECKLIST, start=1)
            if (lea.pk, key) not in existing
        ]
        ReadinessItem.objects.bulk_create(new_items, batch_size=1000)
    return len(new_items)


@transaction.atomic
def update_readiness_item(
    *,
    item: ReadinessItem,
    user,
    status: str,
    status_on: datetime.date | None = None,
    evidence_note: str | None = None,
    reason: str = "",
) -> ReadinessItem:
    """Set one item's status (and date and evidence note); the one write of readiness status,
    used by the item's edit page, the API, and the matrix's bulk update.

    Refused (``PermissionDenied``) unless ``user`` may change the item: the SEA team any
    item, an LEA coordinator only their own LEA's. A status that changes without a date is
    dated today. One transaction; the reason is kept in the item's history.
    """
    if not user_can(user, item, CHANGE):
        raise PermissionDenied(f"You may not change “{item.title}” at {item.lea}.")
    if status not in ReadinessStatus.values:
        raise ValidationError({"status": f"“{status}” is not a readiness status."})
    current = ReadinessItem.objects.select_for_update().get(pk=item.pk)
    if status != current.status and status_on is None:
        status_on = timezone.localdate()
    current.status = status
    if status_on is not None:
        current.status_on = status_on
    if evidence_note is not None:
        current.evidence_note = evidence_note
    current._change_reason = (reason or f"status: {status}")[:100]
    current.full_clean()
    current.save()
    return current


@dataclass(frozen=True)
class ReadinessChange:
    item_id: int
    status: str


@transaction.atomic
def update_readiness_items(
    *, user, changes: Iterable[ReadinessChange], note: str = ""
) -> list[ReadinessItem]:
    """Set the status of several items at once, all or nothing, through
    :func:`update_readiness_item`; only items whose status changes are written.

    Any item the user may not change, or an unknown status, refuses the whole batch with a
    message naming the item; nothing is saved then. ``note``, when given, becomes the
    evidence note of every changed item.
    """
    changes = list(changes)
    wanted = {change.item_id: change.status for change in changes}
    items = {
        item.pk: item for item in ReadinessItem.objects.filter(pk__in=wanted).select_related("lea")
    }
    missing = sorted(set(wanted) - set(items))
    if missing:
        raise ValidationError(f"No readiness item {missing[0]}; nothing was saved.")
    changeable = set(
        ReadinessItem.objects.restrict(user, CHANGE)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    refused = [items[pk] for pk in wanted if pk not in changeable]
    if refused:
        names = "; ".join(f"“{item.title}” at {item.lea}" for item in refused[:3])
        raise PermissionDenied(f"You may not change {names}. Nothing was saved.")
    saved = []
    for pk, status in wanted.items():
        item = items[pk]
        if status == item.status:
            continue
        try:
            saved.append(
                update_readiness_item(
                    item=item,
                    user=user,
                    status=status,
                    evidence_note=note.strip() or None,
                    reason=f"bulk update: {status}",
                )
            )
        except ValidationError as exc:
            raise ValidationError(
                f"“{item.title}” at {item.lea}: {'; '.join(exc.messages)} Nothing was saved."
            ) from exc
    return saved
