"""Status derivation, template loading, critical path, baselines, dependencies."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from rolloutplanner.timeline import services
from rolloutplanner.timeline.critical_path import compute_critical_path
from rolloutplanner.timeline.models import BaselineEntry, Milestone, MilestoneDependency, Phase
from rolloutplanner.timeline.template import ROLLOUT_TEMPLATE
from tests.rolloutplanner.factories import MilestoneDependencyFactory, MilestoneFactory

TODAY = date(2027, 3, 1)
pytestmark = pytest.mark.django_db


def _status(milestone) -> str:
    return Milestone.objects.with_status(TODAY).get(pk=milestone.pk).status


def test_status_is_derived_from_dates_and_completion():
    done = MilestoneFactory(
        planned_start=TODAY - timedelta(days=60),
        planned_end=TODAY - timedelta(days=30),
        actual_end=TODAY - timedelta(days=20),
    )
    late = MilestoneFactory(
        planned_start=TODAY - timedelta(days=30), planned_end=TODAY - timedelta(1)
    )
    not_started = MilestoneFactory(
        planned_start=TODAY - timedelta(days=2), planned_end=TODAY + timedelta(9)
    )
    started = MilestoneFactory(
        planned_start=TODAY - timedelta(days=2),
        planned_end=TODAY + timedelta(days=9),
        actual_start=TODAY - timedelta(days=2),
    )
    future = MilestoneFactory(
        planned_start=TODAY + timedelta(days=5), planned_end=TODAY + timedelta(9)
    )
    assert _status(done) == "done"
    assert _status(late) == "late"
    assert _status(not_started) == "at_risk"
    assert _status(started) == "on_track"
    assert _status(future) == "on_track"


def test_an_overlapping_predecessor_makes_its_successor_late_or_at_risk():
    successor = MilestoneFactory(
        planned_start=TODAY + timedelta(10), planned_end=TODAY + timedelta(20)
    )
    overlapping = MilestoneFactory(
        planned_start=TODAY + timedelta(1), planned_end=TODAY + timedelta(12)
    )
    MilestoneDependency.objects.create(predecessor=overlapping, successor=successor)
    # Not started: the forecast waits for the predecessor and ends 3 days past the plan.
    assert _status(successor) == "late"
    successor.actual_start = TODAY
    successor.save()
    # Already under way, so not pushed; the predecessor still overlaps it.
    assert _status(successor) == "at_risk"
    overlapping.planned_end = TODAY + timedelta(days=9)
    overlapping.save()
    assert _status(successor) == "on_track"
    overlapping.actual_end = TODAY
    overlapping.save()
    assert _status(successor) == "on_track"


def test_scope_must_name_its_owner(world):
    milestone = MilestoneFactory.build(phase=Phase.objects.create(number=9, name="X"), scope="lea")
    with pytest.raises(ValidationError) as error:
        milestone.full_clean()
    assert "lea" in error.value.message_dict
    milestone = MilestoneFactory.build(
        phase=Phase.objects.get(number=9), scope="statewide", lea=world.own_lea
    )
    with pytest.raises(ValidationError):
        milestone.full_clean()


def test_template_loads_five_phases_with_dependencies_once():
    created = services.load_template(start=date(2027, 1, 4))
    steps = sum(len(phase.steps) for phase in ROLLOUT_TEMPLATE)
    assert created == steps
    assert list(Phase.objects.values_list("name", flat=True)) == [
        "Pre-planning",
        "Planning",
        "Pilot",
        "Parallel",
        "Production",
    ]
    mapping = Milestone.objects.get(code="2.1a")
    assert mapping.name == "Data model mapping"
    assert list(mapping.predecessors.values_list("code", flat=True)) == ["1.4"]
    assert Milestone.objects.get(code="3.5").name == "Key/secret management"
    assert mapping.history.first().history_change_reason == "Loaded from the rollout template"
    call_command("load_timeline_template", "--start", "2027-01-04")
    assert Milestone.objects.count() == steps
    assert MilestoneDependency.objects.count() == sum(
        len(step.after) for phase in ROLLOUT_TEMPLATE for step in phase.steps
    )


def test_dependency_cycle_is_refused():
    a, b, c = MilestoneFactory(), MilestoneFactory(), MilestoneFactory()
    services.add_dependency(predecessor=a, successor=b)
    services.add_dependency(predecessor=b, successor=c)
    with pytest.raises(ValidationError, match="cycle"):
        services.add_dependency(predecessor=c, successor=a)
    with pytest.raises(ValidationError):
        services.add_dependency(predecessor=a, successor=a)


def test_baseline_copies_planned_dates_and_measures_slippage():
    milestone = MilestoneFactory()
    baseline = services.save_baseline(name="Board plan")
    entry = BaselineEntry.objects.get(baseline=baseline, milestone=milestone)
    assert (entry.planned_start, entry.planned_end) == (
        milestone.planned_start,
        milestone.planned_end,
    )
    services.update_milestone(
        milestone=milestone,
        user=None,
        changes={"planned_end": milestone.planned_end + timedelta(days=12)},
        reason="Vendor late",
    )
    entry.refresh_from_db()
    assert entry.slip_days == 12


def test_critical_path_names_the_late_milestone_that_delays_production():
    services.load_template(start=TODAY - timedelta(weeks=30))
    # 2.5 (ODS environments) should have ended long ago and is not done: it is late.
    for milestone in Milestone.objects.filter(planned_end__lt=TODAY).exclude(code="2.5"):
        milestone.actual_start, milestone.actual_end = (
            milestone.planned_start,
            milestone.planned_end,
        )
        milestone.save()
    result = compute_critical_path(today=TODAY)
    ods = Milestone.objects.get(code="2.5")
    production = Milestone.objects.get(code="5.3")
    assert result.production.id == production.pk
    assert result.production_delay_days > 0
    impact = result.impacts[0]
    assert impact.late.id == ods.pk
    assert impact.delays_production
    delayed_codes = {f.code for f in impact.delayed}
    assert {"3.1", "3.3", "4.1", "5.3"} <= delayed_codes
    assert "3.4" not in delayed_codes  # does not depend on 2.5
    path_codes = [f.code for f in result.path]
    assert path_codes[-1] == "5.3" and "2.5" in path_codes


def test_critical_path_hides_what_a_scoped_user_may_not_see():
    late = MilestoneFactory(planned_start=TODAY - timedelta(20), planned_end=TODAY - timedelta(5))
    after = MilestoneFactory(planned_start=TODAY - timedelta(3), planned_end=TODAY + timedelta(30))
    MilestoneDependencyFactory(predecessor=late, successor=after)
    result = compute_critical_path(today=TODAY, visible_ids={after.pk})
    assert result.impacts == []
    full = compute_critical_path(today=TODAY)
    assert [f.id for f in full.impacts[0].delayed] == [after.pk]


def test_status_counts_agree_with_the_per_row_status():
    milestones = [
        MilestoneFactory(planned_start=TODAY - timedelta(60), planned_end=TODAY - timedelta(30)),
        MilestoneFactory(
            planned_start=TODAY - timedelta(60),
            planned_end=TODAY - timedelta(30),
            actual_end=TODAY - timedelta(31),
        ),
        MilestoneFactory(planned_start=TODAY - timedelta(2), planned_end=TODAY + timedelta(9)),
        MilestoneFactory(planned_start=TODAY + timedelta(3), planned_end=TODAY + timedelta(9)),
        MilestoneFactory(planned_start=TODAY + timedelta(30), planned_end=TODAY + timedelta(39)),
    ]
    MilestoneDependencyFactory(predecessor=milestones[3], successor=milestones[4])
    MilestoneDependencyFactory(predecessor=milestones[0], successor=milestones[3])
    per_row = [m.status for m in Milestone.objects.with_status(TODAY)]
    counts = Milestone.objects.status_counts(TODAY)
    for status in ("on_track", "at_risk", "late", "done"):
        assert counts[status] == per_row.count(status), status
    assert counts["at_risk"] == 2  # one not started, one behind a late predecessor
