"""A team's own mapping spreadsheet: choose the columns, preview, import all or nothing.

The workbook is laid out the way state mapping documents often are (report, field name,
description, SQL-style data type, Ed-Fi entity and element in two columns, a match column,
notes) and is mapped onto the real Ed-Fi 5.2 catalog.
"""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mapping.importers.own_layout import ColumnMap, guess_columns
from mapping.models import ElementMapping, MappingKind, StateElement
from rolloutplanner.import_files import IMPORT_DIR
from rolloutplanner.models import Job, JobState
from rolloutplanner.roles import Role
from tests.mapping import factories as f
from tests.support.celery_worker import wait_for
from tests.support.workbooks import xlsx_bytes

HEADERS = [
    "Report",
    "Field Name",
    "Field Description",
    "Data Type",
    "Ed-Fi Entity",
    "Ed-Fi Element",
    "Match Type",
    "Notes",
]
ROWS = [
    ["Fall Membership", "STUDENT_ID", "State student id", "varchar(10)", "Student",
     "StudentUniqueId", "1:1", ""],
    ["Fall Membership", "BIRTHDATE", "Date of birth", "date", "Student",
     "BirthData.BirthDate", "Direct", "Checked with SIS vendor"],
    ["Fall Membership", "GRADE_LVL", "Grade level", "char(2)", "StudentSchoolAssociation",
     "EntryGradeLevel", "close", "Local codes KG, PK"],
    ["Fall Membership", "HOMELESS_IND", "Homeless flag", "Y/N", "", "", "TBD", ""],
]  # fmt: skip


