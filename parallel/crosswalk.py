"""Descriptor code value → state/EDFacts code, per compared field.

The report definition carries a crosswalk (data, edited with the definition). When the cycle
names a mapping plan, that plan's approved descriptor mappings (state code → Ed-Fi descriptor
value, kept by the SEA team in the mapping app) take precedence, and may be the only codes of a
field: :func:`approved_mappings` is the one seam.
"""

from __future__ import annotations

from collections import defaultdict

from parallel.definitions import edfi_source_of
from parallel.engine.vocabulary import field_descriptors


def approved_mappings(*, cycle) -> dict[str, dict[str, str]]:
    """The plan's approved descriptor mappings as ``{field: {Ed-Fi code value (lower): code}}``."""
    return {
        field: {value: code for value, (code, _) in values.items()}
        for field, values in approved_mapping_entries(cycle=cycle).items()
    }


def approved_mapping_entries(*, cycle) -> dict[str, dict[str, tuple[str, str]]]:
    """``{field: {Ed-Fi code value (lower): (code, "mapping:<id>")}}`` of the plan's approved
    descriptor mappings.

    A field uses the code sets mapped onto its descriptor (the one its Ed-Fi source reads, and
    the one its crosswalk rows name), with or without crosswalk rows of its own. Several state
    codes may roll up to one Ed-Fi value; such a value cannot be turned back into one code, so
    it is left to the crosswalk.
    """
    if not cycle.mapping_plan_id:
        return {}
    from mapping.models import DescriptorMapping, MappingStatus

    fields_of = fields_by_descriptor(cycle.report_definition)
    codes: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    rows = DescriptorMapping.objects.filter(
        status=MappingStatus.APPROVED,
        state_code__code_set__plan_id=cycle.mapping_plan_id,
        descriptor_value__descriptor__name__in=list(fields_of),
    ).values_list("descriptor_value__descriptor__name", "descriptor_value__code_value",
                  "state_code__code", "pk").order_by("pk")  # fmt: skip
    for descriptor, value, code, pk in rows:
        codes[(descriptor, value.lower())].setdefault(code, pk)
    result: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    for (descriptor, value), found in codes.items():
        if len(found) == 1:
            ((code, pk),) = found.items()
            for field in fields_of[descriptor]:
                result[field][value] = (code, f"mapping:{pk}")
    return dict(result)


def fields_by_descriptor(definition) -> dict[str, set[str]]:
    """``{descriptor: {field}}``: the fields whose codes each descriptor's values give."""
    fields_of: dict[str, set[str]] = defaultdict(set)
    for field, descriptor in field_descriptors(edfi_source_of(definition)).items():
        fields_of[descriptor].add(field)
    for entry in definition.crosswalk:
        fields_of[entry["descriptor"]].add(entry["field"])
    return fields_of


def crosswalk_for(*, cycle) -> dict[str, dict[str, str]]:
    """The crosswalk a run of ``cycle`` uses: the definition's, overridden by approved mappings."""
    return {
        field: {value: code for value, (code, _) in values.items()}
        for field, values in crosswalk_entries(cycle=cycle).items()
    }


def crosswalk_entries(*, cycle) -> dict[str, dict[str, tuple[str, str]]]:
    """``{field: {Ed-Fi code value (lower): (code, entry)}}``: the entry that gives each code is
    ``crosswalk:<n>`` (the n-th row of the definition's crosswalk, from 1) or ``mapping:<id>``
    (an approved descriptor mapping of the cycle's plan)."""
    result: dict[str, dict[str, tuple[str, str]]] = {}
    for number, entry in enumerate(cycle.report_definition.crosswalk, start=1):
        result.setdefault(entry["field"], {})[entry["edfi_code_value"].lower()] = (
            entry["code"],
            f"crosswalk:{number}",
        )
    for field, values in approved_mapping_entries(cycle=cycle).items():
        result.setdefault(field, {}).update({k.lower(): v for k, v in values.items()})
    return result


def known_descriptor_values(*, cycle) -> dict[str, set[str]]:
    """``{descriptor: {code value (lower)}}`` a run accepts, for descriptors the catalog holds.

    The Ed-Fi catalog's values (of the cycle's mapping plan's Data Standard version, or of every
    version loaded) plus the state's own: the values its crosswalk and mappings name. A
    descriptor the catalog does not hold is not checked (nothing says what is valid).
    """
    from mapping.models import DescriptorValue

    values = DescriptorValue.objects.all()
    if cycle.mapping_plan_id:
        values = values.filter(descriptor__version=cycle.mapping_plan.data_standard_version_id)
    known: dict[str, set[str]] = defaultdict(set)
    for descriptor, code in values.values_list("descriptor__name", "code_value"):
        known[descriptor].add(code.lower())
    state: dict[str, set[str]] = defaultdict(set)
    for entry in cycle.report_definition.crosswalk:
        state[entry["descriptor"]].add(entry["edfi_code_value"].lower())
    mapped = approved_mappings(cycle=cycle)
    for descriptor, fields in fields_by_descriptor(cycle.report_definition).items():
        for field in fields:
            state[descriptor].update(mapped.get(field, {}))
    return {descriptor: codes | state[descriptor] for descriptor, codes in known.items()}
