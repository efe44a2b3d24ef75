"""A coordinator keeps their readiness current, and the SEA team builds a pilot, in a browser."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from leas.models import CohortVersion, ReadinessItem
from leas.services import ensure_readiness_checklist
from rolloutplanner.roles import Role
from tests.factories import LEAFactory
from tests.leas.factories import CohortFactory
from tests.support.browser import assert_accessible, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_updates_a_readiness_item_of_their_lea(browser_page, world):
    ensure_readiness_checklist(leas=[world.own_lea])
    page = browser_page
    login_as(page, world.users[Role.LEA_COORDINATOR])
    page.goto(world.own_lea.get_absolute_url())
    assert_accessible(page)

    page.get_by_role("link", name="Update API credentials received").click()
    page.wait_for_load_state()
    page.get_by_role("combobox", name=re.compile(r"^Status")).select_option("done")
    page.get_by_label("Status date").fill("2026-10-02")
    page.get_by_label("Evidence note").fill("Key issued in ticket 4411")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()

    item = ReadinessItem.objects.get(lea=world.own_lea, key="credentials-received")
    assert (item.status, item.evidence_note) == ("done", "Key issued in ticket 4411")
    page.goto(world.own_lea.get_absolute_url())
    assert "Readiness (1 of 9 done)" in page.get_by_role("heading", level=2).first.inner_text()


def test_sea_team_suggests_and_saves_a_pilot_cohort(browser_page, world):
    LEAFactory(urbanicity="city", capacity="high", enrollment=50000, region="Coast")
    LEAFactory(urbanicity="rural", capacity="low", enrollment=300, region="North")
    cohort = CohortFactory(name="Spring pilot")
    page = browser_page
    login_as(page, world.users[Role.SEA_TEAM])
    page.goto(reverse("leas:cohort-builder"))
    page.get_by_label("Cohort size to suggest").fill("3")
    page.get_by_role("button", name="Suggest a cohort of this size").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("3 LEAs")
    expect(
        page.get_by_role("cell", name=re.compile("^Adds \\d+ uncovered strata")).first
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Save to cohort").select_option(str(cohort.pk))
    page.get_by_role("button", name="Save as new cohort version").click()
    page.wait_for_load_state()
    version = CohortVersion.objects.get(cohort=cohort)
    assert version.number == 1 and version.leas.count() == 3
    assert "Current membership (version 1)" in page.content()


def test_picking_leas_updates_coverage_without_a_submit(browser_page, world):
    city = LEAFactory(name="Metro SD", urbanicity="city")
    page = browser_page
    login_as(page, world.users[Role.SEA_TEAM])
    page.goto(reverse("leas:cohort-builder"))
    page.get_by_label("LEAs in the cohort").select_option([str(world.own_lea.pk), str(city.pk)])
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Cohort: 2 LEAs")
    urbanicity = page.get_by_role("table", name=re.compile("^Urbanicity"))
    expect(urbanicity).to_contain_text("2 of 2 strata covered")
    expect(urbanicity.get_by_role("row", name=re.compile("^City"))).to_contain_text("33%")
    assert "leas=" in page.url  # the picked cohort can be bookmarked and shared
