"""Descriptor code value → state/EDFacts code, per compared field.

Today the report definition carries its crosswalk (data, admin-editable). When the collection's
approved mappings exist (the mapping app's descriptor mappings), they take precedence: that is
the one seam, :func:`approved_mappings`, to connect.
"""

from __future__ import annotations


def approved_mappings(*, cycle) -> dict[str, dict[str, str]]:
    """Approved descriptor mappings for the cycle, ``{field: {code value (lower): code}}``.

    The mapping app (descriptor and element mappings) is not part of this code base yet; until
    it is, nothing overrides the definition's crosswalk.
    """
    return {}


def crosswalk_for(*, cycle) -> dict[str, dict[str, str]]:
    """The crosswalk a run of ``cycle`` uses: the definition's, overridden by approved mappings."""
    result: dict[str, dict[str, str]] = {}
    for entry in cycle.report_definition.crosswalk:
        result.setdefault(entry["field"], {})[entry["edfi_code_value"].lower()] = entry["code"]
    for field, values in approved_mappings(cycle=cycle).items():
        result.setdefault(field, {}).update({k.lower(): v for k, v in values.items()})
    return result
