"""Importing a state collection specification (and an exported plan) into a mapping plan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from simple_history.utils import update_change_reason

from mapping.importers.own_layout import ColumnMap
from mapping.importers.spec import ParsedSpec, SpecRow, parse_own_layout, parse_spec
from mapping.models import (
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
from mapping.services.mappings import (
    target_problems,
    transition_mapping,
    transition_to,
    update_mapping,
)
from mapping.services.state import create_element, map_state_code
from rolloutplanner.import_files import keep_import_file
from rolloutplanner.jobs import enqueue_job
from rolloutplanner.models import Job
from rolloutplanner.spreadsheets import check_import_size


@dataclass
class SpecImportSummary:
    """Element rows created, updated (element or mapping) and unchanged; descriptor mappings
    created or changed. ``errors`` collects row problems found while writing."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    code_sets: int = 0
    descriptor_mappings: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.created} elements created, {self.updated} updated, {self.unchanged} "
            f"unchanged; {self.code_sets} code sets; "
            f"{self.descriptor_mappings} descriptor mappings created or changed."
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
    column_map: ColumnMap | None = None,
) -> SpecImportSummary:
    """Create or update the plan's collections, elements, code sets (and mappings), all or nothing.

    Rows match existing elements on (collection, element name), so a re-import updates and
    never duplicates. Mapping columns go through the mapping services and their review rules:
    an import edits drafts, may submit for review or return to draft, and never approves.
    Any problem (in the file, a change to an approved mapping, a status of approved on a row
    that is not approved yet) raises a ValidationError naming file, sheet, row, column and
    reason, and nothing is written. The summary counts what really changed.

    With ``column_map`` the file is the team's own spreadsheet, read through that map.
    """
    report = progress or (lambda percent, message: None)
    report(2, f"Reading {name}")
    parsed = _parse(name, content, column_map)
    report(30, f"Checking {len(parsed.rows):,} elements against the catalog")
    resolver = _Resolver(plan, parsed)
    errors = _resolve_errors(plan, parsed, resolver)
    if errors:
        raise ValidationError(errors[:50])
    report(40, f"Saving {len(parsed.rows):,} elements")
    with transaction.atomic():
        summary = _apply(plan, parsed, resolver, name, user)
        if summary.errors:
            raise ValidationError(summary.errors[:50])  # leaving the block rolls everything back
    return summary


def _parse(name: str, content: bytes, column_map: ColumnMap | None) -> ParsedSpec:
    if column_map is None:
        return parse_spec(name=name, content=content)
    return parse_own_layout(name=name, content=content, column_map=column_map)


PREVIEW_ROWS = 15


@dataclass
class SpecPreview:
    """What an import would do: its first rows as read, its summary, or why it is refused."""

    rows: list[SpecRow] = field(default_factory=list)
    total_rows: int = 0
    summary: SpecImportSummary | None = None
    errors: list[str] = field(default_factory=list)


def preview_state_spec(
    *, plan: MappingPlan, name: str, content: bytes, user, column_map: ColumnMap | None = None
) -> SpecPreview:
    """Run the import in a transaction that is always rolled back, so the preview meets every
    rule the real import meets (catalog, review, permissions) and writes nothing."""
    preview = SpecPreview()
    with transaction.atomic():
        try:
            parsed = _parse(name, content, column_map)
            preview.rows, preview.total_rows = parsed.rows[:PREVIEW_ROWS], len(parsed.rows)
            preview.summary = import_state_spec(
                plan=plan, name=name, content=content, user=user, column_map=column_map
            )
        except ValidationError as exc:
            preview.errors = exc.messages
        finally:
            transaction.set_rollback(True)
    return preview


