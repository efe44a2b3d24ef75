"""The leadership dashboard's registry: a list of panels, each one chart with its text
alternative.

Panels are functions ``(user) -> BarChart | None`` registered with :func:`dashboard_panel`
in ``<app>/dashboard_panels.py`` (discovered on first use, like the home tiles of
:mod:`rolloutplanner.home`); a panel returning None is left out (e.g. no mapping runs yet).
Every panel reads through ``restrict(user)``. The platform imports no domain app here.

Panel order: 10–30 the plan (timeline), 35–41 LEA readiness and strata (leas/), 45 mapping
coverage (mapping/), 47 the parallel-year match-rate trend (parallel/, None until a comparison
has run), 50–55 vendors and credentials (vendors/), 60 recent changes (timeline). The PDF
export renders the same list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

from rolloutplanner.charts import BarChart


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    build: Callable


_PANELS: dict[str, Panel] = {}
_discovered = False


def dashboard_panel(key: str, order: int = 100):
    """Register ``build(user) -> BarChart | None`` as a dashboard panel."""

    def register(build):
        _PANELS[key] = Panel(key=key, order=order, build=build)
        return build

    return register


def dashboard_charts(user) -> list[BarChart]:
    """The charts ``user`` sees, in panel order."""
    global _discovered
    if not _discovered:
        autodiscover_modules("dashboard_panels")
        _discovered = True
    charts = []
    with rendering():
        for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
            chart = panel.build(user)
            if chart is not None:
                charts.append(chart)
    return charts


# What several panels of one page need (the plan's fingerprint) is computed once per page;
# outside a page being rendered, every call computes it afresh, so nothing goes stale.
_memo: ContextVar[dict | None] = ContextVar("dashboard_rendering_memo", default=None)


@contextmanager
def rendering() -> Iterator[None]:
    """The scope of one page's panels or tiles, for :func:`once_per_rendering`."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def once_per_rendering(key: str, compute: Callable[[], object]):
    """``compute()``, once per :func:`rendering` scope (every time outside one)."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]
