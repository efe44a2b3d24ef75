"""Importing a state collection specification (and an exported plan) into a mapping plan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history, update_change_reason

from mapping.importers.spec import ParsedSpec, SpecRow, parse_spec
from mapping.models import (
    DescriptorMapping,
    DescriptorValue,
    EdFiProperty,
    EdFiResource,
    ElementMapping,
    LineageAssignment,
    MappingPlan,
    MappingStatus,
    StateCode,
    StateCodeSet,
    StateCollection,
    StateElement,
)
from mapping.services.mappings import target_problems
from rolloutplanner.import_files import keep_import_file
from rolloutplanner.jobs import enqueue_job
from rolloutplanner.models import Job
from rolloutplanner.spreadsheets import check_import_size


@dataclass(frozen=True)
class SpecImportSummary:
    created: int
    updated: int
    unchanged: int
    code_sets: int
    descriptor_mappings: int

    def __str__(self) -> str:
        return (
            f"{self.created} elements created, {self.updated} updated, {self.unchanged} "
            f"unchanged; {self.code_sets} code sets; "
            f"{self.descriptor_mappings} descriptor mappings."
        )


class _Resolver:
    """Looks up what rows name (Ed-Fi properties, users, descriptor values) in one pass."""

    def __init__(self, plan: MappingPlan, parsed: ParsedSpec):
        version = plan.data_standard_version
        self.properties = {
            f"{p.resource.name}.{p.path}": p
            for p in EdFiProperty.objects.filter(resource__version=version).select_related(
                "resource"
            )
        }
        names = {r.mapping["owner"] for r in parsed.rows if r.mapping and r.mapping["owner"]}
        users = get_user_model().objects.filter(username__in=names)
        self.users = {u.username: u for u in users}
        self.descriptors = set(version.descriptors.values_list("name", flat=True))
        self.resources = {r.name: r for r in EdFiResource.objects.filter(version=version)}
        self.values = {
            (v.descriptor.name, v.code_value): v
            for v in DescriptorValue.objects.filter(descriptor__version=version).select_related(
                "descriptor"
            )
        }


def import_state_spec(
    *,
    plan: MappingPlan,
    name: str,
    content: bytes,
    user,
    progress: Callable[[float, str], None] | None = None,
) -> SpecImportSummary:
    """Create or update the plan's collections, elements, code sets (and mappings), all or nothing.

    Rows match existing elements on (collection, element name), so a re-import updates and
    never duplicates. Any problem (in the file, or a change to an approved mapping) raises a
    ValidationError naming file, sheet, row, column and reason, and nothing is written.
    """
    report = progress or (lambda percent, message: None)
    report(2, f"Reading {name}")
    parsed = parse_spec(name=name, content=content)
    report(30, f"Checking {len(parsed.rows):,} elements against the catalog")
    resolver = _Resolver(plan, parsed)
    errors = _resolve_errors(plan, parsed, resolver)
    if errors:
        raise ValidationError(errors[:50])
    report(40, f"Saving {len(parsed.rows):,} elements")
    with transaction.atomic():
        summary = _apply(plan, parsed, resolver, name, user)
        if errors := _apply_mappings(parsed, resolver, f"imported from {name}"):
            raise ValidationError(errors[:50])  # leaving the block rolls everything back
    return summary


def _resolve_errors(plan: MappingPlan, parsed: ParsedSpec, resolver: _Resolver) -> list[str]:
    errors = []
    version = plan.data_standard_version
    for row in parsed.rows:
        if not row.mapping:
            continue
        unknown = [t for t in row.mapping["targets"] if t not in resolver.properties]
        if unknown:
            errors.append(
                f"{row.where}, column targets: {', '.join(unknown)} not in Ed-Fi Data Standard "
                f"{version.version}."
            )
            continue
        targets = [resolver.properties[t] for t in row.mapping["targets"]]
        for problem in target_problems(
            mapping_kind=row.mapping["kind"], targets=targets, version=version
        ):
            errors.append(f"{row.where}, column targets: {problem}")
        owner = row.mapping["owner"]
        if owner and owner not in resolver.users:
            errors.append(f"{row.where}, column owner: no user named {owner!r}.")
    for row in parsed.lineage_rows:
        if row.resource not in resolver.resources:
            errors.append(
                f"{row.where}, column resource: no resource {row.resource!r} in Ed-Fi Data "
                f"Standard {version.version}."
            )
    for row in parsed.descriptor_rows:
        if row.descriptor and row.descriptor not in resolver.descriptors:
            errors.append(
                f"{row.where}, column descriptor: no descriptor {row.descriptor!r} in Ed-Fi "
                f"Data Standard {version.version}."
            )
        elif row.code_value and (row.descriptor, row.code_value) not in resolver.values:
            errors.append(
                f"{row.where}, column code_value: {row.descriptor}#{row.code_value} is not in "
                f"Ed-Fi Data Standard {version.version}."
            )
    return errors


def _apply(plan, parsed: ParsedSpec, resolver: _Resolver, name: str, user) -> SpecImportSummary:
    reason = f"imported from {name}"
    collections = {c.name: c for c in plan.collections.all()}
    code_sets = {c.name: c for c in plan.code_sets.all()}
    codes: dict[int, dict[str, StateCode]] = {}
    # Read once, not once per row: a 50 MB specification holds some 300,000 rows.
    elements = {
        (e.collection_id, e.name): e
        for e in StateElement.objects.filter(collection__plan=plan).select_related("code_set")
    }
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    created: list[tuple[SpecRow, StateElement]] = []
    for row in parsed.rows:
        collection = collections.get(row.collection)
        if collection is None:
            collection = collections[row.collection] = StateCollection.objects.create(
                plan=plan, name=row.collection
            )
        code_set = _code_set(plan, code_sets, codes, row) if row.code_set else None
        outcome = _upsert_element(elements, collection, row, code_set, reason, created)
        counts[outcome] += 1
    _create_elements(created, reason)
    descriptor_count = _apply_descriptor_rows(plan, parsed, resolver, code_sets, reason)
    for row in parsed.lineage_rows:
        LineageAssignment.objects.update_or_create(
            plan=plan,
            resource=resolver.resources[row.resource],
            source_system=row.source_system,
            load_order=row.load_order,
            defaults={"properties": row.properties},
        )
    return SpecImportSummary(
        **counts, code_sets=len(code_sets), descriptor_mappings=descriptor_count
    )


def _code_set(plan, code_sets: dict, codes: dict, row: SpecRow) -> StateCodeSet:
    code_set = code_sets.get(row.code_set)
    if code_set is None:
        code_set = code_sets[row.code_set] = StateCodeSet.objects.create(
            plan=plan, name=row.code_set
        )
    if code_set.pk not in codes:
        codes[code_set.pk] = {c.code: c for c in code_set.codes.all()}
    existing = codes[code_set.pk]
    for code, description in row.codes:
        current = existing.get(code)
        if current is None:
            existing[code] = StateCode.objects.create(
                code_set=code_set, code=code, description=description
            )
        elif description and current.description != description:
            current.description = description
            current.save(update_fields=["description"])
    return code_set


def _upsert_element(elements: dict, collection, row: SpecRow, code_set, reason, created) -> str:
    values = {
        "definition": row.definition,
        "data_type": row.data_type,
        "required": row.required,
        "code_set": code_set,
    }
    element = elements.get((collection.pk, row.element))
    if element is None:
        element = StateElement(collection=collection, name=row.element, **values)
        elements[(collection.pk, row.element)] = element
        created.append((row, element))
        return "created"
    if any(getattr(element, k) != v for k, v in values.items()):
        for key, value in values.items():
            setattr(element, key, value)
        element._change_reason = reason
        element.save()
        outcome = "updated"
    else:
        outcome = "unchanged"
    row.element_id = element.pk  # used by the mapping pass
    return outcome


def _create_elements(created: list[tuple[SpecRow, StateElement]], reason: str) -> None:
    """New elements and their (empty) mappings, in bulk, each with its history record."""
    elements = [element for _, element in created]
    bulk_create_with_history(elements, StateElement, batch_size=1000, default_change_reason=reason)
    mappings = [ElementMapping(element=element) for element in elements]
    bulk_create_with_history(mappings, ElementMapping, batch_size=1000)
    for row, element in created:
        row.element_id = element.pk  # used by the mapping pass


def _apply_mapping(row: SpecRow, resolver: _Resolver, reason: str) -> str | None:
    """Write a row's mapping columns; returns an error when it would change an approved row."""
    mapping = ElementMapping.objects.get(element_id=row.element_id)
    wanted = row.mapping
    fields = {
        "kind": wanted["kind"],
        "logical_map": wanted["logical_map"],
        "transformation_rule": wanted["transformation_rule"],
        "owner": resolver.users.get(wanted["owner"]) if wanted["owner"] else None,
        "status": wanted["status"],
        "comments": wanted["comments"],
    }
    targets = {resolver.properties[t].pk for t in wanted["targets"]}
    current_targets = set(mapping.targets.values_list("pk", flat=True))
    changed = targets != current_targets or any(getattr(mapping, k) != v for k, v in fields.items())
    if not changed:
        return None
    if mapping.status == MappingStatus.APPROVED:
        return (
            f"{row.where}: the mapping of {row.element!r} is approved; start a new review "
            "before changing it."
        )
    for key, value in fields.items():
        setattr(mapping, key, value)
    mapping.save()
    mapping.targets.set(targets)
    update_change_reason(mapping, reason)
    return None