def _resolve_errors(plan: MappingPlan, parsed: ParsedSpec, resolver: _Resolver) -> list[str]:
    errors = []
    version = plan.data_standard_version
    for row in parsed.rows:
        if not row.mapping:
            continue
        unknown = [t for t in row.mapping["targets"] if t not in resolver.properties]
        if unknown:
            errors.append(
                f"{row.where}, column {parsed.column('targets')}: {', '.join(unknown)} not in "
                f"Ed-Fi Data Standard "
                f"{version.version}."
            )
            continue
        targets = [resolver.properties[t] for t in row.mapping["targets"]]
        for problem in target_problems(
            mapping_kind=row.mapping["kind"], targets=targets, version=version
        ):
            errors.append(f"{row.where}, column {parsed.column('targets')}: {problem}")
        owner = row.mapping["owner"]
        if owner and owner not in resolver.users:
            errors.append(f"{row.where}, column {parsed.column('owner')}: no user named {owner!r}.")
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
    summary = SpecImportSummary()
    for row in parsed.rows:
        collection = collections.get(row.collection)
        if collection is None:
            collection = collections[row.collection] = StateCollection.objects.create(
                plan=plan, name=row.collection
            )
        code_set = _code_set(plan, code_sets, row) if row.code_set else None
        outcome = _upsert_element(collection, row, code_set, reason)
        if row.mapping and _apply_mapping(row, resolver, reason, user, summary.errors):
            outcome = "updated" if outcome == "unchanged" else outcome
        setattr(summary, outcome, getattr(summary, outcome) + 1)
    summary.descriptor_mappings = _apply_descriptor_rows(
        plan, parsed, resolver, code_sets, user, summary.errors
    )
    for row in parsed.lineage_rows:
        LineageAssignment.objects.update_or_create(
            plan=plan,
            resource=resolver.resources[row.resource],
            source_system=row.source_system,
            load_order=row.load_order,
            defaults={"properties": row.properties},
        )
    summary.code_sets = len(code_sets)
    return summary


def _code_set(plan, code_sets: dict, row: SpecRow) -> StateCodeSet:
    code_set = code_sets.get(row.code_set)
    if code_set is None:
        code_set = code_sets[row.code_set] = StateCodeSet.objects.create(
            plan=plan, name=row.code_set
        )
    existing = {c.code: c for c in code_set.codes.all()}
    for code, description in row.codes:
        current = existing.get(code)
        if current is None:
            StateCode.objects.create(code_set=code_set, code=code, description=description)
        elif description and current.description != description:
            current.description = description
            current.save(update_fields=["description"])
    return code_set


def _upsert_element(collection, row: SpecRow, code_set, reason: str) -> str:
    values = {
        "definition": row.definition,
        "data_type": row.data_type,
        "required": row.required,
        "code_set": code_set,
    }
    element = StateElement.objects.filter(collection=collection, name=row.element).first()
    if element is None:
        element = create_element(collection=collection, name=row.element, **values)
        update_change_reason(element, reason)
        outcome = "created"
    elif any(getattr(element, k) != v for k, v in values.items()):
        for key, value in values.items():
            setattr(element, key, value)
        element.save()
        update_change_reason(element, reason)
        outcome = "updated"
    else:
        outcome = "unchanged"
    row.element_id = element.pk  # used by the mapping pass
    return outcome


def _apply_mapping(row: SpecRow, resolver: _Resolver, reason: str, user, errors: list) -> bool:
    """Write a row's mapping columns through the mapping services; True when anything changed.

    A refusal (an approved row, a review step the services do not allow) goes to ``errors``.
    """
    mapping = ElementMapping.objects.get(element_id=row.element_id)
    wanted = row.mapping
    fields = {
        "kind": wanted["kind"],
        "logical_map": wanted["logical_map"],
        "transformation_rule": wanted["transformation_rule"],
        "owner": resolver.users.get(wanted["owner"]) if wanted["owner"] else None,
        "comments": wanted["comments"],
    }
    targets = [resolver.properties[t] for t in wanted["targets"]]
    current_targets = set(mapping.targets.values_list("pk", flat=True))
    changed_columns = [k for k, v in fields.items() if getattr(mapping, k) != v]
    if {t.pk for t in targets} != current_targets:
        changed_columns.append("targets")
    status_changed = wanted["status"] != mapping.status
    if changed_columns:
        columns = ", ".join(changed_columns)
        if mapping.status == MappingStatus.APPROVED:
            errors.append(
                f"{row.where}, column {columns}: the mapping of {row.element!r} is approved; "
                "start a new review before changing it."
            )
            return False
        edit = {"mapping": mapping, "user": user, "targets": targets, **fields}
        if not _written(row, columns, errors, update_mapping, **edit):
            return False
        update_change_reason(mapping, reason)
    if status_changed and not _change_status(mapping, row, user, errors):
        return False
    return bool(changed_columns) or status_changed


