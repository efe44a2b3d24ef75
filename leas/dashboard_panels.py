"""The LEAs' panels on the leadership dashboard: LEAs by stratum, readiness stage, and
readiness by stratum.

An LEA's readiness stage is the first rollout phase of its checklist with an item still open
(not done, not "not applicable"); an LEA whose items are all done has completed the checklist.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Case, Count, IntegerField, Min, OuterRef, Q, Subquery, Value, When
from django.urls import reverse

from leas.filtersets import LEAFilterSet, LEAPersonFilterSet, ReadinessItemFilterSet
from leas.models import (
    CLOSED_READINESS,
    LEA,
    CohortKind,
    CohortVersion,
    LEAPerson,
    ReadinessItem,
    ReadinessStatus,
    RolloutPhase,
    Urbanicity,
)
from rolloutplanner.charts import BarChart, bar_chart
from rolloutplanner.dashboard import dashboard_panel
from rolloutplanner.home import (
    LEA_HOME,
    SEA_HOME,
    VENDOR_HOME,
    Breakdown,
    HeatCell,
    HeatMap,
    Tile,
    TileEntry,
    breakdown,
    counted,
    home_breakdown,
    home_organisation,
    home_tile,
    list_url,
)
from rolloutplanner.roles import Role

CLOSED = CLOSED_READINESS
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


# Home tiles -------------------------------------------------------------------------------

LISTED = 5
HEAT_LEVELS = (  # (share done at least, CSS level, words shown beside the colour)
    (100, "done", "all done"),
    (67, "high", "mostly done"),
    (34, "mid", "partly done"),
    (1, "low", "barely started"),
    (0, "none", "nothing done"),
)


def _readiness_url(**params) -> str:
    return list_url("leas:readinessitem-list", **params)


@home_tile("readiness-due", order=30, roles=LEA_HOME)
def readiness_due(user) -> Tile:
    """The district's open checklist items per phase, and the next ones to finish."""
    items = ReadinessItem.objects.restrict(user)
    counts = tuple(
        counted(
            f"Open in {phase.label}",
            "leas:readinessitem-list",
            ReadinessItemFilterSet,
            items,
            user=user,
            phase=phase.value,
            open="true",
        )
        for phase in PHASES
    ) + (
        counted(
            "Blocked",
            "leas:readinessitem-list",
            ReadinessItemFilterSet,
            items,
            user=user,
            status=ReadinessStatus.BLOCKED,
        ),
    )
    phase_order = Case(
        *(When(phase=phase, then=Value(index)) for index, phase in enumerate(PHASES)),
        output_field=IntegerField(),
    )
    upcoming = (
        items.exclude(status__in=CLOSED)
        .select_related("lea")
        .order_by(phase_order, "lea__name", "order", "key")[:LISTED]
    )
    return Tile(
        key="readiness-due",
        title="Readiness items asked of your district",
        summary="Checklist items neither done nor marked not applicable, phase by phase.",
        counts=counts,
        more_url=list_url("leas:readiness-matrix"),
        more_label="Update several items at once in the readiness matrix",
        entries=tuple(
            TileEntry(
                label=item.title,
                url=item.get_absolute_url(),
                note=f"{item.lea}, {item.get_phase_display()}: {item.get_status_display()}",
            )
            for item in upcoming
        ),
    )


@home_tile("people-to-confirm", order=50, roles=LEA_HOME)
def people_to_confirm(user) -> Tile:
    """The district's people still recorded as in post, for the coordinator to confirm."""
    people = LEAPerson.objects.restrict(user)
    count = counted(
        "People recorded as in post",
        "leas:leaperson-list",
        LEAPersonFilterSet,
        people,
        user=user,
        current="true",
    )
    return Tile(
        key="people-to-confirm",
        title="People to confirm",
        summary=(
            "Check that each still holds their role in state reporting; "
            "record a leaving date for anyone who left."
        ),
        counts=(count,),
        entries=tuple(
            TileEntry(label=p.name, url=p.get_absolute_url(), note=p.get_reporting_role_display())
            for p in people.filter(left_on__isnull=True).order_by("name", "pk")[:LISTED]
        ),
        more_url=list_url("leas:turnover"),
        more_label="Turnover: who left, roles left empty, data steward changes",
    )


def _current_versions(user) -> list[CohortVersion]:
    """Each visible cohort's latest saved membership, pilots first."""
    latest = CohortVersion.objects.filter(cohort=OuterRef("cohort")).order_by("-number")
    return list(
        CohortVersion.objects.restrict(user)
        .filter(pk=Subquery(latest.values("pk")[:1]))
        .select_related("cohort")
        .order_by("cohort__kind", "cohort__wave_number", "cohort__name")
    )


@home_tile("pilot-cohorts", order=40, roles=SEA_HOME)
def pilot_cohorts(user) -> Tile | None:
    """Each pilot cohort's LEAs and their open checklist items; None without a pilot."""
    pilots = [v for v in _current_versions(user) if v.cohort.kind == CohortKind.PILOT]
    if not pilots:
        return None
    leas, items = LEA.objects.restrict(user), ReadinessItem.objects.restrict(user)
    counts = []
    for version in pilots:
        cohort = version.cohort
        counts.append(
            counted(
                f"LEAs in {cohort}",
                "leas:lea-list",
                LEAFilterSet,
                leas,
                user=user,
                cohort=cohort.pk,
            )
        )
        counts.append(
            counted(
                f"Open readiness items in {cohort}",
                "leas:readinessitem-list",
                ReadinessItemFilterSet,
                items,
                user=user,
                cohort=cohort.pk,
                open="true",
            )
        )
    return Tile(
        key="pilot-cohorts",
        title="Pilot cohort",
        summary="Membership as last saved, and the checklist items its LEAs still have open.",
        counts=tuple(counts),
        entries=tuple(
            TileEntry(
                label=str(v.cohort), url=v.cohort.get_absolute_url(), note=f"version {v.number}"
            )
            for v in pilots
        ),
    )


