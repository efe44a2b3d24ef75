"""The collection grid: many rows edited in place through the mapping service, all or nothing."""

import pytest
from django.urls import reverse

from mapping.models import ElementMapping, MappingKind, MappingStatus
from mapping.services import mappings as services
from rolloutplanner.roles import Role
from tests.factories import make_user
from tests.mapping import factories as f

STUDENT_ID = "Student.StudentUniqueId"
BIRTH_DATE = "Student.BirthData.BirthDate"


@pytest.fixture
def collection(catalog):
    plan = f.MappingPlanFactory(data_standard_version=catalog)
    collection = f.StateCollectionFactory(plan=plan, name="Fall membership")
    for name in ("STUDENT_ID", "BIRTHDATE", "GRADE_LVL"):
        f.ElementMappingFactory(element=f.StateElementFactory(collection=collection, name=name))
    return collection


def grid_url(collection):
    return reverse("mapping:statecollection-grid", args=[collection.pk])


def mapping(name) -> ElementMapping:
    return ElementMapping.objects.get(element__name=name)


def opened(client, collection) -> dict:
    """The grid's POST data as the page was opened (nothing changed yet)."""
    response = client.get(grid_url(collection))
    assert response.status_code == 200
    data = {}
    for row in response.context["rows"]:
        form = row["form"]
        for name in ("version", "kind", "targets", "transformation_rule", "owner", "status"):
            value = form.initial.get(name)
            data[f"{form.prefix}-{name}"] = "" if value is None else value
    return data


def row(name, field) -> str:
    return f"row-{mapping(name).pk}-{field}"


def test_changed_rows_are_saved_through_the_mapping_service(client, collection, sea_user):
    client.force_login(sea_user)
    data = opened(client, collection)
    data[row("STUDENT_ID", "kind")] = MappingKind.ONE_TO_ONE
    data[row("STUDENT_ID", "targets")] = STUDENT_ID
    data[row("BIRTHDATE", "kind")] = MappingKind.ONE_TO_ONE
    data[row("BIRTHDATE", "targets")] = BIRTH_DATE
    data[row("BIRTHDATE", "owner")] = sea_user.pk
    data[row("BIRTHDATE", "status")] = MappingStatus.IN_REVIEW
    untouched = mapping("GRADE_LVL").history.count()

    response = client.post(grid_url(collection), data)

    assert response.status_code == 302
    birth = mapping("BIRTHDATE")
    assert [str(t) for t in birth.targets.all()] == [BIRTH_DATE]
    assert birth.owner == sea_user and birth.status == MappingStatus.IN_REVIEW
    assert birth.submitted_by == sea_user
    assert mapping("STUDENT_ID").status == MappingStatus.DRAFT
    assert mapping("GRADE_LVL").history.count() == untouched


def test_one_refused_row_saves_nothing_and_is_named(client, collection, sea_user):
    client.force_login(sea_user)
    data = opened(client, collection)
    data[row("STUDENT_ID", "kind")] = MappingKind.ONE_TO_ONE
    data[row("STUDENT_ID", "targets")] = STUDENT_ID
    data[row("GRADE_LVL", "kind")] = MappingKind.ONE_TO_ONE
    data[row("GRADE_LVL", "targets")] = "Student.GradeLevel"

    response = client.post(grid_url(collection), data)

    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was saved." in body
    assert "GRADE_LVL</a>: Not in Ed-Fi Data Standard 5.2.0: Student.GradeLevel." in body
    assert mapping("STUDENT_ID").kind == MappingKind.NOT_MAPPED


def test_a_row_changed_since_the_grid_was_opened_is_refused(client, collection, sea_user):
    client.force_login(sea_user)
    data = opened(client, collection)
    other = make_user(Role.SEA_TEAM, username="colleague")
    services.update_mapping(mapping=mapping("GRADE_LVL"), user=other, comments="Checked")
    data[row("GRADE_LVL", "transformation_rule")] = "KG → Kindergarten"

    response = client.post(grid_url(collection), data)

    assert response.status_code == 400
    assert "since you opened it" in response.content.decode()
    assert mapping("GRADE_LVL").transformation_rule == ""


def test_bulk_changes_apply_to_the_selected_rows(client, collection, sea_user):
    client.force_login(sea_user)
    data = opened(client, collection)
    for name in ("STUDENT_ID", "BIRTHDATE"):
        data[row(name, "selected")] = "on"
    data.update(
        {"bulk_kind": MappingKind.CLOSE, "bulk_target": STUDENT_ID, "bulk_owner": sea_user.pk}
    )

    assert client.post(grid_url(collection), data).status_code == 302

    for name in ("STUDENT_ID", "BIRTHDATE"):
        changed = mapping(name)
        assert changed.kind == MappingKind.CLOSE and changed.owner == sea_user
        assert [str(t) for t in changed.targets.all()] == [STUDENT_ID]
    assert mapping("GRADE_LVL").kind == MappingKind.NOT_MAPPED


def test_the_grid_cannot_approve_ones_own_change(client, collection, sea_user):
    client.force_login(sea_user)
    data = opened(client, collection)
    data[row("STUDENT_ID", "kind")] = MappingKind.ONE_TO_ONE
    data[row("STUDENT_ID", "targets")] = STUDENT_ID
    data[row("STUDENT_ID", "status")] = MappingStatus.IN_REVIEW
    assert client.post(grid_url(collection), data).status_code == 302

    data = opened(client, collection)
    data[row("STUDENT_ID", "status")] = MappingStatus.APPROVED
    response = client.post(grid_url(collection), data)
    assert response.status_code == 400
    assert mapping("STUDENT_ID").status == MappingStatus.IN_REVIEW


@pytest.mark.parametrize("role", [Role.LEADERSHIP, Role.LEA_COORDINATOR, Role.VENDOR_CONTACT])
def test_roles_that_may_not_change_mappings_read_the_grid_without_controls(
    client, collection, world, role
):
    client.force_login(world.users[role])
    page = client.get(grid_url(collection))
    assert page.status_code == 200
    assert 'name="row-' not in page.content.decode()
    assert client.post(grid_url(collection), {"bulk_kind": "close"}).status_code == 403


def test_property_search_lists_only_the_plans_version_once(client, collection, sea_user):
    other_version = f.DataStandardVersionFactory(version="4.0.0")
    f.EdFiPropertyFactory(
        resource=f.EdFiResourceFactory(version=other_version, name="Student"),
        path="BirthData.BirthDate",
    )
    client.force_login(sea_user)
    url = reverse("mapping:mappingplan-property-search", args=[collection.plan.pk])
    results = client.get(url, {"q": "student birthdate"}).json()["results"]
    paths = [r["path"] for r in results]
    assert paths.count(BIRTH_DATE) == 1
    assert client.get(url, {"q": "studentuniqueid"}).json()["results"][0]["path"] == STUDENT_ID
