"""The one CSV/XLSX writer every download uses, safe to open in a spreadsheet program.

Every cell goes through :func:`cell`: text that would start a formula (= + - @, or a tab or
carriage return that some programs skip before evaluating) gets a leading apostrophe, the rule
of :func:`rolloutplanner.spreadsheets.neutralise` that the importers undo. Numbers, booleans
and dates keep their type, so an XLSX sheet sorts and sums them; anything else is written as
text. CSV is streamed in chunks, so a download of a million rows never sits in memory; XLSX
(a zip that is only complete at its end) is written by openpyxl's write-only workbook.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from rolloutplanner.spreadsheets import neutralise

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}
FORMATS = tuple(CONTENT_TYPES)
# Excel opens a CSV file as UTF-8 only when it starts with a byte order mark.
CSV_BOM = "\ufeff"
# Rows per CSV chunk: a few hundred kilobytes, so the response streams without a write per row.
CSV_CHUNK_ROWS = 1000
# Excel refuses a sheet title longer than this.
SHEET_TITLE_MAX = 31

_TYPED = (bool, int, float, Decimal, datetime.date, datetime.time)


def cell(value):
    """The value as written to a cell: typed values as they are, text formula-safe."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        # A workbook has no time zones: write the wall-clock time users see on the pages.
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, _TYPED):
        return value
    return neutralise(str(value))


def safe_row(row: Iterable) -> list:
    """Every value of ``row`` through :func:`cell`."""
    return [cell(value) for value in row]


def csv_chunks(header: Sequence, rows: Iterable[Iterable], *, bom: bool = True) -> Iterator[str]:
    """CSV text in chunks of :data:`CSV_CHUNK_ROWS` rows, for a streaming response."""
    buffer = io.StringIO()
    if bom:
        buffer.write(CSV_BOM)
    writer = csv.writer(buffer)
    writer.writerow(safe_row(header))
    for count, row in enumerate(rows, start=1):
        writer.writerow(safe_row(row))
        if count % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_text(header: Sequence, rows: Iterable[Iterable], *, bom: bool = True) -> str:
    """The whole CSV text at once (for a file that is stored or tested, not downloaded)."""
    return "".join(csv_chunks(header, rows, bom=bom))


class XlsxWorkbook:
    """A write-only workbook of one or more sheets whose every cell goes through :func:`cell`.

    Rows may be appended to the sheets in any order; :meth:`content` closes the workbook.
    """

    def __init__(self):
        from openpyxl import Workbook

        self._workbook = Workbook(write_only=True)

    def add_sheet(self, title: str, header: Sequence = ()):
        """A new sheet (title cut to Excel's limit) whose first row is ``header``, if any."""
        sheet = _SafeSheet(self._workbook.create_sheet(title[:SHEET_TITLE_MAX]))
        if header:
            sheet.append(header)
        return sheet

    def content(self) -> bytes:
        buffer = io.BytesIO()
        self._workbook.save(buffer)
        return buffer.getvalue()


class _SafeSheet:
    def __init__(self, sheet):
        self._sheet = sheet

    def append(self, row: Iterable) -> None:
        # Text is written as a string cell, so even a quoted "=…" is never parsed as a formula.
        self._sheet.append(safe_row(row))


def xlsx_bytes(title: str, header: Sequence, rows: Iterable[Iterable]) -> bytes:
    """A workbook of one sheet: ``header`` and then ``rows``."""
    workbook = XlsxWorkbook()
    sheet = workbook.add_sheet(title, header)
    for row in rows:
        sheet.append(row)
    return workbook.content()


@dataclass
class Table:
    """What a download holds: a file name without extension, a sheet title, header and rows.

    ``rows`` may be a generator over a queryset's ``iterator()``; it is read once.
    """

    name: str
    title: str
    header: Sequence[str]
    rows: Iterable[Iterable]


def download(table: Table, fmt: str) -> HttpResponse:
    """The table as an attachment ``<name>.<fmt>``: CSV streamed, XLSX in one piece."""
    if fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(table.title, table.header, table.rows), content_type=XLSX_CONTENT_TYPE
        )
    else:
        fmt = "csv"
        response = StreamingHttpResponse(
            csv_chunks(table.header, table.rows), content_type=CSV_CONTENT_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="{table.name}.{fmt}"'
    return response
