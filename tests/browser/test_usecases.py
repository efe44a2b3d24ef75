"""A use case drafted, reviewed, approved, reopened and compared, in a real browser."""

import datetime
import re

import pytest

from rolloutplanner.roles import Role
from tests.browser.conftest import assert_accessible, login_as
from tests.usecases.factories import StakeholderFactory
from usecases import models as m

pytestmark = pytest.mark.browser

EDIT_NEED = re.compile(r"Edit section.*Need\(s\) Statement")


@pytest.mark.django_db(transaction=True)
def test_use_case_review_approval_reopen_and_diff(browser, live_server, world):
    def session(role):
        context = browser.new_context(base_url=live_server.url, bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(15000)
        login_as(page, world.users[role])
        return context, page

    StakeholderFactory(name="Own District coordinator", user=world.users[Role.LEA_COORDINATOR])
    team_ctx, team = session(Role.SEA_TEAM)
    team.goto("/usecases/documents/add/")
    team.get_by_label("Kind").select_option("use_case")
    team.get_by_label("Title").fill("IDEA Part B integration")
    team.get_by_role("button", name="Save").click()
    team.get_by_role("heading", name="IDEA Part B integration", level=1).wait_for()
    assert_accessible(team)

    team.get_by_role("link", name=EDIT_NEED).click()
    team.get_by_label("Body").fill("IDEA data are under increased scrutiny.")
    team.get_by_role("button", name="Save section").click()
    team.get_by_text("Section saved.").wait_for()

    team.get_by_label("Own District coordinator").check()
    due = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    team.get_by_label("Due date").fill(due)
    team.get_by_role("button", name="Send for stakeholder review").click()
    team.get_by_text("Status: In stakeholder review", exact=False).wait_for()

    reviewer_ctx, reviewer = session(Role.LEA_COORDINATOR)
    reviewer.goto(m.PlanningDocument.objects.get().get_absolute_url())
    reviewer.get_by_label("Comment on “Need(s) Statement(s) or Associated Question(s)”").fill(
        "Mention exiting data."
    )
    need = m.DocumentSection.objects.get(key="need")
    reviewer.locator(f"#section-{need.pk}").get_by_role("button", name="Add comment").click()
    reviewer.get_by_text("Comment added.").wait_for()
    reviewer_ctx.close()

    team.reload()
    team.get_by_label("Accept").check()
    team.get_by_role("button", name="Resolve").click()
    team.get_by_text("Comment resolved.").wait_for()
    team.get_by_role("button", name="Mark as revised").click()
    team.get_by_role("button", name="Send for leadership review").click()
    team.get_by_text("Sent for leadership review.").wait_for()

    leader_ctx, leader = session(Role.LEADERSHIP)
    leader.goto(m.PlanningDocument.objects.get().get_absolute_url())
    assert leader.get_by_role("link", name="Edit", exact=True).count() == 0
    leader.get_by_role("button", name="Approve version 1").click()
    leader.get_by_text("Status: Approved", exact=False).wait_for()
    leader_ctx.close()

    team.reload()
    team.get_by_role("button", name="Reopen as version 2").click()
    team.get_by_role("link", name=EDIT_NEED).click()
    team.get_by_label("Body").fill("IDEA and exiting data are under increased scrutiny.")
    team.get_by_role("button", name="Save section").click()
    team.get_by_role("button", name="Compare versions").click()
    team.get_by_role("button", name="Compare", exact=True).click()
    assert (
        "IDEA and exiting data are under increased scrutiny."
        in team.locator("ins").all_inner_texts()[0]
    )
    assert_accessible(team)
    team_ctx.close()


@pytest.mark.django_db(transaction=True)
def test_repeat_self_assessment_and_see_progress(browser_page, world):
    from django.apps import apps

    from tests.usecases.factories import DataFlowFactory
    from usecases.services.seed import load_default_instrument

    load_default_instrument(apps.get_model)  # transactional tests flush migration data
    instrument = m.Instrument.objects.get()
    item = m.AssessmentItem.objects.filter(dimension__instrument=instrument).first()
    DataFlowFactory(data="Child count", method="manual")
    page = browser_page
    login_as(page, world.users[Role.SEA_TEAM])

    for name, level in [("Baseline", "1"), ("After the project", "3")]:
        page.goto("/usecases/assessments/add/")
        page.get_by_label("Instrument").select_option(str(instrument.pk))
        page.get_by_label("Name").fill(name)
        page.get_by_role("button", name="Save").click()
        page.get_by_role("heading", level=1).filter(has_text=name).wait_for()
        rating = page.get_by_role("group", name=item.text)
        rating.get_by_label(f"{level}:", exact=False).check()
        page.get_by_role("button", name="Save ratings").click()
        page.get_by_text("Saved 1 rating.", exact=False).wait_for()
        page.get_by_label("The team's agreed rating").check()
        page.get_by_role("group", name=item.text).get_by_label(f"{level}:", exact=False).check()
        page.get_by_role("button", name="Save ratings").click()
        page.get_by_text("Saved 1 rating.", exact=False).wait_for()
    assert_accessible(page)

    page.goto("/usecases/assessments/compare/")
    moved = page.get_by_role("table", name="Items that moved between the first and last round")
    assert "up 2" in moved.inner_text()
    assert page.locator("svg.chart").count() == 1 + instrument.dimensions.count()
    assert_accessible(page)

    for url in ["/usecases/", "/usecases/systems/diagram/", "/usecases/coherence/"]:
        page.goto(url)
        assert_accessible(page)
