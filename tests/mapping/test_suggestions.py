"""Suggestions on names as states write them: segmentation, abbreviations, the collection's
subject, code columns, allowed codes, the plan's accepted mappings; explained on the page and in
the API."""

import pytest
from django.urls import reverse

from mapping.models import DataType, EdFiProperty, MappingKind
from mapping.services import mappings as services
from mapping.services.suggestions import concepts, segment, suggest_properties
from rolloutplanner.roles import Role
from tests.mapping import factories as f

VOCABULARY = frozenset({"birth", "date", "city", "last", "grade", "level", "first", "name"})


def test_run_together_and_abbreviated_names_are_read_as_ed_fi_words():
    assert segment("birthdate", VOCABULARY) == ["birth", "date"]
    assert segment("birthcity", VOCABULARY) == ["birth", "city"]
    assert segment("lastnm", VOCABULARY) == ["last", "nm"]
    assert segment("xyzzyplugh", VOCABULARY) == ["xyzzyplugh"]  # not coverable: kept whole

    read = {c.written: c.alternatives for c in concepts("STUDENT_LAST_NM", VOCABULARY)}
    assert "surname" in read["last"] and "name" in read["nm"]
    read = {c.written: c.alternatives for c in concepts("RACE1_CODE", VOCABULARY)}
    assert set(read) == {"race", "code"}  # the digit is split off and dropped
    assert [c.generic for c in concepts("GRADE_LVL_CODE", VOCABULARY)] == [False, False, True]


@pytest.fixture
def membership(catalog):
    """A fall-membership collection named the way a state writes it."""
    plan = f.MappingPlanFactory(data_standard_version=catalog)
    collection = f.StateCollectionFactory(plan=plan, name="FALL_MEMBERSHIP")
    for name in (
        "STUDENT_ID",
        "STUDENT_LAST_NM",
        "BIRTHDATE",
        "GRADE_LVL",
        "ETHNIC_CODE",
        "RACE1_CODE",
        "SCHOOL_CODE",
        "SPED",
    ):
        f.StateElementFactory(
            collection=collection, name=name, definition="", data_type=DataType.STRING
        )
    return collection


def _best(collection, name, limit=5):
    return suggest_properties(element=collection.elements.get(name=name), limit=limit)


def test_a_student_collection_ranks_student_resources_first(membership):
    last = _best(membership, "STUDENT_LAST_NM")
    assert str(last[0].target) == "Student.Name.LastSurname"
    assert "a student collection: core student resource" in last[0].reasons
    assert "name shares last, surname" in last[0].reasons
    ranked = [str(s.target) for s in last]
    for other in ("Contact.Name.LastSurname", "Staff.Name.LastSurname"):
        assert other not in ranked[:1]

    assert str(_best(membership, "BIRTHDATE")[0].target) == "Student.BirthData.BirthDate"
    assert (
        str(_best(membership, "GRADE_LVL")[0].target) == "StudentSchoolAssociation.EntryGradeLevel"
    )

    school = _best(membership, "SCHOOL_CODE")[0]
    assert str(school.target) == "StudentSchoolAssociation.SchoolReference"
    assert "names the School the row belongs to" in school.reasons


def test_a_code_column_prefers_descriptors_and_skips_finance_codes(membership):
    race = _best(membership, "RACE1_CODE")
    assert str(race[0].target) == "StudentEducationOrganizationAssociation.Race"
    assert "a code column: descriptor" in race[0].reasons
    ethnic = _best(membership, "ETHNIC_CODE")
    assert str(ethnic[0].target) == (
        "StudentEducationOrganizationAssociation.HispanicLatinoEthnicity"
    )
    for ranked in (race, ethnic):
        assert not any("Dimension" in str(s.target) for s in ranked)


def test_allowed_codes_point_to_the_descriptor_whose_values_they_are(catalog):
    plan = f.MappingPlanFactory(data_standard_version=catalog)
    collection = f.StateCollectionFactory(plan=plan, name="Child count")
    code_set = f.StateCodeSetFactory(plan=plan, name="Gender codes")
    f.StateCodeFactory(code_set=code_set, code="M", description="")
    f.StateCodeFactory(code_set=code_set, code="F", description="")
    element = f.StateElementFactory(
        collection=collection, name="G", definition="", data_type=DataType.CODE, code_set=code_set
    )
    best = suggest_properties(element=element)[0]
    assert best.target.descriptor.name == "SexDescriptor"
    assert "allowed codes F, M match SexDescriptor values" in best.reasons


def test_the_plans_accepted_mapping_is_the_strongest_signal(catalog, sea_user):
    plan = f.MappingPlanFactory(data_standard_version=catalog)
    fall = f.StateCollectionFactory(plan=plan, name="Fall membership")
    spring = f.StateCollectionFactory(plan=plan, name="Spring membership")
    mapped = f.ElementMappingFactory(
        element=f.StateElementFactory(collection=fall, name="ETHNIC_CODE", data_type="string")
    )
    target = EdFiProperty.objects.get(
        resource__name="StudentEducationOrganizationAssociation", path="HispanicLatinoEthnicity"
    )
    services.update_mapping(
        mapping=mapped, user=sea_user, kind=MappingKind.ONE_TO_ONE, targets=[target]
    )
    sibling = f.StateElementFactory(collection=spring, name="ETHNIC_DESC", data_type="string")

    best = suggest_properties(element=sibling)[0]

    assert best.target == target
    assert "the plan maps ETHNIC_CODE here" in best.reasons


