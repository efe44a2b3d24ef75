"""A person's path through the platform, in a real browser."""

import pytest
from django.urls import reverse

from rolloutplanner.models import Job
from rolloutplanner.roles import Role
from tests.support.browser import assert_accessible, login_as

pytestmark = pytest.mark.browser

HOME_HEADINGS = {
    Role.SEA_TEAM: "The rollout at a glance",
    Role.LEADERSHIP: "Rollout dashboard",
    Role.ADMINISTRATOR: "The rollout at a glance",
    Role.LEA_COORDINATOR: "What is asked of your district",
    Role.VENDOR_CONTACT: "What is asked of your product",
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_lands_on_their_home(browser_page, world, role):
    page = browser_page
    login_as(page, world.users[role])

    heading = page.get_by_role("heading", level=1)
    assert HOME_HEADINGS[role] in heading.inner_text()
    assert Role(role).label in page.get_by_role("banner").inner_text()
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_coordinator_cannot_open_another_lea(browser_page, world):
    page = browser_page
    login_as(page, world.users[Role.LEA_COORDINATOR])

    response = page.goto(reverse("leas:lea-detail", args=[world.other_lea.pk]))

    assert response.status == 404
    assert "Page not found" in page.get_by_role("heading", level=1).inner_text()


@pytest.mark.celery_worker
def test_sea_team_runs_the_summary_job_and_watches_it_finish(browser_page, world, celery_worker):
    page = browser_page
    login_as(page, world.users[Role.SEA_TEAM])

    page.get_by_role("button", name="Recompute the statewide LEA summary").click()

    page.wait_for_url("**/jobs/*/")
    state = page.get_by_test_id("job-state")
    state.filter(has_text="Succeeded").wait_for(timeout=30000)
    assert page.locator("#job-progress-bar").get_attribute("value") == "100"
    assert "2 LEAs" in page.locator("#job-progress").inner_text()
    assert Job.objects.get().state == "succeeded"
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "url_name", ["leas:lea-list", "vendors:vendor-list", "job-list", "token-list", "leas:lea-add"]
)
def test_main_pages_have_no_serious_accessibility_violations(browser_page, world, url_name):
    page = browser_page
    login_as(page, world.users[Role.SEA_TEAM])

    page.goto(reverse(url_name))

    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_login_page_and_lea_detail_are_accessible_and_keyboard_usable(browser_page, world):
    page = browser_page
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Username").fill(world.users[Role.SEA_TEAM].username)
    page.keyboard.press("Tab")  # to the password field, then submit with Enter
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type("correct-horse-battery-9")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto(reverse("leas:lea-detail", args=[world.own_lea.pk]))
    page.keyboard.press("Tab")  # the skip link comes first
    focused = page.evaluate("document.activeElement.outerHTML")
    assert "Skip to main content" in focused, focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert_accessible(page)
