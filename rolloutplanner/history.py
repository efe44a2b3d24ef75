"""Reads of django-simple-history records shared by the History page and exports."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, models
from django.utils import timezone
from django.utils.text import capfirst

from rolloutplanner.display import field_value


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: object
    new: object


def field_label(model: type[models.Model], name: str) -> str:
    try:
        return capfirst(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a field that no longer exists still shows its name
        return name


def changes_between(older, newer) -> list[FieldChange]:
    """Field-by-field differences between two historical records of one object."""
    if older is None:
        return []
    delta = newer.diff_against(older)
    model = newer.instance_type
    return [
        FieldChange(
            field=field_label(model, change.field),
            old=field_value(model, change.field, change.old),
            new=field_value(model, change.field, change.new),
        )
        for change in delta.changes
    ]


def history_with_changes(obj) -> list[tuple[object, list[FieldChange]]]:
    """Every version of ``obj``, newest first, each with what changed from the one before."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-pk"))
    return [
        (record, changes_between(records[i + 1] if i + 1 < len(records) else None, record))
        for i, record in enumerate(records)
    ]


def record_changes_in_sql(cursor, model: type[models.Model], ids: list, reason: str) -> None:
    """A history record ("changed", by no user) for each row ``ids`` of ``model``, written by one
    INSERT … SELECT: what ``bulk_history_create`` writes, without loading the rows into Python
    (a run carries triage to thousands of groups at once)."""
    history = model.history.model
    name = connection.ops.quote_name
    tracked = [f.column for f in history._meta.concrete_fields if not f.name.startswith("history_")]
    columns = ", ".join(name(c) for c in tracked)
    cursor.execute(
        f"INSERT INTO {name(history._meta.db_table)} "
        f"({columns}, history_date, history_change_reason, history_type, history_user_id) "
        f"SELECT {columns}, %s, %s, '~', NULL FROM {name(model._meta.db_table)} "
        f"WHERE {name(model._meta.pk.column)} = ANY(%s)",
        [timezone.now(), reason[:100], list(ids)],
    )
