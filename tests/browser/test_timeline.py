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


@pytest.mark.django_db(transaction=True)
def test_a_milestone_is_moved_by_keyboard_with_its_knock_on_shown_before_saving(
    browser_page, world
):
    start = date.today() + timedelta(days=30)
    build = MilestoneFactory(
        code="B", name="Build", planned_start=start, planned_end=start + timedelta(days=9)
    )
    pilot = MilestoneFactory(
        code="P",
        name="Pilot",
        planned_start=start + timedelta(days=10),
        planned_end=start + timedelta(days=19),
    )
    MilestoneDependencyFactory(predecessor=build, successor=pilot)
    page = browser_page
    login_as(page, world.users[Role.SEA_TEAM])
    page.goto(reverse("rolloutplanner:timeline-gantt"))
    assert page.locator("#gantt-edit-help").is_visible()
    assert_accessible(page)

    bar = page.locator(f"#gantt-bar-{build.pk}")
    bar.focus()
    assert page.evaluate("document.activeElement.id") == f"gantt-bar-{build.pk}"
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    new_start, new_end = start + timedelta(days=3), start + timedelta(days=12)
    expected = f"B Build: {new_start:%Y-%m-%d} to {new_end:%Y-%m-%d}"
    announce = page.locator("#gantt-announce")
    announce.get_by_text(expected, exact=False).wait_for()
    assert "start 3 days later" in announce.text_content()
    assert expected in bar.get_attribute("aria-label")
    page.keyboard.press("Shift+ArrowLeft")  # the end a day earlier: two days shorter than moved
    shorter = f"{new_start:%Y-%m-%d} to {new_end - timedelta(days=1):%Y-%m-%d}"
    announce.get_by_text(shorter, exact=False).wait_for()
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Enter")

    knock_on = page.get_by_role("table", name="Knock-on effect")
    knock_on.wait_for()
    assert page.evaluate("document.activeElement.id") == "reschedule-heading"
    row = knock_on.get_by_role("row", name="P Pilot")
    assert "+3" in row.inner_text()
    assert_accessible(page)

    page.get_by_label("Reason for the change").fill("Roster file late")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and send the change notices").click()
    main = page.get_by_role("main").inner_text()
    assert "Moved B Build to" in main and "1 change notice created" in main
    page.wait_for_function(f"document.activeElement.id === 'gantt-bar-{build.pk}'")
    build.refresh_from_db()
    assert (build.planned_start, build.planned_end) == (new_start, new_end)

    page.get_by_role("link", name="see the change notices").click()
    page.wait_for_load_state()
    notices = page.get_by_role("region", name="Change notices").inner_text()
    assert "Roster file late" in notices
    assert f"{new_end:%Y-%m-%d}" in notices


@pytest.mark.django_db(transaction=True)
def test_escape_puts_a_moved_bar_back_and_saves_nothing(browser_page, world):
    milestone = MilestoneFactory(code="B", name="Build")
    page = browser_page
    login_as(page, world.users[Role.SEA_TEAM])
    page.goto(reverse("rolloutplanner:timeline-gantt"))
    bar = page.locator(f"#gantt-bar-{milestone.pk}")
    bar.focus()
    page.keyboard.press("ArrowLeft")
    assert "not saved yet" in bar.get_attribute("aria-label")
    page.keyboard.press("Escape")
    page.locator("#gantt-announce").get_by_text("Cancelled", exact=False).wait_for()
    assert "not saved yet" not in bar.get_attribute("aria-label")
    assert page.locator("#gantt-editor").is_hidden()
    milestone.refresh_from_db()
    assert not milestone.notices.exists()


@pytest.mark.django_db(transaction=True)
def test_a_bar_dragged_with_the_mouse_opens_the_preview(browser_page, world):
    milestone = MilestoneFactory(code="B", name="Build")
    page = browser_page
    login_as(page, world.users[Role.SEA_TEAM])
    page.goto(reverse("rolloutplanner:timeline-gantt"))
    target = page.locator(f"#gantt-bar-{milestone.pk} .bar-proposed")
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    day_width = float(page.locator("svg.gantt").get_attribute("data-day-width"))
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + day_width * 3, y, steps=5)
    page.mouse.up()
    page.get_by_role("table", name="Knock-on effect").wait_for()
    heading = page.locator("#reschedule-heading").inner_text()
    assert "Build" in heading
    moved = milestone.planned_start + timedelta(days=3)
    assert f"proposed {moved:%Y-%m-%d}" in page.locator("#reschedule-panel").inner_text()


@pytest.mark.django_db(transaction=True)
def test_the_reschedule_page_works_without_the_chart_and_is_accessible(browser_page, world):
    milestone = MilestoneFactory(code="B", name="Build")
    after = MilestoneFactory(
        code="P",
        name="Pilot",
        planned_start=milestone.planned_end + timedelta(days=1),
        planned_end=milestone.planned_end + timedelta(days=10),
    )
    MilestoneDependencyFactory(predecessor=milestone, successor=after)
    page = browser_page
    login_as(page, world.users[Role.SEA_TEAM])
    page.goto(milestone.get_absolute_url())
    assert page.get_by_role("listbox", name="Predecessors").count() == 1  # the multi-select
    assert_accessible(page)
    page.get_by_role("link", name="Reschedule").click()
    page.get_by_label("Planned end").fill(f"{milestone.planned_end + timedelta(days=4):%Y-%m-%d}")
    page.get_by_role("button", name="Show the knock-on effect").click()
    page.wait_for_load_state()
    assert "+4" in page.get_by_role("table", name="Knock-on effect").inner_text()
    assert_accessible(page)
    page.get_by_label("Reason for the change").fill("Vendor late")
    page.get_by_role("button", name="Save and send the change notices").click()
    page.wait_for_load_state()
    assert page.url.endswith(milestone.get_absolute_url())
    assert "Vendor late" in page.get_by_role("region", name="Change notices").inner_text()
