"""The mapping grid without a mouse: type targets with suggestions, move between rows with the
keyboard, save with Enter; the page and the own-layout import pass axe."""

import pytest
from django.urls import reverse

from mapping.models import ElementMapping, MappingKind
from mapping.services.catalog import import_edfi_model
from rolloutplanner.roles import Role
from tests.mapping import factories as f
from tests.mapping.conftest import CATALOG_DIR
from tests.support.browser import assert_accessible, login_as

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_collection_is_mapped_in_the_grid_by_keyboard(browser_page, world):
    version = import_edfi_model(directory=CATALOG_DIR).version
    plan = f.MappingPlanFactory(name="Statewide plan", data_standard_version=version)
    collection = f.StateCollectionFactory(plan=plan, name="Fall membership")
    for name in ("STUDENT_ID", "BIRTHDATE"):
        f.ElementMappingFactory(element=f.StateElementFactory(collection=collection, name=name))
    page = browser_page
    login_as(page, world.users[Role.SEA_TEAM])
    page.goto(reverse("mapping:statecollection-grid", args=[collection.pk]))
    assert_accessible(page)

    # rows are in element-name order: BIRTHDATE, then STUDENT_ID
    page.get_by_label("Kind of BIRTHDATE").focus()
    page.keyboard.press("Tab")  # along the row, to the targets
    page.keyboard.type("Student.BirthData.BirthDate")
    page.keyboard.press("Escape")  # closes any suggestions
    page.keyboard.press("Control+ArrowDown")  # to the same column of the next row
    student_id = ElementMapping.objects.get(element__name="STUDENT_ID")
    assert page.evaluate("document.activeElement.id") == f"id_row-{student_id.pk}-targets"
    page.keyboard.type("studentuniqueid")
    page.wait_for_function(
        "document.querySelectorAll('#grid-properties option').length > 0", timeout=10000
    )
    first = page.locator("#grid-properties option").first.get_attribute("value")
    assert first == "Student.StudentUniqueId"
    page.keyboard.press("Control+a")
    page.keyboard.type(first)
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+Tab")  # back to its kind
    page.keyboard.press("Home")  # 1:1 is the first kind
    page.keyboard.press("Control+ArrowUp")  # the kind of the row above
    page.keyboard.press("Home")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    errors = page.locator("#grid-errors")
    assert errors.count() == 0, errors.inner_text()
    assert "Saved 2 changed rows." in page.locator(".messages").inner_text()
    for name, target in (
        ("STUDENT_ID", "Student.StudentUniqueId"),
        ("BIRTHDATE", "Student.BirthData.BirthDate"),
    ):
        mapping = ElementMapping.objects.get(element__name=name)
        assert mapping.kind == MappingKind.ONE_TO_ONE
        assert [str(t) for t in mapping.targets.all()] == [target]

    page.goto(reverse("mapping:mappingplan-import-own", args=[plan.pk]))
    assert_accessible(page)
