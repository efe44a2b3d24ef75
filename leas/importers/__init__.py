"""Reading uploaded CSV/XLSX files into rows that name their sheet and line."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import load_workbook


@dataclass(frozen=True)
class FileRow:
    sheet: str  # "" for CSV
    number: int  # 1-based line/row number in the file, header is line 1
    values: dict[str, str]


@dataclass(frozen=True)
class RowError:
    file_name: str
    sheet: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file_name}"
        if self.sheet:
            where += f", sheet {self.sheet}"
        where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.reason}"


class FileImportError(Exception):
    """The file was rejected; nothing was saved. ``errors`` lists every problem found."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:5]))


def read_rows(*, file_name: str, content: bytes) -> list[FileRow]:
    """Rows of the first sheet (XLSX) or of the file (CSV), keyed by lower-cased header."""
    if file_name.lower().endswith(".xlsx"):
        return _read_xlsx(file_name, content)
    if file_name.lower().endswith(".csv"):
        return _read_csv(file_name, content)
    raise FileImportError([RowError(file_name, "", 0, "", "only .csv and .xlsx files are read")])


def _header(values) -> list[str]:
    return [str(v or "").strip().lower().replace(" ", "_") for v in values]


def _read_csv(file_name: str, content: bytes) -> list[FileRow]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileImportError(
            [RowError(file_name, "", 0, "", "the file is not UTF-8 text")]
        ) from None
    reader = csv.reader(io.StringIO(text))
    lines = list(reader)
    if not lines:
        raise FileImportError([RowError(file_name, "", 1, "", "the file is empty")])
    header = _header(lines[0])
    return [
        FileRow("", number, {h: (v or "").strip() for h, v in zip(header, line, strict=False)})
        for number, line in enumerate(lines[1:], start=2)
        if any(cell.strip() for cell in line)
    ]


def _read_xlsx(file_name: str, content: bytes) -> list[FileRow]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same user error
        raise FileImportError(
            [RowError(file_name, "", 0, "", "the file is not a readable XLSX workbook")]
        ) from None
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        raise FileImportError([RowError(file_name, sheet.title, 1, "", "the sheet is empty")])
    header = _header(rows[0])
    result = []
    for number, row in enumerate(rows[1:], start=2):
        cells = ["" if v is None else str(v).strip() for v in row]
        if any(cells):
            result.append(FileRow(sheet.title, number, dict(zip(header, cells, strict=False))))
    return result