def test_suggestions_and_their_reasons_in_the_api_only_for_who_may_change(
    api_client, world, membership
):
    mapping = f.ElementMappingFactory(element=membership.elements.get(name="BIRTHDATE"))
    url = reverse("api:elementmapping-suggestions", args=[mapping.pk])

    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    response = api_client.get(url)
    assert response.status_code == 200
    first = response.data[0]
    assert first["target_path"] == "Student.BirthData.BirthDate"
    assert (
        first["target"]
        == EdFiProperty.objects.get(resource__name="Student", path="BirthData.BirthDate").pk
    )
    assert "reads BIRTHDATE as birth date" in first["reasons"]

    for role in (Role.LEADERSHIP, Role.VENDOR_CONTACT, Role.LEA_COORDINATOR):
        api_client.force_authenticate(world.users[role])
        assert api_client.get(url).status_code in (403, 404)


def test_the_mapping_page_shows_why_each_suggestion_is_made(client, world, membership):
    mapping = f.ElementMappingFactory(element=membership.elements.get(name="GRADE_LVL"))
    client.force_login(world.users[Role.SEA_TEAM])
    page = client.get(mapping.get_absolute_url()).content.decode()
    assert "StudentSchoolAssociation.EntryGradeLevel" in page
    assert "reads LVL as level" in page and "a student collection" in page


def _collection(catalog, name, elements):
    plan = f.MappingPlanFactory(data_standard_version=catalog)
    collection = f.StateCollectionFactory(plan=plan, name=name)
    for element in elements:
        f.StateElementFactory(
            collection=collection, name=element, definition="", data_type=DataType.STRING
        )
    return collection


def test_a_flag_named_after_a_descriptor_value_points_to_that_descriptor(catalog):
    demographics = _collection(
        catalog, "Student demographics", ["STUDENT_ID", "BIRTH_DATE", "IMMIGRANT_IND_CODE"]
    )
    best = _best(demographics, "IMMIGRANT_IND_CODE")[0]
    assert best.target.descriptor.name == "StudentCharacteristicDescriptor"
    assert "the name flags a value of StudentCharacteristicDescriptor" in best.reasons
    # CODE alone does not make a flag: SCHOOL_CODE is not the value "School" of a descriptor.
    demographics.elements.create(name="SCHOOL_CODE", definition="", data_type=DataType.STRING)
    school = _best(demographics, "SCHOOL_CODE")
    assert all("flags a value" not in " ".join(s.reasons) for s in school)


def test_an_assessment_file_reads_parts_identifiers_and_dates(catalog):
    results = _collection(
        catalog,
        "Reading benchmark results",
        [
            "Local ID",
            "Test Start Date",
            "Overall Scale Score",
            "Vocabulary Scale Score",
            "Comprehension Scale Score",
            "Raw Score",
        ],
    )
    student = _best(results, "Local ID")[0]
    assert str(student.target) == "Student.StudentUniqueId"
    assert "names a student identifier" in student.reasons

    assert str(_best(results, "Test Start Date")[0].target) == (
        "StudentAssessment.AdministrationDate"
    )
    assert str(_best(results, "Overall Scale Score")[0].target) == (
        "StudentAssessment.ScoreResult.Result"
    )
    part = _best(results, "Vocabulary Scale Score")[0]
    assert str(part.target) == "StudentAssessment.StudentObjectiveAssessment.ScoreResult.Result"
    assert any("other columns give the same result for other parts" in r for r in part.reasons)
    # An item-level raw score is held back when the column names no item.
    raw = [str(s.target) for s in _best(results, "Raw Score")]
    assert "StudentAssessment.ScoreResult.Result" in raw[:2]


def test_state_qualifying_another_entitys_identifier_is_not_the_state_agency(catalog):
    directory = _collection(catalog, "School directory", ["LEA_Identifier_State", "SCHOOL_NAME"])
    best = _best(directory, "LEA_Identifier_State")[0]
    assert str(best.target) == "LocalEducationAgency.LocalEducationAgencyId"


def test_a_part_name_column_and_a_property_every_organization_shares(catalog):
    results = _collection(
        catalog, "Growth results", ["Student ID", "Goal1Name", "Goal1RitScore", "Goal2Name"]
    )
    part = _best(results, "Goal1Name")[0]
    assert str(part.target) == (
        "StudentAssessment.StudentObjectiveAssessment.ObjectiveAssessmentReference"
    )
    assert "assessment result column naming a part of the test" in part.reasons

    directory = _collection(catalog, "Directory", ["Address City", "Web Site Address"])
    city = _best(directory, "Address City")[0]
    assert str(city.target) == "EducationOrganization.Address.City"
    assert "shared by every EducationOrganization" in city.reasons
