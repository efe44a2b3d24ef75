"""The timeline in a real browser: keyboard use of the Gantt chart, accessibility of the
timeline pages, and a date change reaching an LEA coordinator."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from rolloutplanner.roles import Role
from rolloutplanner.timeline import services
from tests.rolloutplanner.factories import (
    LEAMilestoneFactory,
    MilestoneDependencyFactory,
    MilestoneFactory,
)
from tests.support.browser import assert_accessible, login_as

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_gantt_bars_are_reached_and_opened_with_the_keyboard(browser_page, world):
    today = date.today()
    first = MilestoneFactory(
        name="Vendor certification",
        planned_start=today - timedelta(days=20),
        planned_end=today - timedelta(days=2),
    )
    second = MilestoneFactory(name="Pilot data loads")
    MilestoneDependencyFactory(predecessor=first, successor=second)
    services.save_baseline(name="Board plan")
    page = browser_page
    login_as(page, world.users[Role.LEADERSHIP])
    page.goto(reverse("rolloutplanner:timeline-gantt"))
    assert_accessible(page)
    bar = page.locator("a.gantt-row").first
    bar.focus()
    assert "Late" in bar.text_content()
    description = page.locator(f"#{bar.get_attribute('aria-describedby')}").text_content()
    assert "status Late" in description
    assert page.evaluate("document.activeElement.classList.contains('gantt-row')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(first.get_absolute_url())
    assert "Status: Late" in page.get_by_role("main").inner_text()


@pytest.mark.django_db(transaction=True)
def test_dashboard_and_critical_path_are_accessible(browser_page, world):
    services.load_template(start=date.today() - timedelta(weeks=20))
    page = browser_page
    login_as(page, world.users[Role.LEADERSHIP])
    page.goto(reverse("rolloutplanner:timeline-dashboard"))
    assert page.get_by_role("group", name="Milestones by status").count() == 1
    assert_accessible(page)
    page.goto(reverse("rolloutplanner:timeline-critical-path"))
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_a_date_change_reaches_the_lea_as_a_notice(browser_page, world):
    milestone = LEAMilestoneFactory(lea=world.own_lea, name="Own onboarding")
    page = browser_page
    login_as(page, world.users[Role.SEA_TEAM])
    page.goto(reverse("rolloutplanner:milestone-edit", args=[milestone.pk]))
    new_end = milestone.planned_end + timedelta(days=14)
    page.get_by_label("Planned end").fill(new_end.isoformat())
    page.get_by_label("Reason for the change").fill("Roster file late")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Saved." in page.get_by_role("main").inner_text()
    page.get_by_role("button", name="Sign out").click()
    login_as(page, world.users[Role.LEA_COORDINATOR])
    page.goto(reverse("rolloutplanner:changenotice-list"))
    main = page.get_by_role("main").inner_text()
    assert "Own onboarding" in main and "Roster file late" in main
    assert_accessible(page)
