"""The one CSV/XLSX writer: formula-safe cells, typed XLSX values, streamed CSV, file names."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

from rolloutplanner import exports
from rolloutplanner.exports import Table, cell, csv_chunks, csv_text, download, xlsx_bytes
from rolloutplanner.views.exports import ExportView

DANGEROUS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_prefixes_are_neutralised_in_csv_and_xlsx(value):
    assert cell(value) == f"'{value}"
    rows = list(csv.reader(io.StringIO(csv_text(["A"], [[value]]).lstrip("\ufeff"))))
    assert rows[1] == [f"'{value}"]
    sheet = load_workbook(io.BytesIO(xlsx_bytes("T", ["A"], [[value]]))).active
    assert sheet["A2"].value == "'" + value and sheet["A2"].data_type == "s"


def test_a_formula_in_the_header_is_neutralised_too():
    assert csv_text(["=A1"], []).lstrip("\ufeff").startswith("'=A1")


def test_plain_values_pass_through():
    assert cell("Lakeside") == "Lakeside"
    assert cell(1200) == 1200
    assert cell(None) == ""


def test_an_object_is_written_as_its_text_and_still_neutralised():
    class Named:
        def __str__(self):
            return "=1+1"

    assert cell(Named()) == "'=1+1"


def test_xlsx_keeps_numbers_and_dates_typed():
    aware = datetime.datetime(2026, 3, 1, 14, 30, tzinfo=datetime.UTC)
    row = [7, 2.5, Decimal("1.25"), True, datetime.date(2026, 9, 1), aware]
    sheet = load_workbook(io.BytesIO(xlsx_bytes("Typed", ["a"] * 6, [row]))).active
    values = [c.value for c in sheet[2]]
    assert values[:4] == [7, 2.5, 1.25, True]
    assert values[4] == datetime.datetime(2026, 9, 1)
    assert isinstance(values[5], datetime.datetime) and values[5].tzinfo is None


def test_a_long_sheet_title_is_cut_to_excels_limit():
    workbook = load_workbook(io.BytesIO(xlsx_bytes("x" * 40, ["a"], [])))
    assert workbook.sheetnames == ["x" * 31]


def test_csv_starts_with_a_byte_order_mark_unless_asked_not_to():
    assert csv_text(["a"], []).startswith("\ufeff")
    assert csv_text(["a"], [], bom=False) == "a\r\n"


def test_csv_is_streamed_in_chunks_of_rows(monkeypatch):
    monkeypatch.setattr(exports, "CSV_CHUNK_ROWS", 10)
    chunks = list(csv_chunks(["n"], ([i] for i in range(25))))
    assert len(chunks) == 3
    assert "".join(chunks).lstrip("\ufeff").splitlines() == ["n", *map(str, range(25))]


def test_download_names_the_file_and_streams_csv():
    response = download(Table("registry", "Registry", ["a"], [["=1"]]), "csv")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="registry.csv"'
    assert b"".join(response.streaming_content).decode("utf-8-sig") == "a\r\n'=1\r\n"


def test_download_of_xlsx_is_one_workbook():
    response = download(Table("registry", "Registry", ["a"], [["=1"]]), "xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="registry.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content))["Registry"]
    assert sheet["A2"].value == "'=1"


def test_an_unknown_format_is_csv():
    response = download(Table("registry", "Registry", ["a"], []), "pdf")
    assert response["Content-Disposition"] == 'attachment; filename="registry.csv"'


class _RowsView(ExportView):
    export = staticmethod(lambda *, user: Table("rows", "Rows", ["user"], [[user.username]]))


def test_export_view_passes_the_user_and_picks_the_format(django_user_model):
    request = RequestFactory().get("/export/", {"format": "xlsx"})
    request.user = django_user_model(username="=sea")
    response = _RowsView.as_view()(request)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "'=sea"


def test_export_view_sends_an_anonymous_user_to_log_in(rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/export/")
    request.user = AnonymousUser()
    assert _RowsView.as_view()(request).status_code == 302
