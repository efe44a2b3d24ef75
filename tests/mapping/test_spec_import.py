"""Importing a state collection specification: CSV and XLSX, re-import, bad files."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from mapping.exporters.workbook import template_csv, template_workbook
from mapping.models import ElementMapping, StateCode, StateElement
from mapping.services.state_spec import import_state_spec
from rolloutplanner.roles import Role
from tests.mapping import factories as f

SPEC_CSV = """collection,element,definition,data_type,required,code_set,allowed_values
Fall Child Count,Primary Disability,IDEA category,code,yes,Disability,AUT=Autism; DB=Deaf-blindness
Fall Child Count,Birth Date,Date of birth,date,yes,,
Fall Child Count,Student ID,State student identifier,string,yes,,
Spring Discipline,Incident Date,When it happened,date,no,,
"""


def _xlsx(rows, title="Elements") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def plan(db):
    return f.MappingPlanFactory()


def test_csv_import_creates_collections_elements_codes_and_draft_mappings(plan, sea_user):
    content = SPEC_CSV.encode()
    summary = import_state_spec(plan=plan, name="fall.csv", content=content, user=sea_user)

    assert (summary.created, summary.updated, summary.code_sets) == (4, 0, 1)
    disability = StateElement.objects.get(name="Primary Disability")
    assert disability.code_set.name == "Disability" and disability.required
    assert list(disability.code_set.codes.values_list("code", "description")) == [
        ("AUT", "Autism"),
        ("DB", "Deaf-blindness"),
    ]
    assert ElementMapping.objects.filter(kind="not_mapped", status="draft").count() == 4
    assert disability.history.first().history_change_reason == "imported from fall.csv"


def test_reimport_updates_and_never_duplicates(plan, sea_user):
    import_state_spec(plan=plan, name="fall.csv", content=SPEC_CSV.encode(), user=sea_user)
    changed = SPEC_CSV.replace("Date of birth", "The student's date of birth").replace(
        "DB=Deaf-blindness", "DB=Deaf-blindness; DD=Developmental delay"
    )

    summary = import_state_spec(plan=plan, name="fall.csv", content=changed.encode(), user=sea_user)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 3)
    assert StateElement.objects.count() == 4 and ElementMapping.objects.count() == 4
    assert StateElement.objects.get(name="Birth Date").definition == "The student's date of birth"
    assert StateCode.objects.count() == 3


def test_xlsx_import_reads_the_elements_sheet(plan, sea_user):
    content = _xlsx(
        [
            ["collection", "element", "data_type", "required"],
            ["Fall Child Count", "Exit Date", "date", "no"],
        ]
    )
    summary = import_state_spec(plan=plan, name="fall.xlsx", content=content, user=sea_user)
    assert summary.created == 1
    assert StateElement.objects.get().data_type == "date"


def test_bad_xlsx_names_sheet_row_column_and_reason_and_imports_nothing(plan, sea_user):
    content = _xlsx(
        [
            ["collection", "element", "data_type", "required", "allowed_values"],
            ["Fall Child Count", "Exit Date", "date", "no", ""],
            ["Fall Child Count", "", "colour", "maybe", ""],
            ["Fall Child Count", "Exit Date", "date", "no", ""],
            ["Fall Child Count", "Race", "code", "yes", "A=Asian; =White"],
        ],
        title="Fall 2026",
    )
    with pytest.raises(ValidationError) as caught:
        import_state_spec(plan=plan, name="fall.xlsx", content=content, user=sea_user)

    messages = caught.value.messages
    assert "fall.xlsx, sheet Fall 2026, row 3, column element: a value is required." in messages
    assert any("row 3, column data_type: 'colour' is not one of" in m for m in messages)
    assert any("row 3, column required: 'maybe' is not yes or no" in m for m in messages)
    assert any("row 4, column element: 'Exit Date' is already defined at" in m for m in messages)
    assert any("row 5, column allowed_values: '=White' has no code" in m for m in messages)
    assert not StateElement.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("spec.txt", b"x", "spec.txt: only .csv and .xlsx files can be imported."),
        ("spec.xlsx", b"not a zip", "spec.xlsx: the file is not a readable XLSX workbook"),
        ("spec.csv", b"element,definition\nA,B\n", "spec.csv, row 1: missing column(s) collection"),
        ("spec.csv", b"collection,element\n", "spec.csv: no element rows found."),
        ("spec.csv", b"\xff\xfe\x00bad", "spec.csv: the file is not UTF-8 text"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(plan, sea_user, name, content, expected):
    with pytest.raises(ValidationError) as caught:
        import_state_spec(plan=plan, name=name, content=content, user=sea_user)
    assert any(m.startswith(expected) for m in caught.value.messages), caught.value.messages


def test_templates_import_cleanly(plan, sea_user):
    import_state_spec(plan=plan, name="t.csv", content=template_csv().encode(), user=sea_user)
    import_state_spec(plan=plan, name="t.xlsx", content=template_workbook(), user=sea_user)
    assert StateElement.objects.get().code_set.codes.count() == 3
    sheets = load_workbook(io.BytesIO(template_workbook())).sheetnames
    assert sheets == ["Elements", "Instructions"]


def test_import_page_shows_errors_and_only_the_sea_team_may_use_it(client, world, plan):
    url = reverse("mapping:mappingplan-import", args=[plan.pk])
    client.force_login(world.users[Role.LEA_COORDINATOR])
    assert client.get(url).status_code == 403

    client.force_login(world.users[Role.SEA_TEAM])
    bad = io.BytesIO(b"collection,element,data_type\nFall,X,colour\n")
    bad.name = "fall.csv"
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert b"fall.csv, row 2, column data_type" in response.content
    assert b"Nothing was imported" in response.content

    good = io.BytesIO(SPEC_CSV.encode())
    good.name = "fall.csv"
    response = client.post(url, {"file": good})
    assert response.status_code == 302 and StateElement.objects.count() == 4


def test_template_downloads(client, world):
    client.force_login(world.users[Role.VENDOR_CONTACT])
    response = client.get(reverse("mapping:spec-template", args=["csv"]))
    assert response.status_code == 200
    assert response.content.decode().startswith("collection,element,definition")
    response = client.get(reverse("mapping:spec-template", args=["xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_workbook_declaring_the_whole_grid_imports_its_rows_in_little_memory(plan, sea_user):
    import tracemalloc

    from tests.support.workbooks import xlsx_bytes

    # openpyxl padded every row to the declared 16,384 columns: 2,000 rows held 260 MB.
    rows = [["collection", "element"], *(["Fall", f"Element {n}"] for n in range(2000))]
    content = xlsx_bytes(rows, title="Elements", dimension="A1:XFD1048576")
    tracemalloc.start()
    try:
        summary = import_state_spec(plan=plan, name="huge.xlsx", content=content, user=sea_user)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.created == 2000
    assert peak < 60 * 1024 * 1024


def test_a_workbook_declaring_fewer_rows_than_it_holds_imports_every_row(plan, sea_user):
    from tests.support.workbooks import xlsx_bytes

    rows = [["collection", "element"], ["Fall", "A"], ["Fall", "B"], ["Fall", "C"]]
    content = xlsx_bytes(rows, title="Elements", dimension="A1:C2")
    summary = import_state_spec(plan=plan, name="short.xlsx", content=content, user=sea_user)
    assert summary.created == 3


def test_a_nul_byte_in_a_csv_is_refused_with_line_and_column(plan, sea_user):
    content = b"collection,element\nFall,Birth\x00Date\n"
    with pytest.raises(ValidationError) as caught:
        import_state_spec(plan=plan, name="nul.csv", content=content, user=sea_user)
    assert caught.value.messages == [
        "nul.csv: line 2, column 11 holds a NUL byte, which a CSV text file never contains; "
        "save the file again as CSV (UTF-8)."
    ]
    assert not StateElement.objects.exists()


def test_a_zip_bomb_is_refused_with_a_clear_message(plan, sea_user):
    from tests.support.workbooks import zip_bomb_xlsx

    content = zip_bomb_xlsx([["collection", "element"]], padding_bytes=50 * 1024 * 1024)
    with pytest.raises(ValidationError, match="looks built to exhaust the server"):
        import_state_spec(plan=plan, name="bomb.xlsx", content=content, user=sea_user)
