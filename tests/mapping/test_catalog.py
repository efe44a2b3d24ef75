"""Loading the real Ed-Fi Data Standard 5.2 catalog, and browsing it."""

import json
import shutil

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from mapping.models import Descriptor, DescriptorValue, EdFiProperty, EdFiResource
from mapping.services.catalog import import_edfi_model
from rolloutplanner.roles import Role
from tests.mapping.conftest import CATALOG_DIR


@pytest.mark.django_db
def test_import_loads_the_whole_catalog_and_reimport_updates_in_place():
    first = import_edfi_model(directory=CATALOG_DIR)
    assert (first.resources, first.properties, first.descriptors) == (139, 2338, 211)
    student = EdFiResource.objects.get(version=first.version, name="StudentSchoolAssociation")
    assert student.identity == ["StudentReference", "SchoolReference", "EntryDate"]
    entry_grade = EdFiProperty.objects.get(resource=student, path="EntryGradeLevel")
    assert entry_grade.descriptor.name == "GradeLevelDescriptor"
    assert entry_grade.api_path == "$.entryGradeLevelDescriptor"
    sex = Descriptor.objects.get(name="SexDescriptor")
    assert sex.values.filter(code_value="Female").exists()
    pks = set(EdFiProperty.objects.values_list("pk", flat=True))

    again = import_edfi_model(directory=CATALOG_DIR)

    assert again.version == first.version
    assert set(EdFiProperty.objects.values_list("pk", flat=True)) == pks
    assert DescriptorValue.objects.count() == first.values


@pytest.mark.django_db
def test_command_names_the_version_and_a_bad_folder_is_refused(tmp_path, capsys):
    call_command("import_edfi_model", str(CATALOG_DIR))
    assert "5.2.0: 139 resources, 2338 properties" in capsys.readouterr().out
    with pytest.raises(ValidationError, match="missing elements.csv"):
        shutil.copy(CATALOG_DIR / "resources.json", tmp_path / "resources.json")
        shutil.copy(CATALOG_DIR / "descriptors.json", tmp_path / "descriptors.json")
        import_edfi_model(directory=tmp_path)


@pytest.mark.django_db
def test_unknown_resource_in_elements_imports_nothing(tmp_path):
    for name in ("resources.json", "descriptors.json"):
        shutil.copy(CATALOG_DIR / name, tmp_path / name)
    doc = json.loads((tmp_path / "resources.json").read_text())
    doc["source"]["data_standard_version"] = "9.9.9"
    (tmp_path / "resources.json").write_text(json.dumps(doc))
    lines = (CATALOG_DIR / "elements.csv").read_text().splitlines()
    lines.insert(3, "NoSuchEntity,Domain Entity,,Thing,$.thing,string,,,,False,False,False,,,x")
    (tmp_path / "elements.csv").write_text("\n".join(lines))

    with pytest.raises(ValidationError, match="elements.csv, row 4, column resource"):
        import_edfi_model(directory=tmp_path)
    assert not EdFiResource.objects.filter(version__version="9.9.9").exists()


@pytest.mark.django_db
def test_catalog_pages_browse_domains_resources_properties_and_descriptors(client, world, catalog):
    client.force_login(world.users[Role.LEA_COORDINATOR])
    page = client.get(reverse("mapping:datastandardversion-detail", args=[catalog.pk]))
    assert b"Enrollment" in page.content and b"StudentSchoolAssociation" in page.content
    resource = EdFiResource.objects.get(name="Student")
    page = client.get(resource.get_absolute_url())
    assert b"BirthDate" in page.content and b"$.birthDate" in page.content
    search = client.get(
        reverse("mapping:edfiproperty-list"), {"q": "birthDate", "resource": "Student"}
    )
    assert b"Student.BirthData.BirthDate" in search.content
    descriptor = Descriptor.objects.get(name="SexDescriptor")
    page = client.get(descriptor.get_absolute_url())
    assert b"uri://ed-fi.org/SexDescriptor#Female" in page.content
    found = client.get(reverse("mapping:descriptor-list"), {"q": "Deaf-blindness"})
    assert b"DisabilityDescriptor" in found.content