def _heat_cell(row: dict, url: str) -> HeatCell:
    total, done = row["total"], row["done"]
    if not total:
        return HeatCell(text="no items", level="empty", url=url, count=0)
    share = round(100 * done / total)
    level, words = next((lvl, w) for floor, lvl, w in HEAT_LEVELS if share >= floor)
    return HeatCell(
        text=f"{done} of {total} done ({share}%), {words}", level=level, url=url, count=total
    )


@home_tile("readiness-heat-map", order=45, roles=SEA_HOME)
def readiness_heat_map(user) -> Tile:
    """Cohorts (and all LEAs) × rollout phases: checklist items done of all items.

    Three queries whatever the number of LEAs: the cohorts' latest versions, all LEAs by
    phase, and the cohorts' LEAs by cohort version and phase.
    """
    items = ReadinessItem.objects.restrict(user).order_by()
    tally = {"total": Count("pk"), "done": Count("pk", filter=Q(status=ReadinessStatus.DONE))}
    everyone = {row["phase"]: row for row in items.values("phase").annotate(**tally)}
    versions = _current_versions(user)
    by_cohort = {
        (row["lea__cohort_versions"], row["phase"]): row
        for row in items.filter(lea__cohort_versions__in=[v.pk for v in versions])
        .values("lea__cohort_versions", "phase")
        .annotate(**tally)
    }
    empty = {"total": 0, "done": 0}
    rows = [
        (
            str(v.cohort),
            tuple(
                _heat_cell(
                    by_cohort.get((v.pk, phase.value), empty),
                    url=_readiness_url(cohort=v.cohort.pk, phase=phase.value),
                )
                for phase in PHASES
            ),
        )
        for v in versions
    ]
    rows.append(
        (
            "All LEAs",
            tuple(
                _heat_cell(everyone.get(phase.value, empty), url=_readiness_url(phase=phase.value))
                for phase in PHASES
            ),
        )
    )
    return Tile(
        key="readiness-heat-map",
        title="Readiness heat map",
        summary=(
            "Checklist items done of all items, per cohort and rollout phase. "
            "Each cell says the share in words as well as in colour."
        ),
        heat_map=HeatMap(
            caption="Readiness items done, by cohort and rollout phase",
            columns=tuple(phase.label for phase in PHASES),
            rows=tuple(rows),
            row_urls=(
                *(list_url("leas:readiness-matrix", cohort=v.cohort.pk) for v in versions),
                list_url("leas:readiness-matrix"),
            ),
        ),
        more_url=list_url("leas:readiness-matrix"),
        more_label="Readiness matrix of every LEA",
    )


@home_tile("leas-using-product", order=40, roles=VENDOR_HOME)
def leas_using_product(user) -> Tile:
    """The LEAs running the vendor's product (as their SIS or as a source system)."""
    leas = LEA.objects.restrict(user)
    count = counted("LEAs using your product", "leas:lea-list", LEAFilterSet, leas, user=user)
    return Tile(
        key="leas-using-product",
        title="LEAs that use your product",
        summary="As their student information system or as a source system.",
        counts=(count,),
        entries=tuple(
            TileEntry(label=lea.name, url=lea.get_absolute_url(), note=lea.state_lea_id)
            for lea in leas.order_by("name", "pk")[:LISTED]
        ),
    )


@dashboard_panel("leas-by-stratum", order=40)
def leas_by_stratum(user) -> BarChart:
    counts = dict(
        LEA.objects.restrict(user)
        .values_list("urbanicity")
        .annotate(count=Count("pk"))
        .values_list("urbanicity", "count")
    )
    lea_list = reverse("leas:lea-list")
    bars = [
        (label, counts.get(value, 0), f"{lea_list}?urbanicity={value}")
        for value, label in Urbanicity.choices
    ]
    if counts.get(""):
        bars.append(("Not recorded", counts[""], lea_list))
    return bar_chart(
        key="leas-by-stratum",
        title="LEAs by stratum (urbanicity)",
        summary="; ".join(f"{label}: {value}" for label, value, _ in bars),
        rows=bars,
        unit="",
        detail_url=lea_list,
    )


@home_breakdown("leas-by-urbanicity", order=10)
def leas_by_urbanicity(user) -> Breakdown:
    return breakdown(
        key="leas-by-urbanicity",
        title="LEAs by urbanicity",
        queryset=LEA.objects.restrict(user),
        field="urbanicity",
        choices=Urbanicity,
        noun="LEA",
        url=reverse("leas:lea-list"),
    )


@home_organisation(Role.LEA_COORDINATOR)
def coordinators_lea(user):
    """The coordinator's LEA, when they coordinate exactly one."""
    leas = list(LEA.objects.restrict(user)[:2])
    return leas[0] if len(leas) == 1 else None
