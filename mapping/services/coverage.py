"""Coverage of a mapping plan and the impact of moving it to another Data Standard version."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.db import transaction
from django.db.models import Count, Q

from mapping.models import (
    CoverageRun,
    Descriptor,
    DescriptorMapping,
    EdFiProperty,
    ElementMapping,
    MappingKind,
    MappingPlan,
    StateCodeSet,
)
from mapping.selectors import plan_coverage
from mapping.services.lineage import lineage_conflicts
from mapping.services.mappings import identity_gaps

UNMAPPED_LISTED = 200  # the result lists at most this many unmapped elements by name

Progress = Callable[[float, str], None]


def compute_coverage(*, plan: MappingPlan, progress: Progress | None = None) -> dict:
    """Coverage of ``plan`` (``plan_coverage``: only approved mappings count as mapped), plus
    the open problems: unmapped elements, code sets, identity gaps, lineage conflicts."""
    report = progress or (lambda *_: None)
    coverage = plan_coverage(plan=plan)
    overall = coverage["overall"]
    mappings = ElementMapping.objects.filter(element__collection__plan=plan)
    report(30, "Counted elements by review status and mapping kind")
    unmapped = list(
        mappings.filter(kind=MappingKind.NOT_MAPPED)
        .order_by("element__collection__name", "element__name")
        .values_list("element__collection__name", "element__name")[:UNMAPPED_LISTED]
    )
    code_sets = (
        StateCodeSet.objects.filter(plan=plan)
        .annotate(
            codes_total=Count("codes", distinct=True),
            codes_mapped=Count("codes", filter=Q(codes__descriptor_mapping__isnull=False)),
        )
        .order_by("name")
    )
    unmapped_code_sets = [
        {"name": c.name, "codes": c.codes_total, "mapped": c.codes_mapped}
        for c in code_sets
        if c.codes_mapped < c.codes_total
    ]
    report(60, "Checked code sets")
    gaps = [{"resource": g.resource, "property": g.property_path} for g in identity_gaps(plan=plan)]
    report(75, "Checked identity properties")
    conflicts = [
        {"kind": c.kind, "resource": c.resource, "message": c.message}
        for c in lineage_conflicts(plan=plan)
    ]
    report(90, "Checked data lineage")
    return {
        "plan": plan.name,
        "data_standard": plan.data_standard_version.version,
        "counting": overall["counting"],
        "overall": overall,
        "collections": coverage["collections"],
        "unmapped_elements": [f"{c} / {e}" for c, e in unmapped],
        "unmapped_count": overall["by_status"]["not_mapped"]["count"],
        "code_sets_without_mapping": unmapped_code_sets,
        "identity_gaps": gaps,
        "lineage_conflicts": conflicts,
    }


def _changes(previous: CoverageRun | None, result: dict) -> dict:
    if previous is None:
        return {"first_run": True}
    before = previous.result.get("overall", {})
    after = result["overall"]
    by_kind = {
        kind: after["by_kind"][kind]["count"]
        - before.get("by_kind", {}).get(kind, {}).get("count", 0)
        for kind in MappingKind.values
    }
    by_status = {
        status: after["by_status"][status]["count"]
        - before.get("by_status", {}).get(status, {}).get("count", 0)
        for status in after["by_status"]
    }
    # Runs before "counting" existed counted drafts as mapped: their percentage is no baseline.
    comparable = previous.result.get("counting") == result["counting"]
    old_unmapped = set(previous.result.get("unmapped_elements", []))
    new_unmapped = set(result["unmapped_elements"])
    return {
        "first_run": False,
        "previous_run": previous.pk,
        "elements": after["elements"] - before.get("elements", 0),
        "comparable": comparable,
        "mapped_percent": (
            round(after["mapped_percent"] - before.get("mapped_percent", 0), 1)
            if comparable
            else None
        ),
        "by_kind": by_kind,
        "by_status": by_status if comparable else None,
        "newly_mapped": sorted(old_unmapped - new_unmapped)[:50],
        "newly_unmapped": sorted(new_unmapped - old_unmapped)[:50],
    }


def record_coverage_run(*, plan: MappingPlan, job=None, progress: Progress | None = None):
    """Compute coverage and keep it as a new CoverageRun (the job's re-run reuses its row)."""
    result = compute_coverage(plan=plan, progress=progress)
    with transaction.atomic():
        previous = (
            CoverageRun.objects.filter(plan=plan).exclude(job=job) if job else plan.coverage_runs
        ).first()
        result["changes"] = _changes(previous, result)
        values = {
            "plan": plan,
            "element_count": result["overall"]["elements"],
            "mapped_percent": result["overall"]["mapped_percent"],
            "result": result,
        }
        if job is not None:
            run, _ = CoverageRun.objects.update_or_create(job=job, defaults=values)
        else:
            run = CoverageRun.objects.create(**values)
    return run


def upgrade_impact(*, plan: MappingPlan, version) -> dict:
    """Which mappings of ``plan`` break if it moves to Data Standard ``version``, and why."""
    targets = (
        EdFiProperty.objects.filter(mappings__element__collection__plan=plan)
        .select_related("resource", "descriptor")
        .distinct()
    )
    other = {
        (p.resource.name, p.path): p
        for p in EdFiProperty.objects.filter(resource__version=version).select_related(
            "resource", "descriptor"
        )
    }
    by_api_path = {(p.resource.name, p.api_path): p for p in other.values() if p.api_path}
    problems = {}
    for prop in targets:
        problem = _property_change(prop, other, by_api_path)
        if problem:
            problems[prop.pk] = problem
    affected = []
    mappings = (
        ElementMapping.objects.filter(targets__in=list(problems))
        .select_related("element__collection")
        .prefetch_related("targets__resource")
        .distinct()
        .order_by("element__collection__name", "element__name")
    )
    for mapping in mappings:
        for target in mapping.targets.all():
            if target.pk in problems:
                affected.append(
                    {
                        "mapping": mapping.pk,
                        "element": str(mapping),
                        "target": f"{target.resource.name}.{target.path}",
                        **problems[target.pk],
                    }
                )
    descriptors, value_changes = descriptor_value_changes(plan=plan, version=version)
    return {
        "plan": plan.name,
        "from_version": plan.data_standard_version.version,
        "to_version": version.version,
        "targets_checked": len(targets),
        "broken": affected,
        "descriptors_checked": descriptors,
        "descriptor_values": value_changes,
    }


def descriptor_value_changes(*, plan: MappingPlan, version) -> tuple[int, list[dict]]:
    """Values added, removed or renamed in ``version`` for the descriptors ``plan`` uses (its
    code sets', its descriptor mappings' and its target properties'), each with the state codes
    mapped to the old value. Returns the number of descriptors checked and the changes."""
    used = (
        Descriptor.objects.filter(version=plan.data_standard_version_id)
        .filter(
            Q(state_code_sets__plan=plan)
            | Q(values__state_mappings__state_code__code_set__plan=plan)
            | Q(properties__mappings__element__collection__plan=plan)
        )
        .distinct()
        .order_by("name")
    )
    used = list(used)
    other = {
        d.name: d
        for d in Descriptor.objects.filter(version=version, name__in=[d.name for d in used])
    }
    codes = defaultdict(list)
    for value_id, code in DescriptorMapping.objects.filter(
        state_code__code_set__plan=plan
    ).values_list("descriptor_value_id", "state_code__code"):
        codes[value_id].append(code)
    changes = []
    for descriptor in used:
        old = {v.code_value: v for v in descriptor.values.all()}
        match = other.get(descriptor.name)
        if match is None:
            changes.append(
                _value_change(descriptor, "removed", "", "the descriptor is not in the version")
            )
            continue
        new = {v.code_value: v for v in match.values.all()}
        removed = [old[c] for c in sorted(set(old) - set(new))]
        added = [new[c] for c in sorted(set(new) - set(old))]
        for value in removed:
            renamed = _renamed_to(value, added)
            if renamed is not None:
                added.remove(renamed)
                change = _value_change(
                    descriptor, "renamed", value.code_value, f"now {renamed.code_value}"
                )
            else:
                change = _value_change(descriptor, "removed", value.code_value, "")
            change["state_codes"] = sorted(codes.get(value.pk, []))
            changes.append(change)
        for value in added:
            changes.append(_value_change(descriptor, "added", value.code_value, ""))
    return len(used), changes


def _value_change(descriptor, change: str, value: str, detail: str) -> dict:
    return {
        "descriptor": descriptor.name,
        "change": change,
        "value": value,
        "detail": detail,
        "state_codes": [],
    }


def _renamed_to(value, added: list):
    """The added value that is ``value`` under a new code: same code but for case and spacing,
    or the same short description or description."""

    def squeeze(text: str) -> str:
        return "".join(ch for ch in (text or "").lower() if ch.isalnum())

    for candidate in added:
        if squeeze(candidate.code_value) == squeeze(value.code_value):
            return candidate
    for field in ("short_description", "description"):
        wanted = squeeze(getattr(value, field))
        if not wanted:
            continue
        for candidate in added:
            if squeeze(getattr(candidate, field)) == wanted:
                return candidate
    return None


def _property_change(prop, other: dict, by_api_path: dict) -> dict | None:
    match = other.get((prop.resource.name, prop.path))
    if match is None:
        renamed = by_api_path.get((prop.resource.name, prop.api_path))
        if renamed is not None:
            return {"change": "renamed", "detail": f"now {renamed.path}"}
        return {"change": "removed", "detail": "no such property in the other version"}
    if match.data_type != prop.data_type:
        return {"change": "type", "detail": f"{prop.data_type} → {match.data_type}"}
    old = prop.descriptor.name if prop.descriptor else ""
    new = match.descriptor.name if match.descriptor else ""
    if old != new:
        return {"change": "descriptor", "detail": f"{old or '—'} → {new or '—'}"}
    return None
