"""Richer mapping targets on the real Ed-Fi 5.2 catalog: characteristics, programs, id systems.

The state columns are the kind a child-count or fall-membership layout carries: a yes/no
immigrant flag, a special-education participation flag, a district student id.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mapping.models import DescriptorValue, EdFiProperty, MappingKind, TargetKind
from mapping.services import mappings as services
from mapping.services.targets import describe_target, resolve_target_value
from rolloutplanner.roles import Role
from tests.mapping import factories as f

SEOA = "StudentEducationOrganizationAssociation"
SPED = "StudentSpecialEducationProgramAssociation"


def prop(version, resource, path) -> EdFiProperty:
    return EdFiProperty.objects.select_related("resource", "descriptor").get(
        resource__version=version, resource__name=resource, path=path
    )


def value(version, descriptor, code) -> DescriptorValue:
    return DescriptorValue.objects.get(
        descriptor__version=version, descriptor__name=descriptor, code_value=code
    )


@pytest.fixture
def mapping_for(catalog):
    plan = f.MappingPlanFactory(data_standard_version=catalog)
    collection = f.StateCollectionFactory(plan=plan, name="Fall membership")

    def build(name):
        element = f.StateElementFactory(collection=collection, name=name)
        return f.ElementMappingFactory(element=element)

    return build


def test_a_characteristic_flag_maps_to_a_descriptor_value_within_the_collection(
    catalog, mapping_for, sea_user
):
    immigrant_flag = mapping_for("IMMIGRANT_IND")
    characteristic = prop(catalog, SEOA, "StudentCharacteristic.StudentCharacteristic")
    immigrant = resolve_target_value(
        target_kind=TargetKind.DESCRIPTOR_IN_COLLECTION,
        targets=[characteristic],
        code="Immigrant",
        version=catalog,
    )
    assert immigrant.descriptor.name == "StudentCharacteristicDescriptor"

    saved = services.update_mapping(
        mapping=immigrant_flag,
        user=sea_user,
        kind=MappingKind.CLOSE,
        targets=[characteristic],
        target_kind=TargetKind.DESCRIPTOR_IN_COLLECTION,
        target_value=immigrant,
    )
    saved.refresh_from_db()
    assert saved.target_value == immigrant
    assert describe_target(saved) == (
        f"Immigrant is present in {SEOA}.StudentCharacteristic.StudentCharacteristic"
    )


def test_a_value_of_another_descriptor_or_a_property_outside_a_collection_is_refused(
    catalog, mapping_for, sea_user
):
    flag = mapping_for("IMMIGRANT_IND")
    characteristic = prop(catalog, SEOA, "StudentCharacteristic.StudentCharacteristic")
    district = value(catalog, "StudentIdentificationSystemDescriptor", "District")
    with pytest.raises(ValidationError, match="is not a StudentCharacteristicDescriptor value"):
        services.update_mapping(
            mapping=flag,
            user=sea_user,
            kind=MappingKind.CLOSE,
            targets=[characteristic],
            target_kind=TargetKind.DESCRIPTOR_IN_COLLECTION,
            target_value=district,
        )
    birth_date = prop(catalog, "Student", "BirthData.BirthDate")
    with pytest.raises(ValidationError, match="not a descriptor property within a collection"):
        services.update_mapping(
            mapping=flag,
            user=sea_user,
            kind=MappingKind.CLOSE,
            targets=[birth_date],
            target_kind=TargetKind.DESCRIPTOR_IN_COLLECTION,
            target_value=value(catalog, "StudentCharacteristicDescriptor", "Immigrant"),
        )
    with pytest.raises(ValidationError, match="Name the descriptor value"):
        services.update_mapping(
            mapping=flag,
            user=sea_user,
            kind=MappingKind.CLOSE,
            targets=[characteristic],
            target_kind=TargetKind.DESCRIPTOR_IN_COLLECTION,
            target_value=None,
        )
    with pytest.raises(LookupError, match="has no value “Astronaut”"):
        resolve_target_value(
            target_kind=TargetKind.DESCRIPTOR_IN_COLLECTION,
            targets=[characteristic],
            code="Astronaut",
            version=catalog,
        )


def test_a_participation_flag_maps_to_a_program_association_active_on_a_date(
    catalog, mapping_for, sea_user, sea_reviewer
):
    sped_flag = mapping_for("SPED_IND")
    reads = [prop(catalog, SPED, "BeginDate"), prop(catalog, SPED, "EndDate")]
    special_education = resolve_target_value(
        target_kind=TargetKind.PROGRAM_ASSOCIATION,
        targets=reads,
        code="Special Education",
        version=catalog,
    )
    services.update_mapping(
        mapping=sped_flag,
        user=sea_user,
        kind=MappingKind.CLOSE,
        targets=reads,
        target_kind=TargetKind.PROGRAM_ASSOCIATION,
        target_value=special_education,
    )
    services.transition_mapping(mapping=sped_flag, transition="submit", user=sea_user)
    approved = services.transition_mapping(
        mapping=sped_flag, transition="approve", user=sea_reviewer
    )
    assert approved.status == "approved"
    assert describe_target(approved).startswith(
        f"Has a {SPED} for a program of type Special Education active on the count date"
    )

    other = mapping_for("TITLE_I_IND")
    with pytest.raises(ValidationError, match="reads properties of a program association"):
        services.update_mapping(
            mapping=other,
            user=sea_user,
            kind=MappingKind.CLOSE,
            targets=[prop(catalog, "Student", "BirthData.BirthDate")],
            target_kind=TargetKind.PROGRAM_ASSOCIATION,
            target_value=special_education,
        )


def test_a_district_id_column_maps_to_the_identification_code_of_the_district_system(
    catalog, mapping_for, sea_user
):
    district_id = mapping_for("DISTRICT_STUDENT_ID")
    code = prop(catalog, SEOA, "StudentIdentificationCode.IdentificationCode")
    district = resolve_target_value(
        target_kind=TargetKind.IDENTIFICATION_CODE, targets=[code], code="District", version=catalog
    )
    assert district.descriptor.name == "StudentIdentificationSystemDescriptor"
    saved = services.update_mapping(
        mapping=district_id,
        user=sea_user,
        kind=MappingKind.ONE_TO_ONE,
        targets=[code],
        target_kind=TargetKind.IDENTIFICATION_CODE,
        target_value=district,
    )
    assert describe_target(saved).endswith("where the system is District")
    with pytest.raises(ValidationError, match="one IdentificationCode property"):
        services.update_mapping(
            mapping=district_id,
            user=sea_user,
            targets=[prop(catalog, "Student", "StudentUniqueId")],
        )


def test_a_computed_rule_names_what_it_reads_and_how(catalog, mapping_for, sea_user):
    age = mapping_for("AGE_ON_COUNT_DATE")
    birth_date = prop(catalog, "Student", "BirthData.BirthDate")
    with pytest.raises(ValidationError, match="written in the transformation rule"):
        services.update_mapping(
            mapping=age,
            user=sea_user,
            kind=MappingKind.CLOSE,
            targets=[birth_date],
            target_kind=TargetKind.COMPUTED,
        )
    saved = services.update_mapping(
        mapping=age,
        user=sea_user,
        kind=MappingKind.CLOSE,
        targets=[birth_date],
        target_kind=TargetKind.COMPUTED,
        transformation_rule="Whole years between BirthDate and the count date.",
    )
    assert describe_target(saved) == (
        "Computed from Student.BirthData.BirthDate: "
        "Whole years between BirthDate and the count date."
    )


def test_the_target_value_must_come_from_the_plans_data_standard_version(
    catalog, mapping_for, sea_user
):
    other_version = f.DataStandardVersionFactory(version="4.0.0")
    old_value = f.DescriptorValueFactory(
        descriptor=f.DescriptorFactory(
            version=other_version, name="StudentCharacteristicDescriptor"
        ),
        code_value="Immigrant",
    )
    with pytest.raises(ValidationError, match="not in the targeted Data Standard 5.2.0"):
        services.update_mapping(
            mapping=mapping_for("IMMIGRANT_IND"),
            user=sea_user,
            kind=MappingKind.CLOSE,
            targets=[prop(catalog, SEOA, "StudentCharacteristic.StudentCharacteristic")],
            target_kind=TargetKind.DESCRIPTOR_IN_COLLECTION,
            target_value=old_value,
        )


def test_the_edit_page_takes_a_code_value_and_the_detail_page_reads_the_condition(
    client, catalog, mapping_for, sea_user
):
    flag = mapping_for("IMMIGRANT_IND")
    client.force_login(sea_user)
    edit = reverse("mapping:elementmapping-edit", args=[flag.pk])
    form = {
        "kind": MappingKind.CLOSE,
        "target_paths": f"{SEOA}.StudentCharacteristic.StudentCharacteristic",
        "target_kind": TargetKind.DESCRIPTOR_IN_COLLECTION,
        "target_value_code": "Astronaut",
    }
    refused = client.post(edit, form)
    assert refused.status_code == 200
    assert "StudentCharacteristicDescriptor has no value “Astronaut”" in refused.content.decode()

    saved = client.post(edit, {**form, "target_value_code": "Immigrant"})
    assert saved.status_code == 302
    flag.refresh_from_db()
    assert flag.target_value.code_value == "Immigrant"
    page = client.get(flag.get_absolute_url()).content.decode()
    assert "Immigrant is present in" in page


def test_the_api_sets_and_shows_the_target_kind_and_refuses_a_wrong_value(
    api_client, catalog, mapping_for, sea_user
):
    flag = mapping_for("SPED_IND")
    url = reverse("api:elementmapping-detail", args=[flag.pk])
    reads = [prop(catalog, SPED, "BeginDate").pk, prop(catalog, SPED, "EndDate").pk]
    api_client.force_authenticate(sea_user)
    wrong = api_client.patch(
        url,
        {
            "kind": MappingKind.CLOSE,
            "targets": reads,
            "target_kind": TargetKind.PROGRAM_ASSOCIATION,
            "target_value": value(catalog, "StudentCharacteristicDescriptor", "Immigrant").pk,
        },
        format="json",
    )
    assert wrong.status_code == 400
    assert "is not a ProgramTypeDescriptor value" in str(wrong.json())

    sped = value(catalog, "ProgramTypeDescriptor", "Special Education")
    saved = api_client.patch(
        url,
        {
            "kind": MappingKind.CLOSE,
            "targets": reads,
            "target_kind": TargetKind.PROGRAM_ASSOCIATION,
            "target_value": sped.pk,
            "active_on": "2026-10-01",
        },
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    body = saved.json()
    assert body["target_value_uri"] == sped.uri
    assert "active on 2026-10-01" in body["target_summary"]


def test_leadership_cannot_set_a_target_kind(api_client, catalog, mapping_for, world):
    flag = mapping_for("SPED_IND")
    api_client.force_authenticate(world.users[Role.LEADERSHIP])
    response = api_client.patch(
        reverse("api:elementmapping-detail", args=[flag.pk]),
        {"target_kind": TargetKind.COMPUTED},
        format="json",
    )
    assert response.status_code == 403
    flag.refresh_from_db()
    assert flag.target_kind == TargetKind.PROPERTY


def test_the_api_list_reads_target_values_without_a_query_per_row(
    api_client, catalog, mapping_for, sea_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    characteristic = prop(catalog, SEOA, "StudentCharacteristic.StudentCharacteristic")
    immigrant = value(catalog, "StudentCharacteristicDescriptor", "Immigrant")

    def add_flags(count):
        for n in range(count):
            services.update_mapping(
                mapping=mapping_for(f"FLAG_{count}_{n}"),
                user=sea_user,
                kind=MappingKind.CLOSE,
                targets=[characteristic],
                target_kind=TargetKind.DESCRIPTOR_IN_COLLECTION,
                target_value=immigrant,
            )

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api_client.get(reverse("api:elementmapping-list"))
        assert response.status_code == 200
        return len(captured)

    api_client.force_authenticate(sea_user)
    add_flags(1)
    few = queries_for_list()
    add_flags(5)
    assert queries_for_list() == few
