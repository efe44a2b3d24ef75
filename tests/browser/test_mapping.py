"""Mapping in a real browser: import a spec, map with a suggestion, review, run coverage;
an LEA coordinator leaves feedback but cannot edit."""

import pytest
from django.urls import reverse

from mapping.models import ElementMapping, MappingFeedback
from mapping.services.catalog import import_edfi_model
from rolloutplanner.roles import Role
from tests.mapping import factories as f
from tests.mapping.conftest import CATALOG_DIR
from tests.support.browser import assert_accessible, login_as

pytestmark = pytest.mark.browser

SPEC = b"""collection,element,definition,data_type,required,code_set,allowed_values
Fall Child Count,Exit Withdraw Date,The date the student left the school,date,yes,,
Fall Child Count,Sex,The student's birth sex,code,yes,Sex,F=Female; M=Male
"""


def _plan():
    version = import_edfi_model(directory=CATALOG_DIR).version
    return f.MappingPlanFactory(name="Statewide plan", data_standard_version=version)


@pytest.mark.celery_worker
def test_sea_team_imports_maps_reviews_and_runs_coverage(
    browser_page, world, sea_reviewer, celery_worker
):
    plan = _plan()
    page = browser_page
    login_as(page, world.users[Role.SEA_TEAM])

    page.goto(reverse("mapping:mappingplan-import", args=[plan.pk]))
    page.get_by_label("Collection specification (.csv or .xlsx)").set_input_files(
        files=[{"name": "fall.csv", "mimeType": "text/csv", "buffer": SPEC}]
    )
    page.get_by_role("button", name="Import").click()
    assert "2 elements created" in page.locator(".messages").inner_text()
    assert_accessible(page)

    mapping = ElementMapping.objects.get(element__name="Exit Withdraw Date")
    page.goto(mapping.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("button", name="Accept StudentSchoolAssociation.ExitWithdrawDate").click()
    assert (
        "StudentSchoolAssociation.ExitWithdrawDate"
        in page.get_by_role("table", name="Ed-Fi targets").inner_text()
    )
    page.get_by_role("button", name="Submit for review").click()
    # four eyes: the author is told why there is no Approve button; a colleague approves
    assert "cannot approve it yourself" in page.locator("#approval-refused").inner_text()
    assert page.get_by_role("button", name="Approve").count() == 0
    assert_accessible(page)
    login_as(page, sea_reviewer)
    page.goto(mapping.get_absolute_url())
    page.get_by_role("button", name="Approve").click()
    assert page.get_by_role("button", name="Start a new review").is_visible()
    mapping.refresh_from_db()
    assert mapping.status == "approved"

    page.goto(plan.get_absolute_url())
    page.get_by_role("button", name="Run coverage").click()
    page.wait_for_url("**/jobs/*/")
    page.get_by_test_id("job-state").filter(has_text="Succeeded").wait_for(timeout=30000)
    page.get_by_role("link", name="See the result").click()
    assert "50.0%" in page.get_by_role("table", name="Overall by review status").inner_text()
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_lea_coordinator_leaves_feedback_but_cannot_edit(browser_page, world):
    plan = _plan()
    collection = f.StateCollectionFactory(plan=plan)
    mapping = f.ElementMappingFactory(element=f.StateElementFactory(collection=collection))
    page = browser_page
    login_as(page, world.users[Role.LEA_COORDINATOR])

    page.goto(mapping.get_absolute_url())
    assert page.get_by_role("link", name="Edit").count() == 0
    page.get_by_label("Your feedback").fill(
        "This does not match our practice: we use the IEP date."
    )
    page.get_by_role("button", name="Send feedback").click()
    assert "the SEA team will answer" in page.locator(".messages").inner_text()
    assert (
        "we use the IEP date" in page.get_by_role("region", name="Feedback from LEAs").inner_text()
    )
    assert MappingFeedback.objects.get().lea == world.own_lea
    assert_accessible(page)

    response = page.goto(reverse("mapping:elementmapping-edit", args=[mapping.pk]))
    assert response.status == 403
