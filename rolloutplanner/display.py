"""Values as people read them: labels of choices, Yes/No, readable durations, related names.

One place for pages, history and exports meant for people, so that a stored value (``True``,
``very_high``, ``0:00:00.091793``, a foreign key's id) is never shown raw.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models


def readable_duration(value: timedelta | float | None) -> str:
    """``0.1 s``, ``12 s``, ``2 min 5 s``, ``1 h 3 min`` (seconds may be given as a number)."""
    if value is None:
        return ""
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


def readable(value) -> object:
    """A plain value for people: Yes/No for booleans, a duration for a timedelta."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, timedelta):
        return readable_duration(value)
    return value


def field_value(model: type[models.Model], name: str, value) -> object:
    """A stored value of ``model.name`` (as history keeps it) as people read it.

    Choices show their label, booleans Yes/No, foreign keys the related object's name, or
    ``#id (deleted)`` when it no longer exists.
    """
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field that no longer exists shows its stored value
        return readable(value)
    if value is None or value == "":
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation and field.many_to_one:
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value} (deleted)"
    return readable(value)
