"""Data Standard versions kept apart: a plan names, maps to and offers only its own version.

Several Data Standard versions live side by side in the catalog. Whatever a plan points at (a
mapping's target properties, a code set's descriptor, a descriptor mapping's value, a lineage
step's resource) must come from the plan's version; anything else is refused here, so the page,
the API, the spreadsheet import and the bulk actions all give the same clear error.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from mapping.models import (
    DataStandardVersion,
    Descriptor,
    DescriptorMapping,
    DescriptorValue,
    EdFiProperty,
    EdFiResource,
    LineageAssignment,
    MappingPlan,
    StateCodeSet,
)


def version_of(item) -> DataStandardVersion:
    """The Data Standard version a catalog row belongs to."""
    if isinstance(item, EdFiProperty):
        return item.resource.version
    if isinstance(item, DescriptorValue):
        return item.descriptor.version
    if isinstance(item, EdFiResource | Descriptor):
        return item.version
    raise TypeError(f"{type(item).__name__} is not an Ed-Fi catalog row")


def _version_id(item) -> int:
    if isinstance(item, EdFiProperty):
        return item.resource.version_id
    if isinstance(item, DescriptorValue):
        return item.descriptor.version_id
    return item.version_id


def other_version_problems(*, version, items: Iterable) -> list[str]:
    """One message per catalog row of ``items`` that is not in ``version`` (empty: all fine)."""
    problems = []
    for item in items:
        if item is None or _version_id(item) == version.pk:
            continue
        problems.append(
            f"{item} is in Ed-Fi Data Standard {version_of(item).version}, not in the targeted "
            f"Data Standard {version.version} of the plan: choose one of {version.version}."
        )
    return problems


def check_same_version(*, version, items: Iterable) -> None:
    """Refuse catalog rows from another Data Standard version than ``version``."""
    problems = other_version_problems(version=version, items=items)
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def save_code_set(*, code_set: StateCodeSet) -> StateCodeSet:
    """Save a state code set; its Ed-Fi descriptor must be of the plan's Data Standard."""
    problems = other_version_problems(
        version=code_set.plan.data_standard_version, items=[code_set.descriptor]
    )
    if problems:
        raise ValidationError({"descriptor": problems})
    code_set.save()
    return code_set


@transaction.atomic
def save_lineage_assignment(*, assignment: LineageAssignment) -> LineageAssignment:
    """Save a lineage step; its resource must be of the plan's Data Standard."""
    problems = other_version_problems(
        version=assignment.plan.data_standard_version, items=[assignment.resource]
    )
    if problems:
        raise ValidationError({"resource": problems})
    assignment.save()
    return assignment


def plan_version_change_problems(*, plan: MappingPlan, version) -> list[str]:
    """Why ``plan`` cannot move to ``version`` as it stands (empty: it can).

    A plan whose mappings, code sets or lineage point at its current version would point at
    another version's rows after the move; run the upgrade impact and re-map instead.
    """
    if not plan.pk or version is None:
        return []
    current = MappingPlan.objects.get(pk=plan.pk).data_standard_version
    if current.pk == version.pk:
        return []
    used = {
        "mapping targets": EdFiProperty.objects.filter(
            mappings__element__collection__plan=plan
        ).exists(),
        "code set descriptors": plan.code_sets.filter(descriptor__isnull=False).exists(),
        "descriptor mappings": DescriptorMapping.objects.filter(
            state_code__code_set__plan=plan
        ).exists(),
        "lineage steps": plan.lineage.exists(),
    }
    in_use = [name for name, found in used.items() if found]
    if not in_use:
        return []
    return [
        f"The plan's {', '.join(in_use)} use Data Standard {current.version}: run the upgrade "
        f"impact for {version.version} and start a plan on that version instead."
    ]


@transaction.atomic
def save_plan(*, plan: MappingPlan) -> MappingPlan:
    """Save a mapping plan; its Data Standard changes only while nothing points at the old one."""
    problems = plan_version_change_problems(plan=plan, version=plan.data_standard_version)
    if problems:
        raise ValidationError({"data_standard_version": problems})
    plan.save()
    return plan
