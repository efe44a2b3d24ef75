"""CSV and XLSX writers that neutralise formula injection.

A cell starting with = + - @ (or a tab/carriage return, which some spreadsheet programs skip
before evaluating) is prefixed with an apostrophe so it is shown as text, never evaluated.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from rolloutplanner.spreadsheets import neutralise


def csv_chunks(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV text in chunks (for a streaming response)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow([neutralise(v) for v in row])
        if count % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_bytes(title: str, header: list[str], rows: Iterable[Iterable]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append([neutralise(h) for h in header])
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
