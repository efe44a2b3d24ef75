"""Reads that compose several models for the mapping pages."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count

from mapping.models import EdFiResource, StateCode


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
