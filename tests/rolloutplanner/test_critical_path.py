"""Critical path on integer lists: same forecasts as the rule states, constant query count."""

from datetime import date, timedelta

import pytest

from rolloutplanner.timeline.critical_path import compute_critical_path
from rolloutplanner.timeline.models import MilestoneDependency
from tests.rolloutplanner.factories import MilestoneDependencyFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 1)


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def test_a_late_chain_pushes_successors_and_ties_go_to_the_higher_id():
    late = MilestoneFactory(code="A", planned_start=days(-20), planned_end=days(-5))
    twin = MilestoneFactory(code="B", planned_start=days(-20), planned_end=days(-5))
    done = MilestoneFactory(
        code="C",
        planned_start=days(-30),
        planned_end=days(-10),
        actual_start=days(-30),
        actual_end=days(-12),
    )
    after = MilestoneFactory(code="D", planned_start=days(-2), planned_end=days(8))
    started = MilestoneFactory(
        code="E", planned_start=days(-4), planned_end=days(6), actual_start=days(-3)
    )
    for predecessor in (late, twin, done):
        MilestoneDependencyFactory(predecessor=predecessor, successor=after)
    MilestoneDependencyFactory(predecessor=late, successor=started)

    result = compute_critical_path(today=TODAY)
    forecasts = result.forecasts
    pushed = forecasts[after.pk]
    # Both late ones end today; the tie goes to the higher id. Ten days long, from tomorrow.
    assert pushed.driver == twin.pk
    assert (pushed.start, pushed.end) == (days(1), days(11))
    assert pushed.cause == twin.pk and pushed.slip_days == 3
    assert started.pk not in forecasts  # already started: not pushed, does not slip
    impact = next(i for i in result.impacts if i.late.id == twin.pk)
    assert [f.code for f in impact.delayed] == ["D"]
    assert impact.late.late and impact.late.end == TODAY
    assert all(i.late.id != done.pk for i in result.impacts)


def test_milestones_on_a_cycle_keep_their_dates_and_the_rest_is_forecast():
    first = MilestoneFactory(planned_start=days(-20), planned_end=days(-5))
    second = MilestoneFactory(planned_start=days(0), planned_end=days(4))
    loop_a = MilestoneFactory(planned_start=days(10), planned_end=days(20))
    loop_b = MilestoneFactory(planned_start=days(10), planned_end=days(20))
    MilestoneDependencyFactory(predecessor=first, successor=second)
    # A cycle written directly (the service refuses one): it must not hang or crash.
    MilestoneDependency.objects.bulk_create(
        [
            MilestoneDependency(predecessor=loop_a, successor=loop_b),
            MilestoneDependency(predecessor=loop_b, successor=loop_a),
        ]
    )
    result = compute_critical_path(today=TODAY)
    assert result.forecasts[second.pk].start == days(1)  # first ends today: tomorrow
    assert result.forecasts[second.pk].cause == first.pk
    production = result.production  # the latest statewide end: one on the cycle
    assert production.id in (loop_a.pk, loop_b.pk)
    assert (production.start, production.end, production.driver) == (days(10), days(20), None)


def test_an_empty_plan_has_no_path():
    result = compute_critical_path(today=TODAY)
    assert result.production is None and result.path == [] and result.impacts == []


def test_query_count_does_not_grow_with_the_plan(django_assert_max_num_queries):
    def add_chain(length):
        previous = MilestoneFactory(planned_start=days(-30), planned_end=days(-3))
        for _ in range(length):
            current = MilestoneFactory(planned_start=days(0), planned_end=days(8))
            MilestoneDependencyFactory(predecessor=previous, successor=current)
            previous = current

    add_chain(3)
    with django_assert_max_num_queries(5):
        small = compute_critical_path(today=TODAY)
    add_chain(30)
    with django_assert_max_num_queries(5):
        large = compute_critical_path(today=TODAY)
    assert len(large.impacts) == 2 and len(small.impacts) == 1
    assert sorted(len(i.delayed) for i in large.impacts) == [3, 30]


def test_the_portable_plan_reader_matches_the_postgresql_one():
    from django.db import connection

    from rolloutplanner.timeline import critical_path

    first = MilestoneFactory(planned_start=days(-20), planned_end=days(-5), actual_start=days(-19))
    second = MilestoneFactory(planned_start=days(0), planned_end=days(4), actual_end=days(3))
    MilestoneDependencyFactory(predecessor=first, successor=second)
    if connection.vendor != "postgresql":
        pytest.skip("compares against the PostgreSQL reader")

    def by_id(columns, predecessors, successors):
        return sorted(zip(*columns, strict=True)), sorted(
            zip(predecessors, successors, strict=True)
        )

    assert by_id(*critical_path._plan_columns()) == by_id(*critical_path._plan_columns_postgresql())
    assert critical_path._plan_columns()[0][4].count(critical_path.NOT_DONE) == 1
