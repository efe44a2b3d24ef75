"""Crafted XLSX files for import tests: lying dimensions and zip bombs, built in memory."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook


def xlsx_bytes(rows: list[list], *, title: str = "Sheet1", dimension: str | None = None) -> bytes:
    """A one-sheet workbook of ``rows``; ``dimension`` overwrites the sheet's declared ref."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    declared = f'<dimension ref="{dimension}"'.encode()
    return _rewrite_member(
        buffer.getvalue(),
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', declared, xml),
    )


def zip_bomb_xlsx(rows: list[list], *, padding_bytes: int) -> bytes:
    """A valid workbook whose sheet XML carries ``padding_bytes`` of highly compressible blanks."""
    return _rewrite_member(
        xlsx_bytes(rows),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * padding_bytes, 1),
    )


def _rewrite_member(content: bytes, name: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, change(data) if info.filename == name else data)
    return out.getvalue()
