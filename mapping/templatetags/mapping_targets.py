"""Template filters for mapping pages."""

from django import template

from mapping.services.targets import describe_target

register = template.Library()


@register.filter
def target_summary(mapping) -> str:
    """The mapping's target in words ("Immigrant is present in …")."""
    return describe_target(mapping)
