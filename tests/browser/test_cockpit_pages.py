"""The readiness matrix, the turnover page and the toolkit checklist in a real browser:
axe finds no serious violation, and a coordinator updates several items by keyboard only."""

from __future__ import annotations

import datetime

import pytest

from leas.models import ReadinessItem
from leas.services import ensure_readiness_checklist
from rolloutplanner.roles import Role
from tests.leas.factories import LEAPersonFactory
from tests.support.browser import assert_accessible, login_as
from tests.usecases.factories import PlanningDocumentFactory
from usecases.models import DocumentStatus

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_coordinator_updates_several_items_of_their_district_by_keyboard(browser_page, world):
    ensure_readiness_checklist(leas=[world.own_lea, world.other_lea])
    page = browser_page
    login_as(page, world.users[Role.LEA_COORDINATOR])
    page.goto("/leas/readiness/matrix/?phase=connect")
    assert page.get_by_role("heading", level=1).inner_text() == "Readiness matrix"
    assert_accessible(page)

    sis = page.get_by_label("SIS vendor configured for Ed-Fi at Own District")
    sis.focus()
    # Statuses in order: Not started, In progress, Done, Blocked, Not applicable.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    credentials = page.get_by_label("API credentials received at Own District")
    assert credentials.evaluate("el => el === document.activeElement")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # "Other source systems connected", left as it is
    page.keyboard.press("Tab")
    note = page.get_by_label("Evidence note for every item you change (optional)")
    assert note.evaluate("el => el === document.activeElement")
    page.keyboard.type("Checked with the vendor")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the form from its text field

    assert page.get_by_role("status").get_by_text("Saved 2 changed readiness item(s).").count() == 1
    statuses = dict(
        ReadinessItem.objects.filter(
            lea=world.own_lea, key__in=["sis-configured", "credentials-received"]
        ).values_list("key", "status")
    )
    assert statuses == {"sis-configured": "done", "credentials-received": "in_progress"}
    assert (
        page.get_by_label("SIS vendor configured for Ed-Fi at Own District").input_value() == "done"
    )
    assert page.get_by_text("Other District").count() == 0


@pytest.mark.django_db(transaction=True)
def test_turnover_and_checklist_pages_are_accessible(browser_page, world):
    from django.apps import apps

    from usecases.services.seed import load_checklist

    load_checklist(apps.get_model)  # a transactional test before may have flushed it
    LEAPersonFactory(lea=world.own_lea, name="Ann Lee", left_on=datetime.date.today())
    PlanningDocumentFactory(status=DocumentStatus.APPROVED, title="Child count")
    page = browser_page
    login_as(page, world.users[Role.SEA_TEAM])
    page.goto("/leas/people/turnover/")
    assert page.get_by_text("Ann Lee").count() >= 1
    assert_accessible(page)
    page.goto("/usecases/checklist/")
    assert page.get_by_role("heading", level=1).inner_text() == "Toolkit checklist"
    assert_accessible(page)
    page.get_by_text("Mark 4.3.1 done").click()
    page.get_by_label("What shows 4.3.1 is done").fill("Held on 3 March")
    with page.expect_navigation():
        page.get_by_label("What shows 4.3.1 is done").press("Tab")
        page.keyboard.press("Enter")
    assert page.get_by_text("Held on 3 March").count() == 1
    page.goto("/leas/readiness/matrix/")
    assert_accessible(page)
