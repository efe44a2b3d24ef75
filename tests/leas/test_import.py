"""LEA registry import: CSV and XLSX, keyed by state LEA id, all-or-nothing with row errors."""

import io

import pytest
from openpyxl import Workbook

from leas.importers import FileImportError
from leas.models import LEA, ReadinessItem
from leas.services import READINESS_CHECKLIST, import_leas
from tests.factories import LEAFactory, VendorFactory

pytestmark = pytest.mark.django_db

HEADER = "state_lea_id,name,enrollment,capacity,urbanicity,region,poverty_level,sis,source_systems"


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


@pytest.fixture
def vendors():
    return {
        "sis": VendorFactory(name="PowerRoster", product_name="PR Cloud", product_type="sis"),
        "iep": VendorFactory(name="IEP Works", product_name="IEPW", product_type="iep"),
    }


def test_csv_creates_and_updates_by_state_id(vendors):
    existing = LEAFactory(state_lea_id="00042", name="Old name", region="East")
    result = import_leas(
        file_name="fall.csv",
        content=csv_bytes(
            "00042,Lakeside SD,1500,low,Rural,North,high,PowerRoster,IEP Works",
            '00099,Hill City SD,"32,000",high,city,,Low (under 10%),PR Cloud,',
        ),
    )
    assert (result.created, result.updated) == (1, 1)
    existing.refresh_from_db()
    assert existing.name == "Lakeside SD"
    assert existing.urbanicity == "rural"
    assert existing.sis_vendor == vendors["sis"]
    assert list(existing.source_systems.all()) == [vendors["iep"]]
    assert existing.history.first().history_change_reason == "imported from fall.csv"
    new = LEA.objects.get(state_lea_id="00099")
    assert new.enrollment == 32000
    assert new.poverty_level == "low"
    assert new.region == ""
    # A new LEA gets the readiness checklist derived from the rollout phases.
    assert ReadinessItem.objects.filter(lea=new).count() == len(READINESS_CHECKLIST)


