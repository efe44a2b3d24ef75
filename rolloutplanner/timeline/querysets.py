"""Reads of the timeline shared by pages, API, feeds and the dashboard.

Scoped roles (LEA coordinators, vendor contacts) see statewide rows as well as their own, which
the ObjectPolicy paths alone cannot express ("owner is empty"), so the timeline querysets add it
in ``restrict`` for the ``view`` action. Every other action and role follows the policy as is.
"""

from __future__ import annotations

from datetime import date

from django.apps import apps
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    Expression,
    F,
    OuterRef,
    Q,
    Value,
    When,
)
from django.utils import timezone

from rolloutplanner.permissions import VIEW, RestrictedQuerySet
from rolloutplanner.roles import Role, role_of

SCOPED_ROLES = frozenset({Role.LEA_COORDINATOR, Role.VENDOR_CONTACT})


def _scoped_viewer(user, action: str) -> bool:
    return action == VIEW and user.is_active and role_of(user) in SCOPED_ROLES


def milestone_visibility_q(user, prefix: str = "") -> Q:
    """Milestones a scoped user may view: statewide ones plus their LEA's / wave's / vendor's.

    Waves are matched through a subquery rather than a join so rows never repeat.
    """
    statewide = Q(**{f"{prefix}scope": "statewide"})
    profile = user.profile
    if role_of(user) == Role.LEA_COORDINATOR:
        lea_ids = profile.lea_ids()
        return (
            statewide
            | Q(**{f"{prefix}lea_id__in": lea_ids})
            | Q(**{f"{prefix}wave_id__in": _wave_ids(lea_ids)})
        )
    return statewide | Q(**{f"{prefix}vendor_id__in": profile.vendor_ids()})


def _wave_ids(lea_ids) -> list[int]:
    """The waves of these LEAs, as a list: a literal list lets PostgreSQL combine the scope,
    LEA and wave indexes (a subquery inside the OR forces a scan of every milestone)."""
    through = apps.get_model("timeline", "Wave").leas.through
    return list(through.objects.filter(lea_id__in=lea_ids).values_list("wave_id", flat=True))


class ForecastLate(Expression):
    """True for milestones the critical path's forecast puts past their planned end, the one
    definition of late (:func:`~rolloutplanner.timeline.critical_path.forecast_late_ids`).

    The ids are read when the query runs, not when it is built, so building a queryset (a
    view's ``get_queryset``, the API schema) costs nothing.
    """

    conditional = True

    def __init__(self, today: date, pk=None):
        super().__init__(output_field=BooleanField())
        self.today = today
        self.pk = pk if pk is not None else F("pk")

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        (self.pk,) = exprs

    def as_sql(self, compiler, connection):
        from rolloutplanner.timeline.critical_path import forecast_late_ids  # imports models

        ids = sorted(forecast_late_ids(today=self.today))
        if not ids:
            return "1 = 0", []
        pk_sql, params = compiler.compile(self.pk)
        if connection.vendor == "postgresql":
            return f"{pk_sql} = ANY(%s)", [*params, ids]
        return f"{pk_sql} IN ({', '.join(['%s'] * len(ids))})", [*params, *ids]


class PhaseQuerySet(RestrictedQuerySet):
    pass


class WaveQuerySet(RestrictedQuerySet):
    pass


class BaselineQuerySet(RestrictedQuerySet):
    pass


class MilestoneQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = VIEW):
        if _scoped_viewer(user, action):
            return self.filter(milestone_visibility_q(user))
        return super().restrict(user, action)

    def with_status(self, today: date | None = None):
        """Annotate ``status`` (on_track / at_risk / late / done) as STATUS_RULE states it.

        Late milestones are those the critical path's forecast puts past their planned end
        (:func:`~rolloutplanner.timeline.critical_path.forecast_late_ids`), so the Late count
        agrees with the production forecast.
        """
        today = today or timezone.localdate()
        dependency = apps.get_model("timeline", "MilestoneDependency")
        blocking = dependency.objects.filter(
            successor=OuterRef("pk"), predecessor__actual_end__isnull=True
        ).filter(
            Q(predecessor__planned_end__lt=today)
            | Q(predecessor__planned_end__gt=OuterRef("planned_start"))
        )
        return self.annotate(
            status=Case(
                When(actual_end__isnull=False, then=Value("done")),
                When(ForecastLate(today), then=Value("late")),
                When(
                    Q(planned_start__lt=today, actual_start__isnull=True) | Exists(blocking),
                    then=Value("at_risk"),
                ),
                default=Value("on_track"),
                output_field=CharField(),
            )
        )

    def status_counts(self, today: date | None = None) -> dict[str, int]:
        """How many milestones have each status, by the same rule as ``with_status``.

        Counts over every row at once, so the "blocked by a predecessor" test is one
        uncorrelated subquery (a hash join over the dependencies) instead of one per row.
        """
        today = today or timezone.localdate()
        dependency = apps.get_model("timeline", "MilestoneDependency")
        blocked = dependency.objects.filter(predecessor__actual_end__isnull=True).filter(
            Q(predecessor__planned_end__lt=today)
            | Q(predecessor__planned_end__gt=F("successor__planned_start"))
        )
        if self.query.has_filters():
            # A restricted set (a scoped user's milestones): only its own successors need the
            # dependency join, so PostgreSQL joins a few rows instead of every dependency.
            blocked = blocked.filter(successor__in=self.order_by().values("pk"))
        done = Q(actual_end__isnull=False)
        late = ~done & Q(ForecastLate(today))
        at_risk = (
            ~done
            & ~Q(ForecastLate(today))
            & (
                Q(planned_start__lt=today, actual_start__isnull=True)
                | Q(pk__in=blocked.values("successor_id"))
            )
        )
        counts = self.order_by().aggregate(
            total=Count("pk"),
            done=Count("pk", filter=done),
            late=Count("pk", filter=late),
            at_risk=Count("pk", filter=at_risk),
        )
        counts["on_track"] = counts["total"] - counts["done"] - counts["late"] - counts["at_risk"]
        return counts

    def for_lea(self, lea):
        """Milestones that concern ``lea``: statewide, its own, and its waves'."""
        waves = _wave_ids([lea.pk])
        return self.filter(Q(scope="statewide") | Q(lea=lea) | Q(wave_id__in=waves))

    def for_vendor(self, vendor):
        return self.filter(Q(scope="statewide") | Q(vendor=vendor))

    def for_pages(self):
        return self.select_related("phase", "lea", "vendor", "wave", "owner")


class MilestoneDependencyQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = VIEW):
        if _scoped_viewer(user, action):
            return self.filter(milestone_visibility_q(user, prefix="successor__"))
        return super().restrict(user, action)


class BaselineEntryQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = VIEW):
        if _scoped_viewer(user, action):
            return self.filter(milestone_visibility_q(user, prefix="milestone__"))
        return super().restrict(user, action)


class ChangeNoticeQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = VIEW):
        if not _scoped_viewer(user, action):
            return super().restrict(user, action)
        profile = user.profile
        everybody = Q(lea__isnull=True, vendor__isnull=True)
        if role_of(user) == Role.LEA_COORDINATOR:
            return self.filter(everybody | Q(lea_id__in=profile.lea_ids()))
        return self.filter(everybody | Q(vendor_id__in=profile.vendor_ids()))

    def pending_email(self):
        return self.filter(emailed_at__isnull=True)
