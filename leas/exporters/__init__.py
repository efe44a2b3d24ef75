"""Spreadsheet exports (CSV and XLSX) that are safe to open in a spreadsheet program."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

from rolloutplanner.spreadsheets import neutralise

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """The value as written to a cell: text that would start a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    return neutralise(str(value))


def to_csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(sheet_title: str, header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    sheet.append([safe_cell(h) for h in header])
    for row in rows:
        # Text cells are written as strings, so even a quoted "=…" is never parsed as a formula.
        sheet.append([safe_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(fmt: str, *, title: str, header: Sequence[str], rows: Iterable[Sequence]):
    """``(content, content_type, extension)`` for ``fmt`` "csv" or "xlsx"."""
    if fmt == "xlsx":
        return to_xlsx(title, header, rows), XLSX_CONTENT_TYPE, "xlsx"
    return to_csv(header, rows), CSV_CONTENT_TYPE, "csv"
