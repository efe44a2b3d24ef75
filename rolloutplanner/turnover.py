"""Turnover reported by other apps beside the LEA people (``leas.selectors.turnover``).

The turnover page belongs to ``leas``; people kept elsewhere (the planning stakeholders in
``usecases``) are listed by a source that app registers in its own ``turnover.py`` with
:func:`turnover_source`, so ``leas`` imports no app that imports it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class TurnoverEntry:
    name: str
    organisation: str
    change: str
    on: datetime.date
    url: str = ""


@dataclass(frozen=True)
class TurnoverSection:
    key: str
    title: str
    entries: tuple[TurnoverEntry, ...]


_SOURCES: dict[str, tuple[str, Callable]] = {}
_discovered = False


def turnover_source(key: str, *, title: str):
    """Register ``build(user, since, today) -> list[TurnoverEntry]`` as a turnover section."""

    def register(build):
        _SOURCES[key] = (title, build)
        return build

    return register


def turnover_sections(*, user, since: datetime.date, today: datetime.date) -> list[TurnoverSection]:
    """Every registered source's entries for the window, each read as ``user`` may see."""
    global _discovered
    if not _discovered:
        autodiscover_modules("turnover")
        _discovered = True
    return [
        TurnoverSection(key=key, title=title, entries=tuple(build(user, since, today)))
        for key, (title, build) in sorted(_SOURCES.items())
    ]
