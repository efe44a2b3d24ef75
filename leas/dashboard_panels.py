"""The LEAs' panels on the leadership dashboard: readiness stage, and readiness by stratum.

An LEA's readiness stage is the first rollout phase of its checklist with an item still open
(not done, not "not applicable"); an LEA whose items are all done has completed the checklist.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Case, Count, IntegerField, Min, Q, Value, When
from django.urls import reverse

from leas.models import LEA, ReadinessItem, ReadinessStatus, RolloutPhase, Urbanicity
from rolloutplanner.timeline.charts import BarChart, bar_chart
from rolloutplanner.timeline.dashboard import dashboard_panel

CLOSED = (ReadinessStatus.DONE, ReadinessStatus.NOT_APPLICABLE)
PHASES = list(RolloutPhase)


def _url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}" if params else reverse(name)


def readiness_stages(user) -> dict[str, int]:
    """Number of visible LEAs per stage: a phase value, "complete" or "no_checklist"."""
    first_open_phase = Min(
        Case(
            *(
                When(Q(phase=phase) & ~Q(status__in=CLOSED), then=Value(index))
                for index, phase in enumerate(PHASES)
            ),
            output_field=IntegerField(),
        )
    )
    per_lea = (
        ReadinessItem.objects.restrict(user)
        .order_by()
        .values("lea")
        .annotate(first_open=first_open_phase)
        .values_list("first_open", flat=True)
    )
    stages: dict[str, int] = {}
    with_checklist = 0
    for first_open in per_lea:
        stage = "complete" if first_open is None else PHASES[first_open].value
        stages[stage] = stages.get(stage, 0) + 1
        with_checklist += 1
    stages["no_checklist"] = max(0, LEA.objects.restrict(user).count() - with_checklist)
    return stages


@dashboard_panel("leas-by-readiness", order=35)
def leas_by_readiness_stage(user) -> BarChart:
    stages = readiness_stages(user)
    rows = [
        (
            f"Working on {phase.label}",
            stages.get(phase.value, 0),
            _url("leas:readinessitem-list", phase=phase.value),
        )
        for phase in PHASES
    ]
    rows.append(
        (
            "Checklist complete",
            stages.get("complete", 0),
            _url("leas:lea-list", ordering="-readiness_done"),
        )
    )
    if stages["no_checklist"]:
        rows.append(("No checklist yet", stages["no_checklist"], _url("leas:lea-list")))
    return bar_chart(
        key="leas-by-readiness",
        title="LEAs by readiness stage (first phase with open checklist items)",
        summary="; ".join(f"{label}: {value} LEAs" for label, value, _ in rows),
        rows=rows,
        detail_url=_url("leas:readinessitem-list"),
    )


@dashboard_panel("readiness-by-stratum", order=41)
def readiness_by_stratum(user) -> BarChart:
    counts = {
        row["lea__urbanicity"]: row
        for row in ReadinessItem.objects.restrict(user)
        .exclude(status=ReadinessStatus.NOT_APPLICABLE)
        .values("lea__urbanicity")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(status=ReadinessStatus.DONE)))
        .order_by()
    }
    strata = [(value, label) for value, label in Urbanicity.choices]
    if "" in counts:
        strata.append(("", "Not recorded"))
    rows = []
    for value, label in strata:
        row = counts.get(value, {"total": 0, "done": 0})
        share = round(100 * row["done"] / row["total"], 1) if row["total"] else 0
        url = _url("leas:lea-list", urbanicity=value) if value else _url("leas:lea-list")
        rows.append((label, share, url))
    summary = "; ".join(
        f"{label}: {value}% of {counts.get(stratum, {'total': 0})['total']} checklist items done"
        for (stratum, _), (label, value, _) in zip(strata, rows, strict=True)
    )
    return bar_chart(
        key="readiness-by-stratum",
        title="Readiness checklist done, by stratum (urbanicity)",
        summary=summary,
        rows=rows,
        unit="%",
        maximum=100,
        detail_url=_url("leas:readinessitem-list"),
    )
