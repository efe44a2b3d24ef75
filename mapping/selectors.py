"""Reads that compose several models for the mapping pages."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count

from mapping.models import (
    DataStandardVersion,
    EdFiResource,
    ElementMapping,
    LineageAssignment,
    MappingKind,
    StateCode,
    StateCodeSet,
    StateElement,
)
from mapping.querysets import COVERAGE_STATUSES
from rolloutplanner.permissions import VIEW


def _version_key(version: DataStandardVersion) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in version.version.split("."))


def latest_version() -> DataStandardVersion | None:
    """The newest Data Standard loaded (by version number), or None before any import."""
    return max(DataStandardVersion.objects.all(), key=_version_key, default=None)


def resources_by_domain(*, version) -> list[tuple[str, list]]:
    """The version's resources grouped by their primary domain, domains in name order."""
    groups: dict[str, list] = defaultdict(list)
    resources = (
        EdFiResource.objects.filter(version=version)
        .annotate(property_count=Count("properties"))
        .order_by("name")
    )
    for resource in resources:
        groups[resource.primary_domain or "No domain"].append(resource)
    return sorted(groups.items())


def codes_with_mappings(*, code_set) -> list[StateCode]:
    return list(
        code_set.codes.select_related(
            "descriptor_mapping__descriptor_value__descriptor"
        ).prefetch_related("local_codes__local_code_set__lea")
    )


def required_values_without_mapping(*, code_set) -> list:
    """Ed-Fi values of the code set's descriptor that no state code maps to."""
    if code_set.descriptor is None:
        return []
    return list(
        code_set.descriptor.values.exclude(state_mappings__state_code__code_set=code_set).order_by(
            "code_value"
        )
    )


COVERAGE_STATUS_LABELS = {
    "approved": "Approved",
    "in_review": "In review",
    "draft": "Draft",
    "not_mapped": "Not mapped",
}


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _coverage_summary(rows: list[dict]) -> dict:
    total = sum(row["n"] for row in rows)
    by_status = dict.fromkeys(COVERAGE_STATUSES, 0)
    by_kind = {kind: {"count": 0, "approved": 0} for kind in MappingKind.values}
    for row in rows:
        by_status[row["coverage_status"]] += row["n"]
        by_kind[row["coverage_kind"]]["count"] += row["n"]
        if row["coverage_status"] == "approved":
            by_kind[row["coverage_kind"]]["approved"] += row["n"]
    return {
        "counting": "approved",
        "elements": total,
        "mapped": by_status["approved"],
        "mapped_percent": _percent(by_status["approved"], total),
        "by_status": {
            status: {
                "label": COVERAGE_STATUS_LABELS[status],
                "count": n,
                "percent": _percent(n, total),
            }
            for status, n in by_status.items()
        },
        "by_kind": {
            kind: {
                "label": MappingKind(kind).label,
                **counts,
                "percent": _percent(counts["count"], total),
            }
            for kind, counts in by_kind.items()
        },
    }


def plan_coverage(*, plan) -> dict:
    """How far the mapping of ``plan`` is, overall and per collection, by review status and
    by mapping kind. Only approved mappings count as mapped.

    The one computation of coverage: the plan page, coverage runs (and so the dashboard
    trend) and the API all show what this returns. One query.
    """
    rows = list(StateElement.objects.filter(collection__plan=plan).coverage_counts())
    per_collection: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        per_collection[row["collection__name"]].append(row)
    return {
        "overall": _coverage_summary(rows),
        "collections": {
            name: _coverage_summary(per_collection[name]) for name in sorted(per_collection)
        },
    }


def _path_overlaps(paths: set[str], path: str) -> bool:
    """A lineage step writing ``BirthData`` writes ``BirthData.BirthDate`` and the reverse."""
    return any(p == path or p.startswith(path + ".") or path.startswith(p + ".") for p in paths)


def property_usage(*, prop, user) -> dict:
    """Where an Ed-Fi property is used, as far as ``user`` may see: the mappings that target
    it (with their plans), the lineage steps that write it, and the code sets mapped onto its
    descriptor."""
    mappings = list(
        ElementMapping.objects.restrict(user, VIEW)
        .filter(targets=prop)
        .select_related("element__collection__plan")
        .order_by("element__collection__plan__name", "element__collection__name", "element__name")
    )
    steps = [
        step
        for step in LineageAssignment.objects.restrict(user, VIEW)
        .filter(resource=prop.resource)
        .select_related("plan", "resource")
        .order_by("plan__name", "load_order")
        if not step.property_paths or _path_overlaps(step.property_paths, prop.path)
    ]
    code_sets = (
        list(
            StateCodeSet.objects.restrict(user, VIEW)
            .filter(descriptor_id=prop.descriptor_id)
            .select_related("plan")
            .order_by("plan__name", "name")
        )
        if prop.descriptor_id
        else []
    )
    plans = sorted(
        {m.element.collection.plan for m in mappings}
        | {s.plan for s in steps}
        | {c.plan for c in code_sets},
        key=lambda plan: plan.name,
    )
    return {"plans": plans, "mappings": mappings, "lineage": steps, "code_sets": code_sets}