def test_xlsx_is_read_like_csv(vendors):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Registry"
    sheet.append(HEADER.split(","))
    sheet.append(["00077", "Valley USD", 2400, "moderate", "suburb", "South", "moderate", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    import_leas(file_name="registry.xlsx", content=buffer.getvalue())
    lea = LEA.objects.get(state_lea_id="00077")
    assert (lea.enrollment, lea.urbanicity) == (2400, "suburb")


def test_any_bad_row_rejects_the_whole_file_with_every_error(vendors):
    with pytest.raises(FileImportError) as caught:
        import_leas(
            file_name="bad.csv",
            content=csv_bytes(
                "00001,Good SD,100,low,rural,North,low,,",
                "00002,Bad SD,lots,medium,rural,North,low,Nobody SIS,",
                ",No id SD,100,,,,,,",
                "00001,Duplicate SD,100,,,,,,",
                "00003,,100,,,,,,",
            ),
        )
    assert LEA.objects.count() == 0
    reasons = {(e.row, e.column): e.reason for e in caught.value.errors}
    assert "not a whole number" in reasons[(3, "enrollment")]
    assert "'medium' is not one of high, moderate, low" in reasons[(3, "capacity")]
    assert "no student information system named 'Nobody SIS'" in reasons[(3, "sis")]
    assert reasons[(4, "state_lea_id")] == "is required"
    assert "already appears on row 2" in reasons[(5, "state_lea_id")]
    assert reasons[(6, "name")] == "is required for a new LEA"
    assert str(caught.value.errors[0]).startswith("bad.csv, row 3, column ")


def test_unknown_column_and_missing_key_column_are_reported():
    with pytest.raises(FileImportError) as caught:
        import_leas(file_name="x.csv", content=b"name,colour\nA,blue\n")
    assert [(e.row, e.column, e.reason) for e in caught.value.errors] == [
        (1, "state_lea_id", "column is missing")
    ]
    with pytest.raises(FileImportError) as caught:
        import_leas(file_name="x.csv", content=b"state_lea_id,name,colour\n1,A,blue\n")
    assert caught.value.errors[0].column == "colour"


def test_unreadable_files_are_rejected():
    with pytest.raises(FileImportError, match="only .csv and .xlsx"):
        import_leas(file_name="x.txt", content=b"")
    with pytest.raises(FileImportError, match="not a readable XLSX"):
        import_leas(file_name="x.xlsx", content=b"not a zip")
    with pytest.raises(FileImportError, match="not UTF-8"):
        import_leas(file_name="x.csv", content=b"\xff\xfe\x00bad")


def test_import_page_shows_row_errors_and_changes_nothing(client, world, sea_user):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(sea_user)
    upload = SimpleUploadedFile("bad.csv", csv_bytes("00555,New SD,abc,,,,,,"))
    response = client.post(reverse("leas:lea-import"), {"file": upload})
    assert response.status_code == 400
    assert b"<td>enrollment</td>" in response.content
    assert b"not a whole number" in response.content
    assert not LEA.objects.filter(state_lea_id="00555").exists()

    upload = SimpleUploadedFile("good.csv", csv_bytes("00555,New SD,900,,,,,,"))
    response = client.post(reverse("leas:lea-import"), {"file": upload})
    assert response.status_code == 302
    assert LEA.objects.filter(state_lea_id="00555", enrollment=900).exists()


def test_only_the_sea_team_may_import(client, world):
    from django.urls import reverse

    from rolloutplanner.roles import Role

    for role in (Role.LEADERSHIP, Role.LEA_COORDINATOR, Role.VENDOR_CONTACT):
        client.force_login(world.users[role])
        assert client.get(reverse("leas:lea-import")).status_code == 403


def test_xlsx_errors_name_the_sheet():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Fall 2026"
    sheet.append(["state_lea_id", "name", "urbanicity"])
    sheet.append(["00101", "Ok SD", "rural"])
    sheet.append(["00102", "Bad SD", "exurb"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(FileImportError) as caught:
        import_leas(file_name="fall.xlsx", content=buffer.getvalue())
    assert [str(e) for e in caught.value.errors] == [
        "fall.xlsx, sheet Fall 2026, row 3, column urbanicity: "
        "'exurb' is not one of city, suburb, town, rural"
    ]
    assert not LEA.objects.exists()


def test_a_workbook_declaring_fewer_rows_than_it_holds_imports_every_row():
    from tests.support.workbooks import xlsx_bytes

    rows = [["state_lea_id", "name"], ["00201", "A SD"], ["00202", "B SD"], ["00203", "C SD"]]
    result = import_leas(file_name="short.xlsx", content=xlsx_bytes(rows, dimension="A1:C2"))
    assert result.created == 3
    assert set(LEA.objects.values_list("state_lea_id", flat=True)) == {"00201", "00202", "00203"}


def test_a_workbook_declaring_the_whole_grid_imports_its_rows_in_little_memory():
    import tracemalloc

    from tests.support.workbooks import xlsx_bytes

    # openpyxl padded every row to the declared 16,384 columns: 2,000 rows held 260 MB.
    rows = [["state_lea_id", "name"], *([f"{n:05d}", f"District {n}"] for n in range(2000))]
    content = xlsx_bytes(rows, dimension="A1:XFD1048576")
    tracemalloc.start()
    try:
        result = import_leas(file_name="huge.xlsx", content=content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.created == 2000
    assert LEA.objects.get(state_lea_id="01999").name == "District 1999"
    assert peak < 60 * 1024 * 1024


def test_a_nul_byte_in_a_csv_is_refused_with_line_and_column():
    with pytest.raises(FileImportError) as caught:
        import_leas(file_name="nul.csv", content=csv_bytes("00401,Nul\x00 SD,,,,,,,"))
    assert [str(e) for e in caught.value.errors] == [
        "nul.csv: line 2, column 10 holds a NUL byte, which a CSV text file never contains; "
        "save the file again as CSV (UTF-8)."
    ]
    assert not LEA.objects.exists()


def test_the_import_page_refuses_a_nul_byte_with_its_place(client, world, sea_user):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(sea_user)
    upload = SimpleUploadedFile("nul.csv", csv_bytes("00401,Nul\x00 SD,,,,,,,"))
    response = client.post(reverse("leas:lea-import"), {"file": upload})
    assert response.status_code == 400
    assert b"line 2, column 10 holds a NUL byte" in response.content


def _registry(count: int, offset: int = 0) -> bytes:
    numbers = range(offset, offset + count)
    return csv_bytes(*(f"{n:05d},District {n},{n},,,,,PowerRoster,IEP Works" for n in numbers))


def test_the_import_runs_a_few_queries_per_thousand_rows_not_per_row(vendors):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (10, 200):
        with CaptureQueriesContext(connection) as created:
            import_leas(file_name="new.csv", content=_registry(size, offset=size * 100))
        with CaptureQueriesContext(connection) as updated:
            import_leas(file_name="again.csv", content=_registry(size, offset=size * 100))
        counts.append((len(created.captured_queries), len(updated.captured_queries)))
    (small_create, small_update), (large_create, large_update) = counts
    # 200 new LEAs get 1,800 readiness items: one more bulk insert batch of 1,000.
    assert large_create - small_create <= 2
    assert large_update == small_update


def test_every_imported_lea_gets_one_history_record_with_its_source_systems(vendors):
    import_leas(file_name="first.csv", content=_registry(3))
    import_leas(file_name="second.csv", content=csv_bytes("00001,Renamed SD,,,,,,,"))

    lea = LEA.objects.get(state_lea_id="00001")
    records = list(lea.history.order_by("history_id"))
    assert [(r.history_type, r.history_change_reason, r.name) for r in records] == [
        ("+", "imported from first.csv", "District 1"),
        ("~", "imported from second.csv", "Renamed SD"),
    ]
    assert [v.vendor for v in records[0].source_systems.all()] == [vendors["iep"]]
    assert [v.vendor for v in records[1].source_systems.all()] == [vendors["iep"]]
    assert lea.sis_vendor == vendors["sis"] and lea.enrollment == 1
