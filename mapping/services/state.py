"""Single-object writes on the state data model that must keep related rows in step."""

from __future__ import annotations

from django.db import transaction

from mapping.models import DescriptorMapping, ElementMapping, StateElement
from mapping.services.mappings import record_review_author, take_review_state
from mapping.services.versions import check_same_version


@transaction.atomic
def create_element(**fields) -> StateElement:
    """A new state element starts with a draft mapping of kind "not mapped yet"."""
    element = StateElement.objects.create(**fields)
    ElementMapping.objects.create(element=element)
    return element


@transaction.atomic
def map_state_code(
    *, state_code, descriptor_value, user=None, notes: str | None = None
) -> tuple[DescriptorMapping, bool]:
    """Map (or re-map) a state code to a descriptor value of the plan's Data Standard.

    Returns the mapping and whether it was created or changed. An approved mapping changes
    only through a new review; a change while in review makes ``user`` its author.
    ``notes=None`` keeps the current notes.
    """
    check_same_version(
        version=state_code.code_set.plan.data_standard_version, items=[descriptor_value]
    )
    mapping = DescriptorMapping.objects.select_for_update().filter(state_code=state_code).first()
    if mapping is None:
        mapping = DescriptorMapping.objects.create(
            state_code=state_code, descriptor_value=descriptor_value, notes=notes or ""
        )
        return mapping, True
    changed = mapping.descriptor_value_id != descriptor_value.pk or (
        notes is not None and notes != mapping.notes
    )
    if changed:
        update_descriptor_mapping(
            mapping=mapping,
            user=user,
            descriptor_value=descriptor_value,
            notes=mapping.notes if notes is None else notes,
        )
    return mapping, changed


@transaction.atomic
def update_descriptor_mapping(*, mapping: DescriptorMapping, user, **fields) -> DescriptorMapping:
    """Change an unapproved descriptor mapping (state code, descriptor value, notes); the value
    must be of the plan's Data Standard."""
    take_review_state(mapping)
    for name, value in fields.items():
        setattr(mapping, name, value)
    check_same_version(
        version=mapping.state_code.code_set.plan.data_standard_version,
        items=[mapping.descriptor_value],
    )
    record_review_author(mapping, user)
    mapping.save()
    return mapping
