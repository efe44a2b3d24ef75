"""Reading uploaded CSV/XLSX files into rows that name their sheet and line."""

from __future__ import annotations

from dataclasses import dataclass

from rolloutplanner.spreadsheets import UnreadableFile, read_table_file


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
        if self.row:
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
    try:
        (sheet,) = read_table_file(file_name=file_name, content=content)
    except UnreadableFile as exc:
        raise FileImportError([RowError(file_name, exc.sheet, exc.row, "", exc.reason)]) from None
    if not sheet.rows:
        what = "sheet" if sheet.title else "file"
        raise FileImportError([RowError(file_name, sheet.title, 1, "", f"the {what} is empty")])
    header = [str(v or "").strip().lower().replace(" ", "_") for v in sheet.rows[0]]
    lines, sheet.rows, result = sheet.rows, [], []
    for number in range(2, len(lines) + 1):
        # Each file row is dropped once converted: a 50 MB file's rows take about 300 MB.
        row, lines[number - 1] = lines[number - 1], None
        cells = ["" if v is None else str(v).strip() for v in row]
        if any(cells):
            result.append(FileRow(sheet.title, number, dict(zip(header, cells, strict=False))))
    return result