def _change_status(mapping: ElementMapping, row: SpecRow, user, errors: list) -> bool:
    """Move the row to the file's status with the review services; an import never approves."""
    wanted = row.mapping["status"]
    if wanted == MappingStatus.APPROVED:
        errors.append(
            f"{row.where}, column status: an import cannot approve the mapping of "
            f"{row.element!r} (it is {mapping.get_status_display().lower()}); submit it for "
            "review and have someone other than its author approve it on its page."
        )
        return False
    try:
        transition = transition_to(mapping, wanted)
    except ValidationError as exc:
        errors.extend(f"{row.where}, column status: {m}" for m in exc.messages)
        return False
    step = {"mapping": mapping, "transition": transition, "user": user}
    return _written(row, "status", errors, transition_mapping, **step)


def _written(row: SpecRow, column: str, errors: list, service, **kwargs) -> bool:
    """Call a mapping service; its refusal becomes an error naming the row and column."""
    try:
        service(**kwargs)
    except (ValidationError, PermissionDenied) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        errors.extend(f"{row.where}, column {column}: {m}" for m in messages)
        return False
    return True


def _apply_descriptor_rows(plan, parsed, resolver: _Resolver, code_sets: dict, user, errors) -> int:
    """Codes, code set descriptors and descriptor mappings; returns mappings created or changed."""
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
        if not row.descriptor:
            continue
        value = resolver.values.get((row.descriptor, row.code_value))
        descriptor = value.descriptor if value else descriptors.get(row.descriptor)
        if descriptor is None:
            descriptor = plan.data_standard_version.descriptors.filter(name=row.descriptor).first()
            descriptors[row.descriptor] = descriptor
        if descriptor and code_set.descriptor_id != descriptor.pk:
            code_set.descriptor = descriptor
            code_set.save(update_fields=["descriptor"])
        if value:
            try:
                _, changed = map_state_code(state_code=code, descriptor_value=value, user=user)
            except ValidationError as exc:
                errors.extend(
                    f"{row.where}, column code_value: the mapping of code {row.code!r}: {m}"
                    for m in exc.messages
                )
                continue
            count += changed
    return count


IMPORT_JOB_KIND = "mapping_spec_import"


def start_spec_import(*, plan: MappingPlan, user, upload) -> Job:
    """Keep an uploaded specification privately and queue its import into ``plan`` as a job.

    For files above ``IMPORT_BACKGROUND_ABOVE_BYTES``; the job runs :func:`import_state_spec`
    (all or nothing) as ``user`` and removes the stored file when it ends.
    """
    check_import_size(file_name=upload.name, size=upload.size)
    path = keep_import_file(upload=upload)
    return queue_spec_import(
        plan=plan, user=user, path=path, file_name=upload.name, size=upload.size
    )


def queue_spec_import(
    *, plan: MappingPlan, user, path: str, file_name: str, size: int, column_map=None
) -> Job:
    """Queue the import of a file already kept with ``keep_import_file`` (which the job
    removes when it ends), read through ``column_map`` when it is the team's own layout."""
    parameters = {"plan": plan.pk, "file_name": file_name, "path": path, "size": size}
    if column_map is not None:
        parameters["column_map"] = column_map.as_dict()
    return enqueue_job(kind=IMPORT_JOB_KIND, user=user, parameters=parameters)
