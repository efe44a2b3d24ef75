"""Each role's home in a real browser: accessible, and a tile's link, followed with the
keyboard, lists as many rows as the tile counts."""

from __future__ import annotations

import re

import pytest

from rolloutplanner.roles import Role
from tests.support.browser import assert_accessible, login_as
from tests.support.rollout_state import build_rollout

pytestmark = pytest.mark.browser


def follow_by_keyboard(page, link) -> None:
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def shown_count(page) -> int:
    text = page.get_by_role("main").get_by_text(re.compile(r"^\d+ shown to you$")).inner_text()
    return int(text.split()[0])


def tile(page, title: str):
    return page.get_by_role("article", name=title)


@pytest.mark.django_db(transaction=True)
def test_sea_team_home_heat_map_cell_leads_to_its_readiness_items(browser_page, world):
    build_rollout(world)
    page = browser_page
    login_as(page, world.users[Role.SEA_TEAM])

    assert page.get_by_role("heading", level=1).inner_text() == "The rollout at a glance"
    assert_accessible(page)
    heat_map = page.get_by_role("region", name="Readiness items done, by cohort and rollout phase")
    row = heat_map.get_by_role("row", name=re.compile("Pilot cohort 2026"))
    cell = row.get_by_role("link", name="0 of 3 done (0%), nothing done")
    count = int(cell.get_attribute("data-count"))
    follow_by_keyboard(page, cell)

    assert "/leas/readiness/" in page.url and "cohort=" in page.url
    assert shown_count(page) == count == 3


@pytest.mark.django_db(transaction=True)
def test_leadership_home_is_the_dashboard_with_approvals_first(browser_page, world):
    build_rollout(world)
    page = browser_page
    login_as(page, world.users[Role.LEADERSHIP])

    assert page.get_by_role("heading", level=1).inner_text() == "Rollout dashboard"
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert headings[0] == "Approvals waiting for you"
    assert page.get_by_role("button", name="Download as PDF").is_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Main").is_visible()
    assert not page.get_by_role("button", name="Download as PDF").is_visible()
    assert page.get_by_role("heading", name="Approvals waiting for you").is_visible()
    page.emulate_media(media="screen")
    link = tile(page, "Approvals waiting for you").get_by_role(
        "link", name="1 In leadership review"
    )
    follow_by_keyboard(page, link)

    assert "status=leadership_review" in page.url
    assert shown_count(page) == 1
    assert page.get_by_role("link", name="Ed-Fi scope").is_visible()


@pytest.mark.django_db(transaction=True)
def test_coordinator_home_lists_what_is_asked_of_the_district(browser_page, world):
    build_rollout(world)
    page = browser_page
    login_as(page, world.users[Role.LEA_COORDINATOR])

    assert page.get_by_role("heading", level=1).inner_text() == "What is asked of your district"
    assert "Other District" not in page.get_by_role("main").inner_text()
    assert_accessible(page)
    readiness = tile(page, "Readiness items asked of your district")
    follow_by_keyboard(
        page, readiness.get_by_role("link", name="3 Open in Phase 3 – Pilot: connect")
    )

    assert shown_count(page) == 3
    assert "Other District" not in page.get_by_role("main").inner_text()


@pytest.mark.django_db(transaction=True)
def test_vendor_home_lists_its_follow_ups_and_dates(browser_page, world):
    build_rollout(world)
    page = browser_page
    login_as(page, world.users[Role.VENDOR_CONTACT])

    assert page.get_by_role("heading", level=1).inner_text() == "What is asked of your product"
    main = page.get_by_role("main").inner_text()
    assert "Other SIS Co" not in main and "development 2026-11-01" in main
    assert_accessible(page)
    follow_ups = tile(page, "Your follow-ups due")
    follow_by_keyboard(page, follow_ups.get_by_role("link", name="2 All open follow-ups"))

    assert shown_count(page) == 2
    assert "Other SIS Co task" not in page.get_by_role("main").inner_text()