def _apply_mappings(parsed: ParsedSpec, resolver: _Resolver, reason: str) -> list[str]:
    errors = []
    for row in parsed.rows:
        if row.mapping:
            error = _apply_mapping(row, resolver, reason)
            if error:
                errors.append(error)
    return errors


def _apply_descriptor_rows(plan, parsed, resolver: _Resolver, code_sets: dict, reason) -> int:
    count = 0
    descriptors = {}
    for row in parsed.descriptor_rows:
        code_set = code_sets.get(row.code_set)
        if code_set is None:
            code_set = code_sets[row.code_set] = StateCodeSet.objects.create(
                plan=plan, name=row.code_set
            )
        code, _ = StateCode.objects.get_or_create(
            code_set=code_set, code=row.code, defaults={"description": row.description}
        )
        if row.descriptor:
            value = resolver.values.get((row.descriptor, row.code_value))
            descriptor = value.descriptor if value else descriptors.get(row.descriptor)
            if descriptor is None:
                descriptor = plan.data_standard_version.descriptors.filter(
                    name=row.descriptor
                ).first()
                descriptors[row.descriptor] = descriptor
            if descriptor and code_set.descriptor_id != descriptor.pk:
                code_set.descriptor = descriptor
                code_set.save(update_fields=["descriptor"])
            if value:
                current = DescriptorMapping.objects.filter(state_code=code).first()
                changed = current and current.descriptor_value_id != value.pk
                if changed and current.status == MappingStatus.APPROVED:
                    raise ValidationError(
                        f"{row.where}: the mapping of code {row.code!r} is approved; start "
                        "a new review before changing it."
                    )
                DescriptorMapping.objects.update_or_create(
                    state_code=code, defaults={"descriptor_value": value}
                )
                count += 1
    return count


IMPORT_JOB_KIND = "mapping_spec_import"


def start_spec_import(*, plan: MappingPlan, user, upload) -> Job:
    """Keep an uploaded specification privately and queue its import into ``plan`` as a job.

    For files above ``IMPORT_BACKGROUND_ABOVE_BYTES``; the job runs :func:`import_state_spec`
    (all or nothing) as ``user`` and removes the stored file when it ends.
    """
    check_import_size(file_name=upload.name, size=upload.size)
    path = keep_import_file(upload=upload)
    return enqueue_job(
        kind=IMPORT_JOB_KIND,
        user=user,
        parameters={"plan": plan.pk, "file_name": upload.name, "path": path, "size": upload.size},
    )
