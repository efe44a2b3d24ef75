"""Optimistic concurrency: a save names the version it started from and is refused if stale.

An object's version is ``<latest history id>.<hash of its stored field values>``. The hash
decides (any write path changes it, with or without history); the history id says what the
editor opened, so a refusal can name who changed the object since and what they changed
(django-simple-history's ``diff_against``). No column is added to any table.

Pages carry the version in a hidden form field, the API in ``ETag`` / ``If-Match``. The check
runs inside the save's transaction on the row locked with ``SELECT … FOR UPDATE``, so of two
concurrent saves from the same version only the first passes.
"""

from __future__ import annotations

import hashlib
import json

from django.db import models

FORM_FIELD = "_version"


class StaleVersion(Exception):
    """The object changed since the version the editor started from."""

    def __init__(self, message: str, current_version: str):
        super().__init__(message)
        self.message = message
        self.current_version = current_version


def version_of(obj: models.Model) -> str:
    """The object's version as stored now (an ETag value without quotes)."""
    history = getattr(obj, "history", None)
    latest = None
    if history is not None:
        latest = history.order_by("-history_id").values_list("history_id", flat=True).first()
    return f"{latest or 0}.{_values_digest(obj)}"


def versions_of(objects: list[models.Model]) -> dict[int, str]:
    """``version_of`` of several objects of one model just read from the database, by pk,
    with one query for all their latest history ids (a page of rows costs one query)."""
    if not objects:
        return {}
    model = type(objects[0])
    latest: dict[int, int] = {}
    history = getattr(model, "history", None)
    if history is not None:
        rows = (
            history.filter(id__in=[obj.pk for obj in objects])
            .order_by()
            .values("id")
            .annotate(latest=models.Max("history_id"))
            .values_list("id", "latest")
        )
        latest = dict(rows)
    return {obj.pk: f"{latest.get(obj.pk) or 0}.{_values_digest(obj)}" for obj in objects}


def _values_digest(obj: models.Model) -> str:
    values = [(field.attname, field.value_to_string(obj)) for field in obj._meta.concrete_fields]
    return hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()[:DIGEST_LENGTH]


def lock_and_check(obj: models.Model, expected: str | None) -> models.Model:
    """Lock the object's row for this transaction and raise StaleVersion when ``expected``
    (a version the editor read) is no longer current. Call inside ``transaction.atomic``.
    """
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    check_current(current, expected)
    return current


def check_current(current: models.Model, expected: str | None) -> None:
    """Raise StaleVersion when ``expected`` is no longer the version of ``current`` (as just
    read). Without a lock: a preview says so early; the save still uses lock_and_check."""
    if not expected:
        return
    version = version_of(current)
    if _digest(version) != _digest(expected):
        raise StaleVersion(changed_since(current, expected), version)


def if_match_version(header: str | None) -> str | None:
    """The version an ``If-Match`` header names (its first tag), None when absent or ``*``."""
    tags = [tag.strip().removeprefix("W/").strip('"') for tag in (header or "").split(",")]
    tags = [tag for tag in tags if tag]
    return tags[0] if tags and tags[0] != "*" else None


def matches_if_match(header: str, version: str) -> bool:
    """Whether an ``If-Match`` header names ``version`` (or is ``*``)."""
    tags = {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")}
    return "*" in tags or any(_digest(tag) == _digest(version) for tag in tags)


def changed_since(current: models.Model, opened: str) -> str:
    """``"Ana Ruiz changed this LEA since you opened it: Name: “A” → “B”."``"""
    noun = current._meta.verbose_name
    history = getattr(current, "history", None)
    if history is None:
        return f"Someone changed this {noun} since you opened it."
    opened_id = _history_id(opened)
    newer = list(history.filter(history_id__gt=opened_id).order_by("history_id"))
    names = []
    for record in newer:
        user = record.history_user
        name = (user.get_full_name() or user.get_username()) if user else "Someone"
        if name not in names:
            names.append(name)
    who = " and ".join(names) if names else "Someone"
    base = history.filter(history_id=opened_id).first()
    changes = _changes(newer[-1], base) if newer and base else []
    what = f": {'; '.join(changes)}" if changes else ""
    return f"{who} changed this {noun} since you opened it{what}."


def _changes(new_record, old_record) -> list[str]:
    model = new_record.instance_type
    lines = []
    for change in new_record.diff_against(old_record).changes:
        try:
            label = str(model._meta.get_field(change.field).verbose_name)
        except Exception:  # a history-only field
            label = change.field
        lines.append(f"{label.capitalize()}: “{_shown(change.old)}” → “{_shown(change.new)}”")
    return lines


def _shown(value) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 80 else text[:77] + "…"


DIGEST_LENGTH = 16


def _digest(version: str) -> str:
    # A view may append its own validator characters (e.g. today's date) after the digest.
    return version.rpartition(".")[2][:DIGEST_LENGTH]


def _history_id(version: str) -> int:
    head = version.partition(".")[0]
    return int(head) if head.isdigit() else 0
