"""Where an Ed-Fi property is used, and copying a mapping to a sibling column (*_CODE →
*_DESC), on the pages and in the API."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mapping.models import ElementMapping, LineageAssignment, MappingKind
from mapping.services import mappings as services
from mapping.services import state as state_services
from mapping.services import versions
from rolloutplanner.roles import Role
from tests.mapping import factories as f


@pytest.fixture
def ethnicity(db, sea_user):
    """ETHNIC_CODE mapped to a property; ETHNIC_DESC and RACE_CODE not mapped yet."""
    prop = f.EdFiPropertyFactory(path="HispanicLatinoEthnicity", data_type="boolean")
    plan = f.MappingPlanFactory(data_standard_version=prop.resource.version)
    collection = f.StateCollectionFactory(plan=plan, name="Fall membership")
    elements = {
        name: state_services.create_element(
            collection=collection, name=name, definition="", data_type="string"
        )
        for name in ("ETHNIC_CODE", "ETHNIC_DESC", "RACE_CODE")
    }
    code = services.update_mapping(
        mapping=elements["ETHNIC_CODE"].mapping,
        user=sea_user,
        kind=MappingKind.CLOSE,
        targets=[prop],
        logical_map="Y → true",
        owner=sea_user,
    )
    return prop, plan, elements, code


def test_sibling_columns_are_found_by_name(ethnicity):
    _, _, elements, _ = ethnicity
    assert services.sibling_elements(elements["ETHNIC_CODE"]) == [elements["ETHNIC_DESC"]]
    assert services.sibling_elements(elements["RACE_CODE"]) == []


def test_copying_to_a_sibling_goes_through_the_edit_rules(ethnicity, sea_user):
    prop, _, elements, code = ethnicity
    with pytest.raises(ValidationError, match="nothing to copy"):
        services.copy_mapping_to_sibling(
            mapping=elements["ETHNIC_DESC"].mapping, sibling=elements["ETHNIC_CODE"], user=sea_user
        )
    copied = services.copy_mapping_to_sibling(
        mapping=code, sibling=elements["ETHNIC_DESC"], user=sea_user
    )
    assert copied.element == elements["ETHNIC_DESC"]
    assert (copied.kind, copied.logical_map, copied.owner) == ("close", "Y → true", sea_user)
    assert list(copied.targets.all()) == [prop]
    assert copied.history.first().history_change_reason == "copied from ETHNIC_CODE"

    with pytest.raises(ValidationError, match="not a sibling column"):
        services.copy_mapping_to_sibling(mapping=code, sibling=elements["RACE_CODE"], user=sea_user)
    ElementMapping.objects.filter(pk=copied.pk).update(status="approved")
    with pytest.raises(ValidationError, match="start a new review"):
        services.copy_mapping_to_sibling(
            mapping=code, sibling=elements["ETHNIC_DESC"], user=sea_user
        )


def test_the_mapping_page_copies_to_a_sibling_only_for_who_may_change(client, world, ethnicity):
    _, _, elements, code = ethnicity
    url = reverse("mapping:elementmapping-copy", args=[code.pk])
    sibling = elements["ETHNIC_DESC"]

    client.force_login(world.users[Role.LEA_COORDINATOR])
    assert b"Copy this mapping to" not in client.get(code.get_absolute_url()).content
    assert client.post(url, {"sibling": sibling.pk}).status_code == 403
    assert ElementMapping.objects.get(element=sibling).kind == MappingKind.NOT_MAPPED

    client.force_login(world.users[Role.SEA_TEAM])
    page = client.get(code.get_absolute_url()).content.decode()
    assert "Copy this mapping to ETHNIC_DESC" in page
    response = client.post(url, {"sibling": sibling.pk})
    assert response.status_code == 302
    assert ElementMapping.objects.get(element=sibling).kind == MappingKind.CLOSE
    refused = client.post(url, {"sibling": elements["RACE_CODE"].pk}, follow=True)
    assert "not a sibling column" in refused.content.decode()


def test_the_api_copies_to_a_sibling_only_for_who_may_change(api_client, world, ethnicity):
    prop, _, elements, code = ethnicity
    url = f"/api/v1/element-mappings/{code.pk}/copy-to-sibling/"
    sibling = elements["ETHNIC_DESC"]

    for role in (Role.LEA_COORDINATOR, Role.VENDOR_CONTACT, Role.LEADERSHIP):
        api_client.force_authenticate(world.users[role])
        assert api_client.post(url, {"sibling": sibling.pk}, format="json").status_code in (
            403,
            404,
        )
    assert ElementMapping.objects.get(element=sibling).kind == MappingKind.NOT_MAPPED

    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    response = api_client.post(url, {"sibling": sibling.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["element"] == sibling.pk and response.json()["targets"] == [prop.pk]
    refused = api_client.post(url, {"sibling": elements["RACE_CODE"].pk}, format="json")
    assert refused.status_code == 400 and "not a sibling column" in str(refused.json())


def test_where_used_on_the_property_page_and_in_the_api(client, api_client, world, ethnicity):
    prop, plan, _, code = ethnicity
    writes_it = versions.save_lineage_assignment(
        assignment=LineageAssignment(
            plan=plan,
            resource=prop.resource,
            source_system="sis",
            properties="HispanicLatinoEthnicity",
            load_order=1,
        )
    )
    writes_all = versions.save_lineage_assignment(
        assignment=LineageAssignment(
            plan=plan, resource=prop.resource, source_system="assessment", load_order=2
        )
    )
    versions.save_lineage_assignment(
        assignment=LineageAssignment(
            plan=plan, resource=prop.resource, source_system="hr", properties="Name", load_order=3
        )
    )

    client.force_login(world.users[Role.LEA_COORDINATOR])
    page = client.get(prop.get_absolute_url())
    assert page.status_code == 200
    usage = page.context["usage"]
    assert usage["plans"] == [plan] and usage["mappings"] == [code]
    assert usage["lineage"] == [writes_it, writes_all]
    text = page.content.decode()
    assert "Where used" in text and "Fall membership / ETHNIC_CODE" in text

    api_client.force_authenticate(world.users[Role.VENDOR_CONTACT])
    body = api_client.get(f"/api/v1/edfi-properties/{prop.pk}/where-used/").json()
    assert [p["name"] for p in body["plans"]] == [plan.name]
    assert [m["id"] for m in body["mappings"]] == [code.pk]
    assert [s["id"] for s in body["lineage"]] == [writes_it.pk, writes_all.pk]

    unused = f.EdFiPropertyFactory(resource=prop.resource, path="BirthDate")
    assert b"No mapping targets it." in client.get(unused.get_absolute_url()).content
