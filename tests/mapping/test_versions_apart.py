"""Data Standard versions kept apart: a plan offers, accepts and searches only its own version,
whether the write comes from a page, the API, an import or a bulk action; upgrade impact names
the descriptor values that change."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mapping.models import (
    DescriptorMapping,
    EdFiProperty,
    LineageAssignment,
    MappingKind,
    MappingPlan,
    StateCodeSet,
)
from mapping.services import mappings as mapping_services
from mapping.services import versions
from mapping.services.coverage import upgrade_impact
from mapping.services.state import map_state_code, update_descriptor_mapping
from mapping.services.suggestions import candidate_values
from rolloutplanner.roles import Role
from tests.mapping import factories as f

REFUSAL = "is in Ed-Fi Data Standard 4.0.0, not in the targeted Data Standard 5.2.0"


@pytest.fixture
def two_versions(db):
    """The same descriptor, resource and property in 5.2.0 (the plan's) and in 4.0.0."""
    current, older = (f.DataStandardVersionFactory(version=v) for v in ("5.2.0", "4.0.0"))
    rows = {}
    for version in (current, older):
        sex = f.DescriptorFactory(version=version, name="SexDescriptor")
        rows[version.version] = {
            "descriptor": sex,
            "female": f.DescriptorValueFactory(descriptor=sex, code_value="Female"),
            "resource": f.EdFiResourceFactory(version=version, name="Student"),
            "property": f.EdFiPropertyFactory(
                resource=f.EdFiResourceFactory(version=version, name="Student"), path="BirthDate"
            ),
        }
    plan = f.MappingPlanFactory(name="Plan on 5.2.0", data_standard_version=current)
    code_set = f.StateCodeSetFactory(plan=plan, name="Gender")
    return plan, code_set, rows["5.2.0"], rows["4.0.0"]


def test_the_services_refuse_another_versions_descriptor_value_resource_and_property(
    two_versions, sea_user
):
    plan, code_set, own, other = two_versions
    code_set.descriptor = other["descriptor"]
    with pytest.raises(ValidationError, match=REFUSAL):
        versions.save_code_set(code_set=code_set)
    assert StateCodeSet.objects.get(pk=code_set.pk).descriptor is None

    code = f.StateCodeFactory(code_set=code_set, code="F")
    with pytest.raises(ValidationError, match=REFUSAL):
        map_state_code(state_code=code, descriptor_value=other["female"], user=sea_user)
    mapping, _ = map_state_code(state_code=code, descriptor_value=own["female"], user=sea_user)
    # "Map to" buttons offer only values that can be saved, even for a code set saved with
    # another version's descriptor before versions were kept apart.
    StateCodeSet.objects.filter(pk=code_set.pk).update(descriptor=other["descriptor"])
    code_set.refresh_from_db()
    assert candidate_values(code_set=code_set) == [own["female"]]
    with pytest.raises(ValidationError, match=REFUSAL):
        update_descriptor_mapping(mapping=mapping, user=sea_user, descriptor_value=other["female"])

    step = LineageAssignment(
        plan=plan, resource=other["resource"], source_system="sis", load_order=1
    )
    with pytest.raises(ValidationError, match=REFUSAL):
        versions.save_lineage_assignment(assignment=step)

    element = f.StateElementFactory(collection=f.StateCollectionFactory(plan=plan))
    element_mapping = f.ElementMappingFactory(element=element)
    with pytest.raises(ValidationError, match=REFUSAL):
        mapping_services.update_mapping(
            mapping=element_mapping,
            user=sea_user,
            kind=MappingKind.ONE_TO_ONE,
            targets=[other["property"]],
        )


def test_a_bulk_approval_refuses_a_target_of_another_version(two_versions, sea_user, sea_reviewer):
    plan, _, _, other = two_versions
    element = f.StateElementFactory(collection=f.StateCollectionFactory(plan=plan))
    mapping = f.ElementMappingFactory(element=element, kind=MappingKind.ONE_TO_ONE)
    mapping.targets.set([other["property"]])  # a row saved before versions were kept apart
    mapping_services.transition_mapping(mapping=mapping, transition="submit", user=sea_user)
    with pytest.raises(ValidationError, match=REFUSAL):
        mapping_services.bulk_update_mappings(
            mappings=[mapping], user=sea_reviewer, status="approved"
        )
    mapping.refresh_from_db()
    assert mapping.status == "in_review"


def test_code_set_pages_offer_and_accept_only_the_plans_version(client, world, two_versions):
    plan, code_set, own, other = two_versions
    client.force_login(world.users[Role.SEA_TEAM])

    page = client.get(reverse("mapping:statecodeset-edit", args=[code_set.pk]))
    choices = page.context["form"].fields["descriptor"].queryset
    assert list(choices) == [own["descriptor"]]
    added = client.get(reverse("mapping:statecodeset-add"), {"plan": plan.pk})
    assert list(added.context["form"].fields["descriptor"].queryset) == [own["descriptor"]]

    refused = client.post(
        reverse("mapping:statecodeset-add"),
        {"plan": plan.pk, "name": "Sex codes", "descriptor": other["descriptor"].pk},
    )
    assert refused.status_code == 200
    assert not StateCodeSet.objects.filter(name="Sex codes").exists()
    saved = client.post(
        reverse("mapping:statecodeset-add"),
        {"plan": plan.pk, "name": "Sex codes", "descriptor": own["descriptor"].pk},
    )
    assert saved.status_code == 302
    assert StateCodeSet.objects.get(name="Sex codes").descriptor == own["descriptor"]


def test_descriptor_mapping_page_offers_only_the_plans_values(client, world, two_versions):
    _, code_set, own, other = two_versions
    code = f.StateCodeFactory(code_set=code_set, code="F")
    client.force_login(world.users[Role.SEA_TEAM])
    page = client.get(reverse("mapping:descriptormapping-add"), {"state_code": code.pk})
    assert list(page.context["form"].fields["descriptor_value"].queryset) == [own["female"]]
    refused = client.post(
        reverse("mapping:descriptormapping-add"),
        {"state_code": code.pk, "descriptor_value": other["female"].pk, "notes": ""},
    )
    assert refused.status_code == 200 and not DescriptorMapping.objects.exists()
    client.post(
        reverse("mapping:descriptormapping-add"),
        {"state_code": code.pk, "descriptor_value": own["female"].pk, "notes": ""},
    )
    assert DescriptorMapping.objects.get(state_code=code).descriptor_value == own["female"]


def test_the_api_refuses_another_version_with_the_reason(api_client, world, two_versions):
    plan, code_set, own, other = two_versions
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    response = api_client.post(
        "/api/v1/state-code-sets/",
        {"plan": plan.pk, "name": "Sex codes", "descriptor": other["descriptor"].pk},
        format="json",
    )
    assert response.status_code == 400
    assert REFUSAL in str(response.json())
    response = api_client.patch(
        f"/api/v1/state-code-sets/{code_set.pk}/",
        {"descriptor": other["descriptor"].pk},
        format="json",
    )
    assert response.status_code == 400
    assert StateCodeSet.objects.get(pk=code_set.pk).descriptor is None
    response = api_client.patch(
        f"/api/v1/state-code-sets/{code_set.pk}/",
        {"descriptor": own["descriptor"].pk},
        format="json",
    )
    assert response.status_code == 200

    code = f.StateCodeFactory(code_set=code_set, code="F")
    response = api_client.post(
        "/api/v1/descriptor-mappings/",
        {"state_code": code.pk, "descriptor_value": other["female"].pk},
        format="json",
    )
    assert response.status_code == 400 and REFUSAL in str(response.json())
    response = api_client.post(
        "/api/v1/lineage/",
        {
            "plan": plan.pk,
            "resource": other["resource"].pk,
            "source_system": "sis",
            "load_order": 1,
        },
        format="json",
    )
    assert response.status_code == 400 and REFUSAL in str(response.json())

    # Who may not change code sets is refused before any version check.
    api_client.force_authenticate(world.users[Role.LEA_COORDINATOR])
    response = api_client.post(
        "/api/v1/state-code-sets/",
        {"plan": plan.pk, "name": "LEA codes", "descriptor": own["descriptor"].pk},
        format="json",
    )
    assert response.status_code == 403


def test_a_plan_keeps_its_version_while_its_rows_point_at_it(client, world, two_versions):
    plan, code_set, own, other = two_versions
    older = other["descriptor"].version
    client.force_login(world.users[Role.SEA_TEAM])
    empty = f.MappingPlanFactory(name="Empty plan", data_standard_version=own["descriptor"].version)
    assert versions.plan_version_change_problems(plan=empty, version=older) == []

    code_set.descriptor = own["descriptor"]
    versions.save_code_set(code_set=code_set)
    plan.data_standard_version = older
    with pytest.raises(ValidationError, match="code set descriptors use Data Standard 5.2.0"):
        versions.save_plan(plan=plan)
    response = client.post(
        reverse("mapping:mappingplan-edit", args=[plan.pk]),
        {"name": plan.name, "data_standard_version": older.pk, "description": ""},
    )
    assert response.status_code == 200
    assert MappingPlan.objects.get(pk=plan.pk).data_standard_version.version == "5.2.0"


def test_catalog_searches_list_each_property_once(client, api_client, world, two_versions):
    plan, _, own, other = two_versions
    client.force_login(world.users[Role.LEA_COORDINATOR])
    url = reverse("mapping:edfiproperty-list")
    newest = client.get(url, {"q": "BirthDate"}).context["object_list"]
    assert list(newest) == [own["property"]]
    assert list(client.get(url, {"q": "BirthDate", "plan": plan.pk}).context["object_list"]) == [
        own["property"]
    ]
    chosen = client.get(url, {"q": "BirthDate", "version": other["resource"].version.pk})
    assert list(chosen.context["object_list"]) == [other["property"]]

    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    found = api_client.get("/api/v1/edfi-properties/", {"plan": plan.pk}).json()
    rows = found["results"] if isinstance(found, dict) else found
    assert [r["id"] for r in rows] == [own["property"].pk]
    values = api_client.get("/api/v1/edfi-descriptor-values/", {"descriptor": "SexDescriptor"})
    body = values.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [r["id"] for r in rows] == [own["female"].pk]
    assert EdFiProperty.objects.count() == 2


def test_upgrade_impact_names_descriptor_values_added_removed_and_renamed(two_versions, sea_user):
    plan, code_set, own, _ = two_versions
    code_set.descriptor = own["descriptor"]
    versions.save_code_set(code_set=code_set)
    not_selected = f.DescriptorValueFactory(descriptor=own["descriptor"], code_value="Not Selected")
    map_state_code(
        state_code=f.StateCodeFactory(code_set=code_set, code="X"),
        descriptor_value=not_selected,
        user=sea_user,
    )
    f.DescriptorValueFactory(descriptor=own["descriptor"], code_value="Male")
    newer = f.DataStandardVersionFactory(version="6.0.0")
    sex = f.DescriptorFactory(version=newer, name="SexDescriptor")
    f.DescriptorValueFactory(descriptor=sex, code_value="Female")
    f.DescriptorValueFactory(descriptor=sex, code_value="NotSelected")  # renamed
    f.DescriptorValueFactory(descriptor=sex, code_value="Non-binary")  # added; Male removed

    result = upgrade_impact(plan=plan, version=newer)

    changes = {(r["value"], r["change"], r["detail"]) for r in result["descriptor_values"]}
    assert changes == {
        ("Not Selected", "renamed", "now NotSelected"),
        ("Male", "removed", ""),
        ("Non-binary", "added", ""),
    }
    renamed = next(r for r in result["descriptor_values"] if r["change"] == "renamed")
    assert renamed["state_codes"] == ["X"] and renamed["descriptor"] == "SexDescriptor"
    assert result["descriptors_checked"] == 1
