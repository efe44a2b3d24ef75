from django import template
from django.db import models

from rolloutplanner.display import readable, readable_duration

register = template.Library()


@register.filter
def attr(obj, name: str):
    """``{{ obj|attr:"status" }}``: an attribute as people read it, called if callable; "" if
    None. A choice field shows its label, a boolean Yes/No, a duration in words."""
    if name == "__str__":
        return str(obj)
    value = obj
    for part in name.split("."):
        owner, value = value, getattr(value, part, None)
        if callable(value):
            value = value()
        if value is None:
            return ""
    if isinstance(owner, models.Model) and _has_choices(owner, part):
        return getattr(owner, f"get_{part}_display")()
    return readable(value)


def _has_choices(obj: models.Model, name: str) -> bool:
    try:
        return bool(obj._meta.get_field(name).choices)
    except Exception:  # noqa: BLE001 - a property or method, not a field
        return False


@register.filter
def duration(value) -> str:
    """``{{ job.duration|duration }}``: ``0.1 s``, ``2 min 5 s``."""
    return readable_duration(value)
