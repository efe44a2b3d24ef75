"""Seed data (never the ODS as source), extensions, practice changes and data lineage."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mapping.models import EdFiResource, refuse_ods_as_source
from mapping.services.lineage import lineage_conflicts, lineage_graph
from rolloutplanner.roles import Role
from tests.mapping import factories as f


@pytest.mark.parametrize("source", ["ODS", "ODS / API", "Ed-Fi ODS", "Operational Data Store"])
def test_the_ods_is_never_the_source_of_truth(source):
    with pytest.raises(ValidationError, match="The ODS cannot be the authoritative source"):
        refuse_ods_as_source(source)


def test_real_systems_are_accepted_as_sources():
    for source in ("State education directory", "SIS", "Course catalog (CODS)"):
        refuse_ods_as_source(source)


@pytest.mark.django_db
def test_seed_data_form_and_api_refuse_the_ods_and_explain_why(client, api_client, world):
    plan = f.MappingPlanFactory()
    sea = world.users[Role.SEA_TEAM]
    client.force_login(sea)
    payload = {
        "plan": plan.pk,
        "category": "programs",
        "element": "Programs",
        "authoritative_source": "ODS",
        "delivery": "Loaded each July.",
    }
    response = client.post(reverse("mapping:seeddataelement-add"), payload)
    assert response.status_code == 200
    assert b"only stores what source systems send" in response.content
    api_client.force_authenticate(sea)
    response = api_client.post(reverse("api:seeddataelement-list"), payload, format="json")
    assert response.status_code == 400 and "authoritative_source" in str(response.data)
    payload["authoritative_source"] = "State program registry"
    assert api_client.post(reverse("api:seeddataelement-list"), payload).status_code == 201


@pytest.fixture
def lineage_plan(catalog):
    plan = f.MappingPlanFactory(data_standard_version=catalog)

    def resource(name):
        return EdFiResource.objects.get(version=catalog, name=name)

    f.LineageAssignmentFactory(plan=plan, resource=resource("School"), source_system="state")
    f.LineageAssignmentFactory(plan=plan, resource=resource("Student"), load_order=2)
    f.LineageAssignmentFactory(
        plan=plan, resource=resource("StudentSchoolAssociation"), load_order=3
    )
    return plan, resource


def test_ordered_lineage_has_no_conflicts_and_draws_layers(lineage_plan):
    plan, _ = lineage_plan
    assert lineage_conflicts(plan=plan) == []
    graph = lineage_graph(plan=plan)
    assert graph.steps == [1, 2, 3]
    edges = {(a.resource, b.resource) for a, b in graph.edges}
    assert ("StudentSchoolAssociation", "Student") in edges
    assert ("StudentSchoolAssociation", "School") in edges
    assert len({node.x for node in graph.nodes}) == 3


def test_conflicts_same_step_writers_and_loading_before_a_reference(lineage_plan):
    plan, resource = lineage_plan
    f.LineageAssignmentFactory(
        plan=plan,
        resource=resource("StudentSchoolAssociation"),
        source_system="iep",
        load_order=3,
    )
    f.LineageAssignmentFactory(
        plan=plan, resource=resource("StudentSpecialEducationProgramAssociation"), load_order=1
    )
    messages = [c.message for c in lineage_conflicts(plan=plan)]
    assert any(
        "both write StudentSchoolAssociation (all properties) in step 3" in m for m in messages
    )
    assert any(
        "StudentSpecialEducationProgramAssociation loads in step 1 but references Student" in m
        for m in messages
    )


def test_writers_of_different_properties_in_one_step_do_not_conflict(lineage_plan):
    plan, resource = lineage_plan
    student = resource("Student")
    student.lineage.update(properties="BirthData.BirthDate")
    f.LineageAssignmentFactory(
        plan=plan, resource=student, source_system="iep", load_order=2, properties="Name.FirstName"
    )
    assert lineage_conflicts(plan=plan) == []


def test_lineage_page_shows_the_graph_and_conflicts(client, world, lineage_plan):
    plan, resource = lineage_plan
    f.LineageAssignmentFactory(plan=plan, resource=resource("Student"), source_system="iep")
    client.force_login(world.users[Role.VENDOR_CONTACT])
    page = client.get(reverse("mapping:mappingplan-lineage", args=[plan.pk]))
    assert page.status_code == 200
    assert b"<svg" in page.content and b"Step 3" in page.content
    assert b"Conflict (loaded before its reference)" not in page.content
    assert b"Conflict (same step)" not in page.content
