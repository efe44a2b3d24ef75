"""The collection grid: many mapping rows edited at once, through the one mapping service.

A save applies every changed row (kind, targets, rule, owner, status) with the same rules as
the mapping's own page, checks each row against the version the editor opened, and is all or
nothing: one refused row saves no row, and every refusal is named by row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from mapping.models import EdFiProperty, ElementMapping, MappingStatus
from mapping.services.mappings import transition_mapping, transition_to, update_mapping
from rolloutplanner.permissions import CHANGE
from rolloutplanner.review import SelfApprovalRefused
from rolloutplanner.versioning import StaleVersion, lock_and_check


@dataclass
class RowEdit:
    """What the editor left in one row, and the version of the mapping it started from."""

    mapping_id: int
    version: str
    kind: str
    target_paths: list[str]
    transformation_rule: str
    owner: object | None  # a user, or None for no owner
    status: str


@dataclass
class GridRefused(Exception):
    """Rows that could not be saved (nothing was): mapping id → reasons."""

    errors: dict[int, list[str]] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{len(self.errors)} rows refused"


def find_properties(*, version, paths: Iterable[str]) -> tuple[list[EdFiProperty], list[str]]:
    """The properties named ``Resource.Path`` in ``version`` (in the order named, one query for
    them all), and the names not found there."""
    wanted = [path.strip() for path in paths if path.strip()]
    pairs = [name.partition(".")[::2] for name in wanted]
    if not pairs:
        return [], []
    matching = Q()
    for resource, prop in pairs:
        matching |= Q(resource__name=resource, path=prop)
    found = {
        f"{p.resource.name}.{p.path}": p
        for p in EdFiProperty.objects.filter(matching, resource__version=version).select_related(
            "resource", "descriptor"
        )
    }
    return [found[n] for n in wanted if n in found], [n for n in wanted if n not in found]


def save_grid(*, collection, user, edits: list[RowEdit]) -> int:
    """Apply the rows that changed; returns how many. Raises GridRefused naming every refused
    row, after which nothing is saved."""
    errors: dict[int, list[str]] = {}
    changed = 0
    allowed = ElementMapping.objects.restrict(user, CHANGE).filter(element__collection=collection)
    with transaction.atomic():
        rows = allowed.in_bulk([edit.mapping_id for edit in edits])
        for edit in edits:
            mapping = rows.get(edit.mapping_id)
            if mapping is None:
                errors[edit.mapping_id] = ["You may not change this mapping."]
                continue
            try:
                changed += _apply(mapping, edit, user, collection.plan.data_standard_version)
            except (ValidationError, SelfApprovalRefused) as exc:
                errors[edit.mapping_id] = list(getattr(exc, "messages", [str(exc)]))
            except StaleVersion as exc:
                errors[edit.mapping_id] = [exc.message]
        if errors:
            raise GridRefused(errors)  # leaving the block rolls back every row
    return changed


def _apply(mapping: ElementMapping, edit: RowEdit, user, version) -> bool:
    mapping = lock_and_check(mapping, edit.version)
    targets, unknown = find_properties(version=version, paths=edit.target_paths)
    if unknown:
        raise ValidationError(
            f"Not in Ed-Fi Data Standard {version.version}: {', '.join(unknown)}."
        )
    owner_id = edit.owner.pk if edit.owner else None
    edited = (
        mapping.kind != edit.kind
        or mapping.transformation_rule != edit.transformation_rule
        or mapping.owner_id != owner_id
        or set(targets) != set(mapping.targets.all())
    )
    moves = edit.status != mapping.status
    if not edited and not moves:
        return False
    # An approved row changes only through a new review: reopen it before the edit.
    reopen_first = moves and mapping.status == MappingStatus.APPROVED
    if reopen_first:
        mapping = _move(mapping, edit.status, user)
    if edited:
        update_mapping(
            mapping=mapping,
            user=user,
            targets=targets,
            kind=edit.kind,
            transformation_rule=edit.transformation_rule,
            owner=edit.owner,
        )
    if moves and not reopen_first:
        _move(mapping, edit.status, user)
    return True


def _move(mapping: ElementMapping, status: str, user) -> ElementMapping:
    return transition_mapping(mapping=mapping, transition=transition_to(mapping, status), user=user)
