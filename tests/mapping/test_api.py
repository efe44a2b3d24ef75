"""The mapping API in the OpenAPI schema, with the filters the issue names."""

import pytest
from django.urls import reverse

from rolloutplanner.roles import Role
from tests.mapping import factories as f

MAPPING_PATHS = {
    "/api/v1/edfi-versions/",
    "/api/v1/edfi-resources/",
    "/api/v1/edfi-properties/",
    "/api/v1/edfi-descriptors/",
    "/api/v1/edfi-descriptor-values/",
    "/api/v1/mapping-plans/",
    "/api/v1/state-collections/",
    "/api/v1/state-elements/",
    "/api/v1/state-code-sets/",
    "/api/v1/state-codes/",
    "/api/v1/element-mappings/",
    "/api/v1/element-mappings/{id}/transition/",
    "/api/v1/mapping-feedback/",
    "/api/v1/descriptor-mappings/",
    "/api/v1/local-code-sets/",
    "/api/v1/local-codes/",
    "/api/v1/coverage-runs/",
    "/api/v1/seed-data/",
    "/api/v1/extensions/",
    "/api/v1/practice-changes/",
    "/api/v1/lineage/",
}


@pytest.mark.django_db
def test_schema_lists_every_mapping_endpoint_and_the_mapping_filters(client, world):
    client.force_login(world.users[Role.SEA_TEAM])
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert set(schema["paths"]) >= MAPPING_PATHS
    parameters = {
        p["name"] for p in schema["paths"]["/api/v1/element-mappings/"]["get"]["parameters"]
    }
    assert {"collection", "kind", "status", "resource", "owner", "plan"} <= parameters


@pytest.mark.django_db
def test_feedback_posted_through_the_api_names_the_coordinators_lea(api_client, world):
    mapping = f.ElementMappingFactory()
    api_client.force_authenticate(world.users[Role.LEA_COORDINATOR])
    response = api_client.post(
        reverse("api:mappingfeedback-list"),
        {"mapping": mapping.pk, "body": "Our SIS stores this as a local code.", "lea": 999},
        format="json",
    )
    assert response.status_code == 201
    assert response.data["lea"] == world.own_lea.pk and response.data["status"] == "open"


@pytest.mark.django_db
def test_element_created_through_the_api_gets_a_draft_mapping(api_client, world):
    collection = f.StateCollectionFactory()
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    response = api_client.post(
        reverse("api:stateelement-list"),
        {"collection": collection.pk, "name": "Entry Date", "data_type": "date"},
        format="json",
    )
    assert response.status_code == 201
    listed = api_client.get(reverse("api:elementmapping-list"), {"collection": collection.pk})
    assert [(r["element_name"], r["kind"], r["status"]) for r in listed.data["results"]] == [
        ("Entry Date", "not_mapped", "draft")
    ]
