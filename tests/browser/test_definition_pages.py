"""The report definition pages in a real browser: the add form (filled from a copy, saved with a
vocabulary error shown on its field), the edit form and the page with the generated SQL pass
axe (no serious or critical violation) and are used with the keyboard-reachable controls."""

import pytest

from parallel.models import ReportDefinition
from rolloutplanner.roles import Role
from tests.parallel.factories import shipped_definition
from tests.support.browser import assert_accessible, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_definition_form_and_sql_page_pass_axe(browser_page, world):
    original = shipped_definition()
    page = browser_page
    login_as(page, world.users[Role.SEA_TEAM])

    page.goto(original.get_absolute_url())
    assert page.get_by_role("region", name="DuckDB query deriving the Ed-Fi records").is_visible()
    assert page.get_by_text("Valid: every compared field").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Copy as new definition").click()
    page.wait_for_url("**/definitions/add/?copy=*")
    assert page.get_by_label("Code").input_value() == f"{original.code}-copy"
    assert_accessible(page)

    source = page.get_by_label("Ed-Fi source")
    source.fill(source.input_value().replace("specialEducationSettingDescriptor", "shoeSize"))
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("alert").filter(has_text="has no member 'shoeSize'").is_visible()
    assert_accessible(page)

    source = page.get_by_label("Ed-Fi source")
    source.fill(source.input_value().replace("shoeSize", "specialEducationSettingDescriptor"))
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/definitions/*/")
    created = ReportDefinition.objects.get(code=f"{original.code}-copy")

    page.goto(f"/parallel/definitions/{created.pk}/edit/")
    assert_accessible(page)
