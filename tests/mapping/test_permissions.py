"""Permission matrix of the mapping app: pages and API, every role, allowed and denied.

The mapping is shared: everybody signed in reads it, only the SEA team (and administrators)
edit it. LEA coordinators and vendor contacts may add feedback for their own organisation.
LEAs keep their own local code sets, which other LEAs and vendors cannot see.
"""

import pytest
from django.urls import reverse

from mapping.models import MappingKind
from rolloutplanner.roles import Role
from tests.mapping import factories as f
from tests.support.permission_matrix import ALL, Target, check_case, matrix_cases
from usecases.models import DataSystem, SystemType

UNRESTRICTED = {Role.SEA_TEAM: ALL, Role.ADMINISTRATOR: ALL}
SHARED_READ = {
    **UNRESTRICTED,
    Role.LEADERSHIP: "V",
    Role.LEA_COORDINATOR: "V",
    Role.VENDOR_CONTACT: "V",
}


def _plan_form(world, plan=None):
    version = f.DataStandardVersionFactory()
    return {
        "name": f"{plan.name} (renamed)" if plan else "New plan",
        "data_standard_version": version.pk,
        "description": "Mapping of the state's collections.",
    }


def _collection_form(world, collection=None):
    plan = collection.plan if collection else f.MappingPlanFactory()
    return {"plan": plan.pk, "name": "Spring Discipline", "description": "Incidents."}


def _element_form(world, element=None):
    collection = element.collection if element else f.StateCollectionFactory()
    return {
        "collection": collection.pk,
        "name": "Primary Disability" if element else "Entry Date",
        "definition": "As reported by the LEA.",
        "data_type": "string",
        "required": True,
    }


def _code_set_form(world, code_set=None):
    plan = code_set.plan if code_set else f.MappingPlanFactory()
    return {"plan": plan.pk, "name": "Disability Category"}


def _code_form(world, code=None):
    code_set = code.code_set if code else f.StateCodeSetFactory()
    return {"code_set": code_set.pk, "code": "AUT", "description": "Autism"}


def _mapping_change(world, mapping):
    return {"kind": MappingKind.EXTENSION, "comments": "Needs a state extension."}


def _mapping_create(world):
    return {"element": f.StateElementFactory().pk, "kind": MappingKind.NOT_MAPPED}


def _feedback_change(world, feedback):
    return {"answer": "We will add a transformation rule.", "status": "answered"}


def _feedback_create(world):
    return {"mapping": f.ElementMappingFactory().pk, "body": "Our SIS stores this differently."}


def _descriptor_mapping_form(world, mapping=None):
    code = mapping.state_code if mapping else f.StateCodeFactory()
    value = f.DescriptorValueFactory(code_value="Male")
    return {"state_code": code.pk, "descriptor_value": value.pk, "notes": "Rolled up."}


def _local_set_form(world, local_set=None):
    return {
        "lea": world.own_lea.pk,
        "state_code_set": f.StateCodeSetFactory().pk,
        "name": "Renamed local codes" if local_set else "New local codes",
    }


def _local_code_form(world, code=None):
    local_set = code.local_code_set if code else f.LocalCodeSetFactory(lea=world.own_lea)
    state_code = f.StateCodeFactory(code_set=local_set.state_code_set)
    return {
        "local_code_set": local_set.pk,
        "code": "V1",
        "description": "Vaping",
        "state_code": state_code.pk,
    }


def _seed_form(world, seed=None):
    plan = seed.plan if seed else f.MappingPlanFactory()
    return {
        "plan": plan.pk,
        "category": "courses",
        "element": "Course catalog",
        "authoritative_source": DataSystem.objects.get_or_create(
            name="State course catalog system", defaults={"system_type": SystemType.OTHER}
        )[0].pk,
        "delivery": "The SEA loads the catalog every July before LEAs load sections.",
    }


def _extension_form(world, extension=None):
    plan = extension.plan if extension else f.MappingPlanFactory()
    return {
        "plan": plan.pk,
        "name": "StudentTransportation extension",
        "proposed_elements": "Student.BusRoute",
        "category": "likely_shared",
        "justification": "Needed for transportation funding.",
        "status": "proposed",
    }


def _practice_form(world, change=None):
    plan = change.plan if change else f.MappingPlanFactory()
    return {
        "plan": plan.pk,
        "description": "Attendance is aggregated by the state.",
        "status": "open",
    }


def _lineage_form(world, assignment=None):
    resource = assignment.resource if assignment else f.EdFiResourceFactory()
    plan = assignment.plan if assignment else f.MappingPlanFactory()
    return {
        "plan": plan.pk,
        "resource": resource.pk,
        "source_system": "iep",
        "properties": "BirthDate",
        "load_order": 2,
    }


def _target(name, make, basename, change, create, allowed):
    return Target(
        name=name,
        make=make,
        api_basename=basename,
        change_payload=change,
        create_payload=create,
        allowed=allowed,
    )


