"""Timeline pages: Gantt, critical path, baselines, dashboard (HTML and PDF)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from rolloutplanner.roles import Role
from rolloutplanner.timeline import services
from rolloutplanner.timeline.models import Milestone
from tests.rolloutplanner.factories import (
    LEAMilestoneFactory,
    MilestoneDependencyFactory,
    MilestoneFactory,
    PhaseFactory,
)

pytestmark = pytest.mark.django_db


def test_gantt_draws_bars_today_line_baseline_and_dependencies(client, world):
    today = date.today()
    first = MilestoneFactory(
        name="Vendor certification",
        planned_start=today - timedelta(days=40),
        planned_end=today - timedelta(days=3),
    )
    second = MilestoneFactory(name="Pilot loads")
    MilestoneDependencyFactory(predecessor=first, successor=second)
    services.save_baseline(name="Board plan")
    services.update_milestone(
        milestone=second,
        user=None,
        changes={"planned_end": second.planned_end + timedelta(days=6)},
        reason="Slip",
    )
    client.force_login(world.users[Role.LEADERSHIP])
    body = client.get(reverse("rolloutplanner:timeline-gantt")).content.decode()
    assert body.count('class="gantt-row"') == 2
    assert body.count('class="phase-row"') == 1 and "Phase 3. Pilot" in body and "0% done" in body
    assert "Today</text>" in body
    assert 'class="baseline-bar"' in body
    assert 'class="dependency"' in body
    assert "must finish before" in body
    assert "Late" in body and "bar-late" in body  # status as text, not colour alone
    assert "(+6 d)" in body  # slippage against the baseline
    assert f'href="{first.get_absolute_url()}"' in body  # each bar is a keyboard-focusable link
    assert "<caption>Milestones on this page</caption>" in body


def test_gantt_filters_by_lea_and_phase_and_hides_other_leas(client, world):
    pilot = PhaseFactory(number=3, name="Pilot")
    LEAMilestoneFactory(lea=world.own_lea, name="Own onboarding", phase=pilot)
    LEAMilestoneFactory(lea=world.other_lea, name="Other onboarding", phase=pilot)
    client.force_login(world.users[Role.LEA_COORDINATOR])
    body = client.get(reverse("rolloutplanner:timeline-gantt")).content.decode()
    assert "Own onboarding" in body and "Other onboarding" not in body
    client.force_login(world.users[Role.SEA_TEAM])
    url = reverse("rolloutplanner:timeline-gantt")
    body = client.get(url, {"lea": world.other_lea.pk, "phase": pilot.pk}).content.decode()
    assert "Other onboarding" in body and "Own onboarding" not in body


def test_gantt_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    client.force_login(world.users[Role.SEA_TEAM])
    url = reverse("rolloutplanner:timeline-gantt")
    MilestoneFactory.create_batch(3)
    services.save_baseline(name="Plan")
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    MilestoneFactory.create_batch(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_critical_path_page_shows_the_production_delay(client, world):
    start = date.today() - timedelta(weeks=30)
    services.load_template(start=start)
    client.force_login(world.users[Role.LEADERSHIP])
    body = client.get(reverse("rolloutplanner:timeline-critical-path")).content.decode()
    assert "Production date: planned" in body
    assert "days late" in body
    assert "Delays the production date" in body


def test_milestone_detail_shows_status_rule_dependencies_and_baselines(client, world):
    first = MilestoneFactory(name="First")
    later = date.today() + timedelta(days=60)
    second = MilestoneFactory(name="Second", planned_start=later, planned_end=later + timedelta(9))
    MilestoneDependencyFactory(predecessor=first, successor=second)
    services.save_baseline(name="Kick-off plan")
    client.force_login(world.users[Role.SEA_TEAM])
    body = client.get(second.get_absolute_url()).content.decode()
    assert "Status: On track" in body and "On track: none of the above." in body
    assert "First" in body and "Kick-off plan" in body and "Remove dependency on" in body
    client.force_login(world.users[Role.LEADERSHIP])
    assert "Remove dependency on" not in client.get(second.get_absolute_url()).content.decode()


def test_milestone_list_filters_by_status(client, world):
    today = date.today()
    MilestoneFactory(
        name="Late one", planned_start=today - timedelta(9), planned_end=today - timedelta(1)
    )
    MilestoneFactory(name="Fine one")
    client.force_login(world.users[Role.LEADERSHIP])
    body = client.get(reverse("rolloutplanner:milestone-list"), {"status": "late"}).content.decode()
    assert "Late one" in body and "Fine one" not in body


def test_baseline_pages_show_slippage(client, world):
    milestone = MilestoneFactory(name="Cut-over")
    baseline = services.save_baseline(name="March plan")
    services.update_milestone(
        milestone=milestone,
        user=None,
        changes={"planned_end": milestone.planned_end + timedelta(days=4)},
        reason="Slip",
    )
    client.force_login(world.users[Role.SEA_TEAM])
    body = client.get(baseline.get_absolute_url()).content.decode()
    assert "Cut-over" in body and "+4" in body
    response = client.post(reverse("rolloutplanner:baseline-save"), {"name": "April plan"})
    assert response.status_code == 302


def test_dashboard_charts_have_text_alternatives_and_links(client, world):
    today = date.today()
    MilestoneFactory(planned_start=today - timedelta(9), planned_end=today - timedelta(1))
    MilestoneFactory(actual_start=today, actual_end=today)
    services.save_baseline(name="Plan")
    client.force_login(world.users[Role.LEADERSHIP])
    body = client.get(reverse("rolloutplanner:timeline-dashboard")).content.decode()
    for title in (
        "Phase progress",
        "Milestones by status",
        "LEAs by stratum",
        "Vendor products by type",
        "against the baseline",
        "dates moved",
    ):
        assert title in body
    assert body.count('role="group"') >= 6
    assert "<desc id=" in body and "Late: 1" in body  # text alternative in the SVG
    assert "Data behind this chart" in body  # and as a table
    assert "?status=late" in body  # bars link to the detail behind them


def test_dashboard_for_a_coordinator_counts_only_what_they_see(client, world):
    LEAMilestoneFactory(lea=world.other_lea)
    LEAMilestoneFactory(lea=world.own_lea)
    client.force_login(world.users[Role.LEA_COORDINATOR])
    body = client.get(reverse("rolloutplanner:timeline-dashboard")).content.decode()
    assert "On track: 1" in body


def test_dashboard_exports_a_pdf(client, world):
    MilestoneFactory()
    client.force_login(world.users[Role.LEADERSHIP])
    response = client.get(reverse("rolloutplanner:timeline-dashboard-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]


def test_timeline_pages_need_a_sign_in(client):
    for name in ("timeline-gantt", "timeline-dashboard", "timeline-critical-path"):
        response = client.get(reverse(f"rolloutplanner:{name}"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Milestone.objects.count() == 0


def test_lea_timeline_page_lists_its_notices_and_milestones_only(client, world):
    own = LEAMilestoneFactory(lea=world.own_lea, name="Own onboarding")
    other = LEAMilestoneFactory(lea=world.other_lea, name="Other onboarding")
    statewide = MilestoneFactory(name="Statewide cut-over")
    for milestone in (own, other, statewide):
        services.update_milestone(
            milestone=milestone,
            user=None,
            changes={"planned_end": milestone.planned_end + timedelta(days=3)},
            reason=f"Moved {milestone.name}",
        )
    client.force_login(world.users[Role.LEA_COORDINATOR])
    body = client.get(reverse("rolloutplanner:timeline-lea", args=[world.own_lea.pk])).content
    body = body.decode()
    assert "Moved Own onboarding" in body and "Moved Statewide cut-over" in body
    assert "Other onboarding" not in body
    assert body.count('class="gantt-row"') == 2
    other_page = client.get(reverse("rolloutplanner:timeline-lea", args=[world.other_lea.pk]))
    assert other_page.status_code == 404
    client.force_login(world.users[Role.VENDOR_CONTACT])
    vendor_page = client.get(reverse("rolloutplanner:timeline-vendor", args=[world.own_vendor.pk]))
    assert vendor_page.status_code == 200
    assert "Moved Statewide cut-over" in vendor_page.content.decode()
    assert "Own onboarding" not in vendor_page.content.decode()
    other_vendor = reverse("rolloutplanner:timeline-vendor", args=[world.other_vendor.pk])
    assert client.get(other_vendor).status_code == 404


def test_dashboard_shows_the_critical_path_to_whole_plan_roles_only(client, world):
    services.load_template(start=date.today() - timedelta(weeks=30))
    client.force_login(world.users[Role.LEADERSHIP])
    body = client.get(reverse("rolloutplanner:timeline-dashboard")).content.decode()
    assert "Late milestones that delay the most later ones" in body
    assert "Production (5.3 Production go-live) planned" in body and "days late" in body
    client.force_login(world.users[Role.LEA_COORDINATOR])
    body = client.get(reverse("rolloutplanner:timeline-dashboard")).content.decode()
    assert "Late milestones that delay the most later ones" not in body


def test_critical_path_summary_is_cached_until_the_plan_changes(django_assert_num_queries):
    from rolloutplanner.timeline.critical_path import critical_path_summary

    services.load_template(start=date.today() - timedelta(weeks=30))
    first = critical_path_summary()
    with django_assert_num_queries(2):  # the two change checks; no recomputation
        assert critical_path_summary() == first
    ods = Milestone.objects.get(code="2.5")
    services.update_milestone(
        milestone=ods, user=None, changes={"actual_end": date.today()}, reason="Done"
    )
    assert critical_path_summary() != first


def test_filter_choices_offer_only_what_the_user_may_see(client, world):
    from tests.factories import make_user

    other_owner = make_user(Role.SEA_TEAM, username="other-lea-owner")
    LEAMilestoneFactory(lea=world.other_lea, owner=other_owner)
    own_owner = make_user(Role.SEA_TEAM, username="own-lea-owner")
    LEAMilestoneFactory(lea=world.own_lea, owner=own_owner)
    client.force_login(world.users[Role.LEA_COORDINATOR])
    body = client.get(reverse("rolloutplanner:timeline-gantt")).content.decode()
    assert "own-lea-owner" in body and "Own District" in body
    assert "other-lea-owner" not in body and "Other District" not in body
