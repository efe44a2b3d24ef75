from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from leas.models import LEA, ReadinessItem, RolloutPhase

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