TARGETS = [
    _target(
        "plan", lambda w: f.MappingPlanFactory(), "mappingplan", _plan_form, _plan_form, SHARED_READ
    ),
    _target(
        "collection",
        lambda w: f.StateCollectionFactory(),
        "statecollection",
        _collection_form,
        _collection_form,
        SHARED_READ,
    ),
    _target(
        "element",
        lambda w: f.StateElementFactory(),
        "stateelement",
        _element_form,
        _element_form,
        SHARED_READ,
    ),
    _target(
        "code-set",
        lambda w: f.StateCodeSetFactory(),
        "statecodeset",
        _code_set_form,
        _code_set_form,
        SHARED_READ,
    ),
    _target(
        "state-code",
        lambda w: f.StateCodeFactory(),
        "statecode",
        _code_form,
        _code_form,
        SHARED_READ,
    ),
    _target(
        "element-mapping",
        lambda w: f.ElementMappingFactory(),
        "elementmapping",
        _mapping_change,
        _mapping_create,
        SHARED_READ,
    ),
    _target(
        "feedback",
        lambda w: f.MappingFeedbackFactory(lea=w.own_lea),
        "mappingfeedback",
        _feedback_change,
        _feedback_create,
        {**SHARED_READ, Role.LEA_COORDINATOR: "VA", Role.VENDOR_CONTACT: "VA"},
    ),
    _target(
        "descriptor-mapping",
        lambda w: f.DescriptorMappingFactory(),
        "descriptormapping",
        _descriptor_mapping_form,
        _descriptor_mapping_form,
        SHARED_READ,
    ),
    _target(
        "own-local-code-set",
        lambda w: f.LocalCodeSetFactory(lea=w.own_lea),
        "localcodeset",
        _local_set_form,
        _local_set_form,
        {**UNRESTRICTED, Role.LEADERSHIP: "V", Role.LEA_COORDINATOR: ALL},
    ),
    _target(
        "other-local-code-set",
        lambda w: f.LocalCodeSetFactory(lea=w.other_lea),
        "localcodeset",
        _local_set_form,
        lambda w: {**_local_set_form(w), "lea": w.other_lea.pk},
        {**UNRESTRICTED, Role.LEADERSHIP: "V"},
    ),
    _target(
        "own-local-code",
        lambda w: f.LocalCodeFactory(local_code_set=f.LocalCodeSetFactory(lea=w.own_lea)),
        "localcode",
        _local_code_form,
        _local_code_form,
        {**UNRESTRICTED, Role.LEADERSHIP: "V", Role.LEA_COORDINATOR: ALL},
    ),
    _target(
        "other-local-code",
        lambda w: f.LocalCodeFactory(local_code_set=f.LocalCodeSetFactory(lea=w.other_lea)),
        "localcode",
        _local_code_form,
        lambda w: {
            **_local_code_form(
                w, f.LocalCodeFactory(local_code_set=f.LocalCodeSetFactory(lea=w.other_lea))
            ),
            "code": "V9",
        },
        {**UNRESTRICTED, Role.LEADERSHIP: "V"},
    ),
    _target(
        "seed-data",
        lambda w: f.SeedDataElementFactory(),
        "seeddataelement",
        _seed_form,
        _seed_form,
        SHARED_READ,
    ),
    _target(
        "extension",
        lambda w: f.ExtensionFactory(),
        "extension",
        _extension_form,
        _extension_form,
        SHARED_READ,
    ),
    _target(
        "practice-change",
        lambda w: f.PracticeChangeFactory(),
        "practicechange",
        _practice_form,
        _practice_form,
        SHARED_READ,
    ),
    _target(
        "lineage",
        lambda w: f.LineageAssignmentFactory(),
        "lineageassignment",
        _lineage_form,
        _lineage_form,
        SHARED_READ,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("target", "role", "action", "allowed"), matrix_cases(TARGETS))
def test_permission_matrix(client, api_client, world, target, role, action, allowed):
    check_case(client, api_client, world, target, role, action, allowed)


READ_ONLY = [
    ("datastandardversion", lambda: f.DataStandardVersionFactory()),
    ("edfiresource", lambda: f.EdFiResourceFactory()),
    ("edfiproperty", lambda: f.EdFiPropertyFactory()),
    ("descriptor", lambda: f.DescriptorFactory()),
    ("descriptorvalue", lambda: f.DescriptorValueFactory()),
    ("coveragerun", lambda: f.CoverageRunFactory()),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("basename", "make"), READ_ONLY, ids=[b for b, _ in READ_ONLY])
def test_catalog_and_coverage_are_read_by_all_and_written_by_none(
    client, api_client, world, role, basename, make
):
    obj = make()
    user = world.users[role]
    client.force_login(user)
    api_client.force_authenticate(user)
    detail = reverse(f"api:{basename}-detail", args=[obj.pk])
    assert api_client.get(detail).status_code == 200
    assert client.get(reverse(f"mapping:{basename}-detail", args=[obj.pk])).status_code == 200
    assert client.get(reverse(f"mapping:{basename}-list")).status_code == 200
    assert api_client.patch(detail, {}, format="json").status_code == 405
    assert api_client.delete(detail).status_code == 405
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.django_db
def test_anonymous_users_see_nothing(client, api_client):
    plan = f.MappingPlanFactory()
    assert client.get(plan.get_absolute_url()).status_code == 302
    response = api_client.get(reverse("api:mappingplan-detail", args=[plan.pk]))
    assert response.status_code in (401, 403)