def workbook(rows=ROWS) -> SimpleUploadedFile:
    content = xlsx_bytes([HEADERS, *rows], title="State to Ed-Fi")
    return SimpleUploadedFile(
        "our-mapping.xlsx",
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@pytest.fixture
def plan(catalog):
    return f.MappingPlanFactory(data_standard_version=catalog)


def columns_post(action: str, **changes) -> dict:
    data = {
        "sheet": "State to Ed-Fi",
        "collection_name": "",
        "column_collection": "Report",
        "column_element": "Field Name",
        "column_definition": "Field Description",
        "column_data_type": "Data Type",
        "column_target_resource": "Ed-Fi Entity",
        "column_target_property": "Ed-Fi Element",
        "column_kind": "Match Type",
        "column_comments": "Notes",
        "action": action,
    }
    return {**data, **changes}


def test_the_first_guess_reads_a_typical_state_header_row():
    guessed = guess_columns(HEADERS)
    assert guessed["collection"] == "Report"
    assert guessed["element"] == "Field Name"
    assert guessed["definition"] == "Field Description"
    assert guessed["data_type"] == "Data Type"
    assert guessed["target_resource"] == "Ed-Fi Entity"
    assert guessed["target_property"] == "Ed-Fi Element"
    assert guessed["kind"] == "Match Type"
    assert guessed["comments"] == "Notes"
    assert "targets" not in guessed


def test_a_column_map_names_what_is_missing_or_chosen_twice():
    problems = ColumnMap(
        sheet="S", columns={"definition": "Notes", "comments": "Notes", "target_resource": "E"}
    ).problems(HEADERS)
    assert "Column “E” chosen for Ed-Fi resource (joined with the property) is not in sheet S." in (
        problems
    )
    assert "Choose the column that holds the state element's name." in problems
    assert "Choose the collection column, or name the collection." in problems
    assert "Choose both the Ed-Fi resource and the Ed-Fi property columns." in problems
    assert "Each column means one thing: Notes is chosen twice." in problems


def test_upload_choose_columns_preview_then_import(client, plan, sea_user):
    url = reverse("mapping:mappingplan-import-own", args=[plan.pk])
    client.force_login(sea_user)
    assert client.post(url, {"action": "upload", "file": workbook()}).status_code == 302

    page = client.get(url).content.decode()
    assert '<option value="Field Name" selected>Field Name</option>' in page

    preview = client.post(url, columns_post("preview"))
    body = preview.content.decode()
    assert preview.status_code == 200, body
    assert "Importing would give: 4 elements created, 0 updated" in body
    assert "Student.BirthData.BirthDate" in body
    assert not StateElement.objects.filter(
        collection__plan=plan
    ).exists()  # a preview writes nothing

    done = client.post(url, columns_post("import"))
    assert done.status_code == 302 and done.url == plan.get_absolute_url()
    mappings = {
        m.element.name: m
        for m in ElementMapping.objects.filter(element__collection__plan=plan).select_related(
            "element"
        )
    }
    assert mappings["BIRTHDATE"].kind == MappingKind.ONE_TO_ONE
    assert [str(t) for t in mappings["BIRTHDATE"].targets.all()] == ["Student.BirthData.BirthDate"]
    assert mappings["GRADE_LVL"].kind == MappingKind.CLOSE
    assert mappings["GRADE_LVL"].comments == "Local codes KG, PK"
    assert mappings["HOMELESS_IND"].kind == MappingKind.NOT_MAPPED
    assert mappings["HOMELESS_IND"].element.data_type == "boolean"
    assert mappings["STUDENT_ID"].element.data_type == "string"
    assert mappings["BIRTHDATE"].status == "draft"  # an import never approves
    assert not client.session.get(f"mapping.own_layout.{plan.pk}")


def test_a_bad_row_names_the_sheet_row_and_the_files_own_columns_and_imports_nothing(
    client, plan, sea_user, settings
):
    rows = [*ROWS, ["Fall Membership", "ZIP", "Zip", "varchar(5)", "Student", "ZipCode", "", ""]]
    url = reverse("mapping:mappingplan-import-own", args=[plan.pk])
    client.force_login(sea_user)
    client.post(url, {"action": "upload", "file": workbook(rows)})

    preview = client.post(url, columns_post("preview"))
    assert preview.status_code == 400
    assert (
        "our-mapping.xlsx, sheet State to Ed-Fi, row 6, column “Ed-Fi Entity” + “Ed-Fi Element”: "
        "Student.ZipCode not in Ed-Fi Data Standard 5.2.0."
    ) in preview.content.decode()

    refused = client.post(url, columns_post("import"))
    assert refused.status_code == 400
    assert "Nothing was imported." in refused.content.decode()
    assert not StateElement.objects.filter(collection__plan=plan).exists()


def test_cancel_forgets_the_kept_file(client, plan, sea_user, settings):
    url = reverse("mapping:mappingplan-import-own", args=[plan.pk])
    client.force_login(sea_user)
    client.post(url, {"action": "upload", "file": workbook()})
    kept = client.session[f"mapping.own_layout.{plan.pk}"]["path"]
    assert kept.startswith(str(IMPORT_DIR))
    stored = Path(settings.MEDIA_ROOT) / kept
    assert stored.exists()
    client.post(url, {"action": "cancel"})
    assert f"mapping.own_layout.{plan.pk}" not in client.session
    assert not stored.exists()


@pytest.mark.parametrize("role", [Role.LEADERSHIP, Role.LEA_COORDINATOR, Role.VENDOR_CONTACT])
def test_only_those_who_may_change_the_plan_import_into_it(client, plan, world, role):
    client.force_login(world.users[role])
    url = reverse("mapping:mappingplan-import-own", args=[plan.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "upload", "file": workbook()}).status_code == 403


@pytest.mark.celery_worker
def test_a_large_own_layout_file_is_imported_by_a_job_through_the_column_map(
    client, settings, celery_worker, catalog, sea_user
):
    plan = f.MappingPlanFactory(data_standard_version=catalog)
    settings.IMPORT_BACKGROUND_ABOVE_BYTES = 100
    url = reverse("mapping:mappingplan-import-own", args=[plan.pk])
    client.force_login(sea_user)
    client.post(url, {"action": "upload", "file": workbook()})

    response = client.post(url, columns_post("import"))

    job = Job.objects.get(kind="mapping_spec_import")
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    wait_for(
        lambda: job if (job.refresh_from_db() or job.is_finished) else None,
        message=f"job did not finish:\n{celery_worker.log()}",
    )
    assert job.state == JobState.SUCCEEDED, job.error
    assert StateElement.objects.filter(collection__plan=plan).count() == 4
    assert ElementMapping.objects.get(element__name="GRADE_LVL").kind == MappingKind.CLOSE
