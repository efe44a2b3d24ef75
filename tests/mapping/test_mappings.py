"""Element mapping: review workflow, consistency checks, suggestions, feedback, bulk actions."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mapping.models import EdFiProperty, ElementMapping, MappingFeedback, MappingKind
from mapping.services import mappings as services
from mapping.services.suggestions import suggest_descriptor_values, suggest_properties
from rolloutplanner.roles import Role
from tests.mapping import factories as f


@pytest.fixture
def birth_date(db):
    return f.EdFiPropertyFactory()


@pytest.fixture
def mapping(birth_date):
    plan = f.MappingPlanFactory(data_standard_version=birth_date.resource.version)
    element = f.StateElementFactory(collection=f.StateCollectionFactory(plan=plan))
    return f.ElementMappingFactory(element=element)


def test_review_workflow_and_approved_mappings_change_only_through_a_new_review(
    mapping, birth_date, sea_user, sea_reviewer
):
    services.update_mapping(
        mapping=mapping, user=sea_user, kind=MappingKind.ONE_TO_ONE, targets=[birth_date]
    )
    services.transition_mapping(mapping=mapping, transition="submit", user=sea_user)
    approved = services.transition_mapping(mapping=mapping, transition="approve", user=sea_reviewer)
    assert approved.status == "approved" and approved.approved_by == sea_reviewer
    assert approved.submitted_by == sea_user

    with pytest.raises(ValidationError, match="start a new review"):
        services.update_mapping(mapping=approved, user=sea_user, comments="Quick fix")
    with pytest.raises(ValidationError, match="cannot be approved"):
        services.transition_mapping(mapping=approved, transition="approve", user=sea_reviewer)

    reopened = services.transition_mapping(mapping=approved, transition="reopen", user=sea_user)
    services.update_mapping(mapping=reopened, user=sea_user, comments="Reviewed again")
    reasons = [h.history_change_reason for h in reopened.history.all()]
    assert "approved" in reasons and "new review started" in reasons


def test_targets_must_exist_in_the_targeted_version(mapping, sea_user):
    other_version = f.DataStandardVersionFactory(version="4.0.0")
    foreign = f.EdFiPropertyFactory(resource=f.EdFiResourceFactory(version=other_version))
    with pytest.raises(ValidationError, match="not in the targeted Data Standard 5.2.0"):
        services.update_mapping(
            mapping=mapping, user=sea_user, kind=MappingKind.ONE_TO_ONE, targets=[foreign]
        )
    with pytest.raises(ValidationError, match="names at least one Ed-Fi property"):
        services.update_mapping(mapping=mapping, user=sea_user, kind=MappingKind.CLOSE, targets=[])
    with pytest.raises(ValidationError, match="has no Ed-Fi target"):
        services.update_mapping(
            mapping=mapping,
            user=sea_user,
            kind=MappingKind.RETIRE,
            targets=[f.EdFiPropertyFactory(path="Sex")],
        )


def test_identity_properties_of_used_resources_must_be_fed(mapping, birth_date, sea_user):
    f.EdFiPropertyFactory(path="StudentUniqueId", is_identity=True, data_type="string")
    services.update_mapping(
        mapping=mapping, user=sea_user, kind=MappingKind.ONE_TO_ONE, targets=[birth_date]
    )
    plan = mapping.element.collection.plan
    gaps = services.identity_gaps(plan=plan)
    assert [(g.resource, g.property_path) for g in gaps] == [("Student", "StudentUniqueId")]

    id_mapping = f.ElementMappingFactory(
        element=f.StateElementFactory(collection=mapping.element.collection, name="Student ID")
    )
    services.accept_suggestion(
        mapping=id_mapping,
        target=EdFiProperty.objects.get(path="StudentUniqueId"),
        user=sea_user,
    )
    assert services.identity_gaps(plan=plan) == []


def test_suggestions_on_the_real_catalog_explain_themselves(catalog):
    plan = f.MappingPlanFactory(data_standard_version=catalog)
    collection = f.StateCollectionFactory(plan=plan)
    element = f.StateElementFactory(
        collection=collection,
        name="Exit Withdraw Date",
        definition="The date the student left the school.",
        data_type="date",
    )
    suggestions = suggest_properties(element=element)
    assert str(suggestions[0].target) == "StudentSchoolAssociation.ExitWithdrawDate"
    assert any("name shares" in reason for reason in suggestions[0].reasons)
    assert "data type date fits" in suggestions[0].reasons

    code_set = f.StateCodeSetFactory(
        plan=plan, descriptor=catalog.descriptors.get(name="SexDescriptor")
    )
    code = f.StateCodeFactory(code_set=code_set, code="F", description="Female")
    best = suggest_descriptor_values(state_code=code)[0]
    assert best.target.code_value == "Female" and "same code or description" in best.reasons


def test_one_click_accept_from_the_mapping_page(client, world, catalog):
    plan = f.MappingPlanFactory(data_standard_version=catalog)
    element = f.StateElementFactory(
        collection=f.StateCollectionFactory(plan=plan),
        name="Incident Date",
        definition="Date of the discipline incident.",
    )
    mapping = f.ElementMappingFactory(element=element)
    client.force_login(world.users[Role.SEA_TEAM])
    page = client.get(mapping.get_absolute_url())
    assert b"DisciplineIncident.IncidentDate" in page.content and b"Accept" in page.content
    target = EdFiProperty.objects.get(resource__name="DisciplineIncident", path="IncidentDate")

    response = client.post(
        reverse("mapping:elementmapping-accept", args=[mapping.pk]), {"target": target.pk}
    )

    assert response.status_code == 302
    mapping.refresh_from_db()
    assert mapping.kind == MappingKind.ONE_TO_ONE and list(mapping.targets.all()) == [target]


def test_edit_page_validates_typed_targets_and_refuses_approved_rows(
    client, world, mapping, sea_reviewer
):
    client.force_login(world.users[Role.SEA_TEAM])
    url = reverse("mapping:elementmapping-edit", args=[mapping.pk])
    response = client.post(url, {"kind": "one_to_one", "target_paths": "Student.NoSuchThing"})
    assert b"Not in Ed-Fi Data Standard 5.2.0: Student.NoSuchThing" in response.content

    response = client.post(url, {"kind": "one_to_one", "target_paths": "Student.BirthDate"})
    assert response.status_code == 302
    assert [str(t) for t in mapping.targets.all()] == ["Student.BirthDate"]

    transition = reverse("mapping:elementmapping-transition", args=[mapping.pk])
    client.post(transition, {"transition": "submit"})
    client.force_login(sea_reviewer)
    client.post(transition, {"transition": "approve"})
    mapping.refresh_from_db()
    assert mapping.status == "approved"
    response = client.post(url, {"kind": "extension", "target_paths": ""})
    assert b"start a new review" in response.content
    mapping.refresh_from_db()
    assert mapping.kind == MappingKind.ONE_TO_ONE


def test_api_filters_edits_and_transitions(api_client, world, mapping, birth_date, sea_reviewer):
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    url = reverse("api:elementmapping-detail", args=[mapping.pk])
    response = api_client.patch(
        url, {"kind": "one_to_one", "targets": [birth_date.pk]}, format="json"
    )
    assert response.status_code == 200, response.data
    assert response.data["target_paths"] == ["Student.BirthDate"]
    assert api_client.patch(url, {"status": "approved"}, format="json").data["status"] == "draft"

    action = reverse("api:elementmapping-transition", args=[mapping.pk])
    assert api_client.post(action, {"transition": "approve"}).status_code == 400
    assert api_client.post(action, {"transition": "submit"}).data["status"] == "in_review"
    api_client.force_authenticate(sea_reviewer)
    assert api_client.post(action, {"transition": "approve"}).data["status"] == "approved"
    response = api_client.patch(url, {"comments": "x"}, format="json")
    assert response.status_code == 400 and "new review" in str(response.data)

    listed = api_client.get(
        reverse("api:elementmapping-list"), {"status": "approved", "resource": "Student"}
    )
    assert [row["id"] for row in listed.data["results"]] == [mapping.pk]
    assert (
        api_client.get(reverse("api:elementmapping-list"), {"kind": "retire"}).data["results"] == []
    )


def test_lea_coordinator_may_read_and_leave_feedback_but_not_edit(
    client, api_client, world, mapping
):
    coordinator = world.users[Role.LEA_COORDINATOR]
    client.force_login(coordinator)
    page = client.get(mapping.get_absolute_url())
    assert page.status_code == 200 and b"Send feedback" in page.content
    assert b"Accept" not in page.content and b"Submit for review" not in page.content

    response = client.post(
        reverse("mapping:elementmapping-feedback", args=[mapping.pk]),
        {"body": "This does not match our practice: we report the birth certificate date."},
    )
    assert response.status_code == 302
    feedback = MappingFeedback.objects.get()
    assert feedback.lea == world.own_lea and feedback.author == coordinator
    assert (
        client.post(
            reverse("mapping:elementmapping-transition", args=[mapping.pk]),
            {"transition": "submit"},
        ).status_code
        == 403
    )

    leadership = world.users[Role.LEADERSHIP]
    client.force_login(leadership)
    assert b"Send feedback" not in client.get(mapping.get_absolute_url()).content
    denied = client.post(
        reverse("mapping:elementmapping-feedback", args=[mapping.pk]), {"body": "Hm"}
    )
    assert denied.status_code == 403

    client.force_login(world.users[Role.SEA_TEAM])
    response = client.post(
        reverse("mapping:mappingfeedback-edit", args=[feedback.pk]),
        {"answer": "We will add a transformation rule.", "status": ""},
    )
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == "answered" and feedback.answered_by == world.users[Role.SEA_TEAM]
    listed = ElementMapping.objects.for_list().get(pk=mapping.pk)
    assert listed.open_feedback == 0


def test_bulk_status_and_owner(client, world, mapping, birth_date, sea_user, sea_reviewer):
    other = f.ElementMappingFactory(
        element=f.StateElementFactory(collection=mapping.element.collection)
    )
    client.force_login(sea_user)
    response = client.post(
        reverse("mapping:elementmapping-bulk"),
        {"mappings": [mapping.pk, other.pk], "status": "in_review", "owner": sea_user.pk},
    )
    assert response.status_code == 302
    rows = ElementMapping.objects.filter(pk__in=[mapping.pk, other.pk])
    assert {(m.status, m.owner_id) for m in rows} == {("in_review", sea_user.pk)}

    with pytest.raises(ValidationError, match="it is not mapped yet"):
        services.bulk_update_mappings(mappings=list(rows), user=sea_reviewer, status="approved")
    # all or nothing: the mapping without targets blocked the whole batch
    assert {m.status for m in ElementMapping.objects.filter(pk__in=[mapping.pk, other.pk])} == {
        "in_review"
    }

    client.force_login(world.users[Role.VENDOR_CONTACT])
    response = client.post(
        reverse("mapping:elementmapping-bulk"), {"mappings": [mapping.pk], "status": "draft"}
    )
    assert response.status_code == 302
    mapping.refresh_from_db()
    assert mapping.status == "in_review"


def test_mapping_list_page_filters_and_shows_rows(client, world, mapping):
    client.force_login(world.users[Role.VENDOR_CONTACT])
    response = client.get(reverse("mapping:elementmapping-list"), {"kind": "not_mapped"})
    assert response.status_code == 200
    assert mapping.element.name.encode() in response.content
    assert b"Apply to selected rows" not in response.content


def _queries_for(client, url, params) -> int:
    from django.db import connection

    executed = []

    def counter(execute, sql, params_, many, context):
        executed.append(sql)
        return execute(sql, params_, many, context)

    with connection.execute_wrapper(counter):
        response = client.get(url, params)
    assert response.status_code == 200
    return len(executed)


def _add_rows(collection, count):
    for _ in range(count):
        target = f.EdFiPropertyFactory(path=f"Path{f.StateCodeFactory().pk}")
        mapping = f.ElementMappingFactory(
            element=f.StateElementFactory(collection=collection), kind="one_to_one"
        )
        mapping.targets.set([target])
        f.MappingFeedbackFactory(mapping=mapping)


@pytest.mark.parametrize(
    "url_name", ["mapping:elementmapping-list", "api:elementmapping-list"], ids=["page", "api"]
)
def test_mapping_lists_use_a_constant_number_of_queries(client, world, mapping, url_name):
    client.force_login(world.users[Role.SEA_TEAM])
    collection = mapping.element.collection
    params = {"plan": collection.plan_id}
    _add_rows(collection, 2)
    few = _queries_for(client, reverse(url_name), params)
    _add_rows(collection, 8)
    many = _queries_for(client, reverse(url_name), params)
    assert few == many and few > 3


def test_code_set_page_ranks_codes_in_constant_queries_and_accepts_in_one_click(
    client, world, catalog
):
    plan = f.MappingPlanFactory(data_standard_version=catalog)
    code_set = f.StateCodeSetFactory(
        plan=plan, descriptor=catalog.descriptors.get(name="SexDescriptor")
    )
    female = f.StateCodeFactory(code_set=code_set, code="F", description="Female")
    client.force_login(world.users[Role.SEA_TEAM])
    few = _queries_for(client, code_set.get_absolute_url(), {})
    for code, meaning in (("M", "Male"), ("X", "Not selected"), ("U", "Unknown")):
        f.StateCodeFactory(code_set=code_set, code=code, description=meaning)
    page = client.get(code_set.get_absolute_url())
    assert b"Map to Female" in page.content and b"no Ed-Fi target" in page.content
    assert _queries_for(client, code_set.get_absolute_url(), {}) == few

    value = code_set.descriptor.values.get(code_value="Female")
    response = client.post(
        reverse("mapping:statecode-accept", args=[female.pk]), {"value": value.pk}
    )
    assert response.status_code == 302
    assert female.descriptor_mapping.descriptor_value == value
    client.force_login(world.users[Role.LEA_COORDINATOR])
    denied = client.post(reverse("mapping:statecode-accept", args=[female.pk]), {"value": value.pk})
    assert denied.status_code == 403
