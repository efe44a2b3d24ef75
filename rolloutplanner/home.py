"""Each role's home page: tiles that the apps register, composed for the user's role.

An app registers a tile builder in its ``dashboard_panels.py`` (the same modules that register
the leadership dashboard's charts) with :func:`home_tile`, naming the roles whose home shows
it. A builder is ``build(user) -> Tile | None`` (None leaves the tile out, e.g. no run yet)
and reads only through ``restrict(user)``. The same modules register the small tables of what
the user may see (:func:`home_breakdown`) and, per role, the one organisation a scoped user's
home is about (:func:`home_organisation`). Every count on a tile is paired with the link to
the list behind it, counted with that list's own FilterSet (:func:`filtered_count`), so the
number on the tile is the number of rows the link shows.

The platform imports no domain app here: it discovers the registering modules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import urlencode

from django.db.models import Count
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.module_loading import autodiscover_modules

from rolloutplanner.dashboard import rendering
from rolloutplanner.roles import Role, role_of

SEA_HOME = frozenset({Role.SEA_TEAM, Role.ADMINISTRATOR})
LEADERSHIP_HOME = frozenset({Role.LEADERSHIP})
LEA_HOME = frozenset({Role.LEA_COORDINATOR})
VENDOR_HOME = frozenset({Role.VENDOR_CONTACT})


@dataclass(frozen=True)
class TileCount:
    """One number on a tile and the filtered list that shows exactly those rows."""

    label: str
    count: int
    url: str


@dataclass(frozen=True)
class TileEntry:
    """A named row on a tile (a milestone, a follow-up) with its page and a short note."""

    label: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class HeatCell:
    text: str
    level: str  # none / low / mid / high / done: a CSS class and the words beside it
    url: str
    count: int


@dataclass(frozen=True)
class HeatMap:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[HeatCell, ...]], ...]
    row_urls: tuple[str, ...] = ()  # each row's label links here (e.g. the filtered matrix)

    @property
    def linked_rows(self) -> list[tuple[str, str, tuple[HeatCell, ...]]]:
        urls = self.row_urls or ("",) * len(self.rows)
        return [(label, url, cells) for (label, cells), url in zip(self.rows, urls, strict=True)]


@dataclass(frozen=True)
class Tile:
    key: str
    title: str
    summary: str = ""
    counts: tuple[TileCount, ...] = ()
    entries: tuple[TileEntry, ...] = ()
    heat_map: HeatMap | None = None
    more_url: str = ""
    more_label: str = ""


@dataclass(frozen=True)
class _Registration:
    key: str
    order: int
    roles: frozenset
    build: Callable = field(compare=False)


_TILES: dict[str, _Registration] = {}
_discovered = False


def home_tile(key: str, *, order: int, roles: Iterable[str]):
    """Register ``build(user) -> Tile | None`` on the home page of ``roles``."""

    def register(build):
        _TILES[key] = _Registration(key=key, order=order, roles=frozenset(roles), build=build)
        return build

    return register


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("dashboard_panels")
        _discovered = True


def home_tiles(user) -> list[Tile]:
    """The tiles of ``user``'s role, in order; a tile whose builder returns None is left out."""
    _discover()
    role = role_of(user)
    tiles = []
    with rendering():  # what several tiles need (the plan's fingerprint) is computed once
        for registration in sorted(_TILES.values(), key=lambda r: (r.order, r.key)):
            if role in registration.roles:
                tile = registration.build(user)
                if tile is not None:
                    tiles.append(tile)
    return tiles


@dataclass(frozen=True)
class Breakdown:
    """How many rows of one list the user may see, split by one field: a table on the home
    page of the roles that have no dashboard."""

    key: str
    title: str  # "LEAs by urbanicity"
    total_label: str  # "3 LEAs": the link to the list it counts
    url: str
    rows: tuple[tuple[str, int], ...]


_BREAKDOWNS: dict[str, _Registration] = {}
_ORGANISATIONS: dict[str, Callable] = {}


def home_breakdown(key: str, *, order: int):
    """Register ``build(user) -> Breakdown | None`` on the home page (not leadership's)."""

    def register(build):
        _BREAKDOWNS[key] = _Registration(key=key, order=order, roles=frozenset(), build=build)
        return build

    return register


def home_organisation(role: str):
    """Register ``build(user) -> organisation | None``: what the home of ``role`` is about
    (named and linked in its greeting), e.g. an LEA coordinator's one LEA."""

    def register(build):
        _ORGANISATIONS[role] = build
        return build

    return register


def home_breakdowns(user) -> list[Breakdown]:
    _discover()
    breakdowns = []
    for registration in sorted(_BREAKDOWNS.values(), key=lambda r: (r.order, r.key)):
        breakdown = registration.build(user)
        if breakdown is not None:
            breakdowns.append(breakdown)
    return breakdowns


def landing_object(user):
    """The one organisation a scoped user's home is about, if their role registered one and
    they have exactly one."""
    _discover()
    build = _ORGANISATIONS.get(role_of(user))
    return build(user) if build else None


def breakdown(*, key, title, queryset, field: str, choices, noun: str, url: str) -> Breakdown:
    """A :class:`Breakdown` of ``queryset`` by ``field`` (labelled by ``choices``)."""
    labels = dict(choices.choices)
    rows = queryset.values(field).annotate(count=Count("pk")).order_by(field)
    total = queryset.count()
    return Breakdown(
        key=key,
        title=title,
        total_label=f"{total} {noun}{pluralize(total)}",
        url=url,
        rows=tuple((labels.get(row[field], "Not recorded"), row["count"]) for row in rows),
    )


def list_url(name: str, **params) -> str:
    """The URL of list page ``name`` filtered by ``params`` (empty values left out)."""
    query = {key: value for key, value in params.items() if value not in (None, "")}
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


def filtered_count(filterset_class, queryset, params: dict, *, user) -> int:
    """Rows of ``queryset`` the list page shows for query string ``params``.

    Uses the list's own FilterSet, so the tile's count and the list's rows are one rule.
    """
    data = {key: str(value) for key, value in params.items() if value not in (None, "")}
    filterset = filterset_class(data, queryset=queryset, request=SimpleNamespace(user=user))
    if not filterset.is_valid():
        raise ValueError(f"{filterset_class.__name__} refused {data}: {filterset.errors}")
    return filterset.qs.count()


def counted(label: str, list_name: str, filterset_class, queryset, *, user, **params):
    """A :class:`TileCount` for the list ``list_name`` filtered by ``params``."""
    return TileCount(
        label=label,
        count=filtered_count(filterset_class, queryset, params, user=user),
        url=list_url(list_name, **params),
    )
