"""What a refused delete tells the user: which rows still use the object.

PostgreSQL and Django refuse to delete a row that a ``PROTECT`` or ``RESTRICT`` foreign key
still points at (``ProtectedError`` / ``RestrictedError``). Pages and the API both say so in
the same sentence, built here.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Model, ProtectedError, RestrictedError

# Names shown per kind of referring row; the count is always given in full.
_NAMES_SHOWN = 3


def still_used_by(exc: ProtectedError | RestrictedError, obj: Model | None = None) -> str:
    """``"<obj> is still used by 2 API credentials (a, b); …"`` for a refused delete."""
    referring = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
    by_model: dict[type[Model], list[Model]] = defaultdict(list)
    for row in referring:
        by_model[type(row)].append(row)
    parts = []
    for model, rows in sorted(by_model.items(), key=lambda item: item[0]._meta.verbose_name):
        meta = model._meta
        noun = meta.verbose_name if len(rows) == 1 else meta.verbose_name_plural
        names = sorted(str(row) for row in rows)
        shown = ", ".join(names[:_NAMES_SHOWN]) + (", …" if len(names) > _NAMES_SHOWN else "")
        parts.append(f"{len(rows)} {noun} ({shown})")
    subject = f"{obj._meta.verbose_name.capitalize()} “{obj}”" if obj is not None else "It"
    if not parts:
        return f"{subject} is still in use and cannot be deleted."
    return (
        f"{subject} cannot be deleted: it is still used by {'; '.join(parts)}. "
        "Delete or change those first."
    )
