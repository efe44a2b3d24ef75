"""Seed data (its source an inventory system, never an ODS), extensions, practice changes
and data lineage."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mapping.models import EdFiResource, SeedDataElement
from mapping.models.planning import ODS_AS_SOURCE
from mapping.services.lineage import lineage_conflicts, lineage_graph
from rolloutplanner.roles import Role
from tests.mapping import factories as f
from tests.usecases.factories import DataSystemFactory
from usecases.models import SystemType


def _seed_payload(plan, source) -> dict:
    return {
        "plan": plan.pk,
        "category": "programs",
        "element": "Programs",
        "authoritative_source": source.pk,
        "delivery": "Loaded each July.",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["ODS", "Ed-Fi ODS/API", "ODS/API", "the ODS", "State Ed-Fi ODS", "Ed-Fi API"]
)
def test_no_ods_of_the_inventory_is_accepted_as_source_whatever_its_name(
    client, api_client, world, name
):
    plan = f.MappingPlanFactory()
    ods = DataSystemFactory(name=name, system_type=SystemType.ODS)
    sea = world.users[Role.SEA_TEAM]
    client.force_login(sea)
    api_client.force_authenticate(sea)

    page = client.post(reverse("mapping:seeddataelement-add"), _seed_payload(plan, ods))
    api = api_client.post(
        reverse("api:seeddataelement-list"), _seed_payload(plan, ods), format="json"
    )

    assert page.status_code == 200
    assert page.context["form"].errors["authoritative_source"] == [ODS_AS_SOURCE]
    assert api.status_code == 400
    assert api.json()["error"]["fields"]["authoritative_source"] == [ODS_AS_SOURCE]
    with pytest.raises(ValidationError, match="The ODS cannot be the authoritative source"):
        f.SeedDataElementFactory.build(plan=plan, authoritative_source=ods).full_clean()
    assert not SeedDataElement.objects.exists()


@pytest.mark.django_db
def test_a_source_system_of_the_inventory_is_accepted_on_the_page_and_the_api(
    client, api_client, world
):
    plan = f.MappingPlanFactory()
    registry = DataSystemFactory(name="State program registry", system_type=SystemType.OTHER)
    sis = DataSystemFactory(name="Campus SIS", system_type=SystemType.SIS)
    sea = world.users[Role.SEA_TEAM]
    client.force_login(sea)
    api_client.force_authenticate(sea)

    page = client.post(reverse("mapping:seeddataelement-add"), _seed_payload(plan, registry))
    api = api_client.post(
        reverse("api:seeddataelement-list"), _seed_payload(plan, sis), format="json"
    )

    assert page.status_code == 302
    assert api.status_code == 201
    assert set(SeedDataElement.objects.values_list("authoritative_source__name", flat=True)) == {
        "State program registry",
        "Campus SIS",
    }


@pytest.mark.django_db
def test_the_api_cannot_move_seed_data_onto_the_ods_or_drop_its_source(api_client, world):
    seed = f.SeedDataElementFactory()
    ods = DataSystemFactory(name="Ed-Fi ODS/API", system_type=SystemType.ODS)
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    url = reverse("api:seeddataelement-detail", args=[seed.pk])

    onto_ods = api_client.patch(url, {"authoritative_source": ods.pk}, format="json")
    dropped = api_client.patch(url, {"authoritative_source": None}, format="json")

    assert onto_ods.status_code == 400 and dropped.status_code == 400
    seed.refresh_from_db()
    assert seed.authoritative_source.system_type == SystemType.OTHER


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
