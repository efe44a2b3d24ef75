"""The shipped template keeps its own dependencies, and "late" means one thing everywhere: the
dashboard's Late count and its production forecast cannot contradict each other."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from rolloutplanner.roles import Role
from rolloutplanner.timeline import services
from rolloutplanner.timeline.critical_path import compute_critical_path, forecast_late_ids
from rolloutplanner.timeline.models import Milestone, MilestoneDependency
from rolloutplanner.timeline.template import PRODUCTION_STEP_CODE, ROLLOUT_TEMPLATE

pytestmark = pytest.mark.django_db

TODAY = date.today()


def test_every_step_of_the_template_starts_after_the_steps_it_waits_for():
    steps = {step.code: step for phase in ROLLOUT_TEMPLATE for step in phase.steps}
    early = [
        f"{code} starts in week {step.start_week}, before {after} ends in week "
        f"{steps[after].start_week + steps[after].weeks}"
        for code, step in steps.items()
        for after in step.after
        if step.start_week < steps[after].start_week + steps[after].weeks
    ]
    assert early == []


def test_the_loaded_template_forecasts_no_delay_of_its_own():
    services.load_template(start=TODAY + timedelta(days=7))
    links = MilestoneDependency.objects.select_related("predecessor", "successor")
    assert links.count() == sum(len(s.after) for p in ROLLOUT_TEMPLATE for s in p.steps)
    for link in links:
        assert link.successor.planned_start > link.predecessor.planned_end, link
    result = compute_critical_path(today=TODAY)
    assert result.production.code == PRODUCTION_STEP_CODE
    assert result.production_delay_days == 0
    assert result.production.end == result.production.planned_end
    assert forecast_late_ids(today=TODAY) == frozenset()


def _rollout_under_way():
    """The template started 30 weeks ago, every step due so far done on time, those under way
    started: nothing is late."""
    services.load_template(start=TODAY - timedelta(weeks=30))
    for step in Milestone.objects.filter(planned_start__lte=TODAY):
        step.actual_start = step.planned_start
        if step.planned_end < TODAY:
            step.actual_end = step.planned_end
        step.save()


def _dashboard_figures(client):
    body = client.get(reverse("rolloutplanner:timeline-dashboard")).content.decode()
    late = re.findall(r"Late: (\d+);", body)
    assert late, "the status chart's summary gives the Late count"
    return body, int(late[0])


def test_a_slip_shows_as_late_milestones_and_a_late_production_forecast_together(client, world):
    _rollout_under_way()
    client.force_login(world.users[Role.LEADERSHIP])
    body, late = _dashboard_figures(client)
    assert late == 0
    assert "days late" not in body
    assert Milestone.objects.with_status().filter(status="late").count() == 0

    onboarding = Milestone.objects.get(code="4.1")  # not started yet
    services.update_milestone(
        milestone=onboarding,
        user=None,
        changes={"planned_end": onboarding.planned_end + timedelta(days=30)},
        reason="Onboarding needs another month",
    )
    body, late = _dashboard_figures(client)
    assert "forecast" in body and ", 30 days late" in body
    # 4.1 itself is on its (new) plan; everything after it is pushed a month past its end.
    late_codes = set(
        Milestone.objects.with_status().filter(status="late").values_list("code", flat=True)
    )
    assert late_codes == {"4.2", "4.3", "4.4", "5.1", "5.2", "5.3"}
    assert late == len(late_codes)
    counts = Milestone.objects.status_counts()
    assert counts["late"] == late
    assert counts["total"] == sum(counts[s] for s in ("on_track", "at_risk", "late", "done"))
    # The critical path names the first milestone the slip makes late.
    result = compute_critical_path(today=TODAY)
    assert result.production.late and result.production_delay_days == 30
    assert [i.late.code for i in result.impacts] == ["4.2"]


def test_a_past_due_step_is_late_by_the_same_rule():
    _rollout_under_way()
    step = Milestone.objects.filter(actual_end__isnull=False).latest("planned_end")
    step.actual_end = None
    step.save()
    late = set(Milestone.objects.with_status().filter(status="late").values_list("pk", flat=True))
    assert step.pk in late
    assert late == forecast_late_ids(today=TODAY)
    assert Milestone.objects.status_counts()["late"] == len(late)
