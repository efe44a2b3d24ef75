"""Single-object writes on the state data model that must keep related rows in step."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from mapping.models import DescriptorMapping, ElementMapping, StateElement
from mapping.services.mappings import check_editable


@transaction.atomic
def create_element(**fields) -> StateElement:
    """A new state element starts with a draft mapping of kind "not mapped yet"."""
    element = StateElement.objects.create(**fields)
    ElementMapping.objects.create(element=element)
    return element


@transaction.atomic
def map_state_code(*, state_code, descriptor_value, notes: str = "") -> DescriptorMapping:
    """Map (or re-map) a state code to a descriptor value of the plan's Data Standard."""
    version = state_code.code_set.plan.data_standard_version
    if descriptor_value.descriptor.version_id != version.pk:
        raise ValidationError(
            f"{descriptor_value} is not in the targeted Data Standard {version.version}."
        )
    current = DescriptorMapping.objects.filter(state_code=state_code).first()
    if current and current.descriptor_value_id != descriptor_value.pk:
        check_editable(current)
    mapping, _ = DescriptorMapping.objects.update_or_create(
        state_code=state_code, defaults={"descriptor_value": descriptor_value, "notes": notes}
    )
    return mapping
