"""Exporting the plan as XLSX/CSV: formula injection neutralised, round trip without loss."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from mapping.exporters.workbook import plan_csv, plan_workbook
from mapping.models import DescriptorMapping, ElementMapping, MappingPlan, StateElement
from mapping.services import mappings as services
from mapping.services.state_spec import import_state_spec
from rolloutplanner.roles import Role
from tests.mapping import factories as f

SPEC = """collection,element,definition,data_type,required,code_set,allowed_values
Fall Child Count,Sex,=HYPERLINK("http://evil.example"),code,yes,Sex,F=Female; M=Male
Fall Child Count,Birth Date,+1 day after the event,date,yes,,
Spring Discipline,Incident Date,@mention the date,date,no,,
"""


def _snapshot(plan: MappingPlan) -> list:
    rows = []
    for mapping in ElementMapping.objects.filter(element__collection__plan=plan).order_by(
        "element__name"
    ):
        element = mapping.element
        rows.append(
            (
                element.collection.name,
                element.name,
                element.definition,
                element.data_type,
                element.required,
                element.code_set.name if element.code_set else "",
                sorted(element.code_set.codes.values_list("code", "description"))
                if element.code_set
                else [],
                mapping.kind,
                sorted(str(t) for t in mapping.targets.all()),
                mapping.logical_map,
                mapping.transformation_rule,
                mapping.owner_id,
                mapping.status,
                mapping.comments,
            )
        )
    codes = sorted(
        (m.state_code.code, str(m.descriptor_value))
        for m in DescriptorMapping.objects.filter(state_code__code_set__plan=plan)
    )
    lineage = sorted(
        (a.resource.name, a.source_system, sorted(a.property_paths), a.load_order)
        for a in plan.lineage.select_related("resource")
    )
    return [rows, codes, lineage]


@pytest.fixture
def mapped_plan(catalog, sea_user, sea_reviewer):
    plan = f.MappingPlanFactory(data_standard_version=catalog)
    import_state_spec(plan=plan, name="spec.csv", content=SPEC.encode(), user=sea_user)
    sex = ElementMapping.objects.get(element__name="Sex")
    target = catalog.resources.get(name="StudentEducationOrganizationAssociation").properties
    services.update_mapping(
        mapping=sex,
        user=sea_user,
        kind="close",
        targets=[target.get(path="Sex")],
        logical_map="-F becomes Female; M becomes Male",
        transformation_rule="=lookup(sex)",
        owner=sea_user,
        comments="Checked with three LEAs.",
    )
    services.transition_mapping(mapping=sex, transition="submit", user=sea_user)
    services.transition_mapping(mapping=sex, transition="approve", user=sea_reviewer)
    code_set = sex.element.code_set
    code_set.descriptor = catalog.descriptors.get(name="SexDescriptor")
    code_set.save()
    female = code_set.descriptor.values.get(code_value="Female")
    f.DescriptorMappingFactory(state_code=code_set.codes.get(code="F"), descriptor_value=female)
    f.LineageAssignmentFactory(plan=plan, resource=catalog.resources.get(name="Student"))
    f.LineageAssignmentFactory(
        plan=plan,
        resource=catalog.resources.get(name="StudentSchoolAssociation"),
        source_system="iep",
        properties="EntryDate\nEntryGradeLevel",
        load_order=2,
    )
    return plan


def test_workbook_has_a_sheet_per_collection_and_neutralises_formulas(mapped_plan):
    workbook = load_workbook(io.BytesIO(plan_workbook(plan=mapped_plan)))
    assert workbook.sheetnames == [
        "Fall Child Count",
        "Spring Discipline",
        "Descriptor mappings",
        "Lineage",
    ]
    cells = [
        cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    assert '\'=HYPERLINK("http://evil.example")' in cells
    assert "'+1 day after the event" in cells and "'@mention the date" in cells
    assert all(
        cell.data_type != "f" for s in workbook.worksheets for r in s.iter_rows() for cell in r
    )
    assert not any(v.startswith(("=", "+", "-", "@")) for v in cells)


def test_csv_export_neutralises_formulas(mapped_plan):
    rows = list(csv.DictReader(io.StringIO(plan_csv(plan=mapped_plan))))
    assert {row["definition"] for row in rows} >= {'\'=HYPERLINK("http://evil.example")'}
    assert [row["logical_map"] for row in rows if row["element"] == "Sex"] == [
        "'-F becomes Female; M becomes Male"
    ]


def _with_status(content: bytes, element: str, status: str) -> bytes:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["Fall Child Count"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("element")].value == element:
            row[header.index("status")].value = status
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_workbook_round_trips_into_a_new_plan_without_loss(mapped_plan, catalog, sea_user):
    content = plan_workbook(plan=mapped_plan)
    copy = f.MappingPlanFactory(name="Copy", data_standard_version=catalog)

    # an import never approves: the approved row arrives in review, everything else as it was
    with pytest.raises(ValidationError) as refused:
        import_state_spec(plan=copy, name="plan.xlsx", content=content, user=sea_user)
    assert refused.value.messages == [
        "plan.xlsx, sheet Fall Child Count, row 3, column status: an import cannot approve the "
        "mapping of 'Sex' (it is draft); submit it for review and have someone other than its "
        "author approve it on its page."
    ]
    assert not StateElement.objects.filter(collection__plan=copy).exists()
    in_review = _with_status(content, "Sex", "in_review")
    import_state_spec(plan=copy, name="plan.xlsx", content=in_review, user=sea_user)

    expected = _snapshot(mapped_plan)
    expected[0] = [
        (*row[:-2], "in_review", row[-1]) if row[1] == "Sex" else row for row in expected[0]
    ]
    assert _snapshot(copy) == expected
    # importing the same workbook again changes nothing
    summary = import_state_spec(plan=copy, name="plan.xlsx", content=in_review, user=sea_user)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 3)
    assert summary.descriptor_mappings == 0
    assert _snapshot(copy) == expected
    # nor does re-importing a plan's own export, even on the approved row
    summary = import_state_spec(plan=mapped_plan, name="plan.xlsx", content=content, user=sea_user)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 3)
    assert _snapshot(mapped_plan)[0] == [
        (*row[:-2], "approved", row[-1]) if row[1] == "Sex" else row for row in expected[0]
    ]


def test_csv_round_trips_elements_and_mappings(mapped_plan, catalog, sea_user):
    copy = f.MappingPlanFactory(name="Copy", data_standard_version=catalog)
    content = plan_csv(plan=mapped_plan)
    with pytest.raises(ValidationError, match=r"plan.csv, row 3, column status: an import cannot"):
        import_state_spec(plan=copy, name="plan.csv", content=content.encode(), user=sea_user)

    in_review = content.replace(",approved,", ",in_review,")
    import_state_spec(plan=copy, name="plan.csv", content=in_review.encode(), user=sea_user)
    assert _snapshot(copy)[0] == [
        (*row[:-2], "in_review", row[-1]) if row[1] == "Sex" else row
        for row in _snapshot(mapped_plan)[0]
    ]


def test_bad_lineage_rows_are_named(mapped_plan, sea_user):
    workbook = load_workbook(io.BytesIO(plan_workbook(plan=mapped_plan)))
    workbook["Lineage"].append(["NoSuchResource", "sis", "", 1])
    workbook["Lineage"].append(["Student", "fax", "", "first"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(Exception) as caught:
        import_state_spec(
            plan=mapped_plan, name="plan.xlsx", content=buffer.getvalue(), user=sea_user
        )
    text = str(caught.value)
    assert "sheet Lineage, row 5, column source_system: 'fax' is not one of" in text


def test_import_refuses_to_change_an_approved_mapping(mapped_plan, sea_user):
    workbook = load_workbook(io.BytesIO(plan_workbook(plan=mapped_plan)))
    sheet = workbook["Fall Child Count"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("element")].value == "Sex":
            row[header.index("comments")].value = "Edited behind the review's back"
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = _snapshot(mapped_plan)

    with pytest.raises(Exception, match="is approved; start a new review"):
        import_state_spec(
            plan=mapped_plan, name="plan.xlsx", content=buffer.getvalue(), user=sea_user
        )
    assert _snapshot(mapped_plan) == before


def test_unknown_targets_and_descriptor_values_are_named(mapped_plan, sea_user):
    bad = (
        "collection,element,kind,targets,status\n"
        "Fall Child Count,Birth Date,one_to_one,Student.Nope,draft\n"
    )
    with pytest.raises(Exception, match=r"plan.csv, row 2, column targets: Student.Nope"):
        import_state_spec(plan=mapped_plan, name="plan.csv", content=bad.encode(), user=sea_user)
    assert StateElement.objects.filter(collection__plan=mapped_plan).count() == 3


def test_export_downloads_for_every_reader(client, world, mapped_plan):
    client.force_login(world.users[Role.LEA_COORDINATOR])
    response = client.get(reverse("mapping:mappingplan-export", args=[mapped_plan.pk, "xlsx"]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    response = client.get(reverse("mapping:mappingplan-export", args=[mapped_plan.pk, "csv"]))
    assert response.content.decode().startswith("collection,element")
