"""Spreadsheet files in and out: the one reader every import uses, and the formula rule.

Reading: :func:`read_table_file` turns an uploaded CSV or XLSX file into sheets of rows and
refuses, with a sentence naming the file and the place, anything a hostile or broken file
could use to exhaust the server: a file above ``IMPORT_MAX_BYTES``, a zip whose members
unpack to more than ``IMPORT_MAX_UNCOMPRESSED_BYTES`` or compress suspiciously well, more rows,
columns or cells than the caps, a NUL byte or text that is not UTF-8. A workbook's declared
dimension is never trusted (it may be far larger or smaller than the data): the sheet is
streamed (openpyxl read-only) and ends at its last row that holds a value.

Writing: a cell starting with = + - @ (or a tab / carriage return, which some programs skip
before evaluating) would run as a formula; it is written with a leading apostrophe so it shows
as text.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Members smaller than this may compress as well as they like (an empty sheet does).
RATIO_CHECKED_ABOVE_BYTES = 1024 * 1024


def neutralise(value):
    """The value as written to a cell: text that would start a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def restore(value):
    """Undo :func:`neutralise` on import, so an exported workbook reads back unchanged."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] in FORMULA_PREFIXES:
        return value[1:]
    return value


class UnreadableFile(Exception):
    """The file cannot be imported at all; ``str()`` names the file, the place and the reason."""

    def __init__(self, file_name: str, reason: str, *, sheet: str = "", row: int = 0):
        self.file_name, self.reason, self.sheet, self.row = file_name, reason, sheet, row
        where = file_name
        if sheet:
            where += f", sheet {sheet}"
        if row:
            where += f", row {row}"
        super().__init__(f"{where}: {reason}")


@dataclass
class Sheet:
    """One sheet (or the CSV file): ``rows[i]`` is row ``i + 1``, up to its last non-empty row."""

    title: str  # "" for a CSV file
    rows: list[list] = field(default_factory=list)


def size_text(size: int) -> str:
    """A byte count in words a person reads: 52.4 MB, 980 KB, 312 bytes."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def check_import_size(*, file_name: str, size: int) -> None:
    """Refuse a file above ``IMPORT_MAX_BYTES`` before any of it is read."""
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise UnreadableFile(
            file_name,
            f"the file is {size_text(size)}, above the import limit of {size_text(limit)}; "
            "split it into smaller files.",
        )


def validate_import_upload(upload) -> None:
    """Form field validator: an uploaded file above the import limit is refused unread."""
    from django.core.exceptions import ValidationError

    try:
        check_import_size(file_name=upload.name, size=upload.size)
    except UnreadableFile as exc:
        raise ValidationError(str(exc), code="file_too_large") from None


def read_table_file(*, file_name: str, content: bytes, all_sheets: bool = False) -> list[Sheet]:
    """The file's sheets (the first only unless ``all_sheets``); raises :class:`UnreadableFile`.

    CSV cells are strings; XLSX cells keep their type (numbers, dates, ``None``). Rows that
    are empty in the middle of a sheet stay (as ``[]``) so row numbers match the file.
    """
    check_import_size(file_name=file_name, size=len(content))
    lowered = file_name.lower()
    if lowered.endswith(".csv"):
        return [_read_csv(file_name, content)]
    if lowered.endswith(".xlsx"):
        return _read_xlsx(file_name, content, all_sheets=all_sheets)
    raise UnreadableFile(file_name, "only .csv and .xlsx files can be imported.")


class _Limits:
    """Counts rows and cells of one file against the caps."""

    def __init__(self, file_name: str):
        self.file_name = file_name
        self.rows = self.cells = 0

    def count(self, sheet: str, number: int, raw_width: int, width: int) -> None:
        self.cells += raw_width
        if width:
            self.rows += 1
        if self.rows > settings.IMPORT_MAX_ROWS:
            raise UnreadableFile(
                self.file_name,
                f"the file has more than {settings.IMPORT_MAX_ROWS:,} rows, the import limit; "
                "split it into smaller files.",
                sheet=sheet,
                row=number,
            )
        if width > settings.IMPORT_MAX_COLUMNS:
            raise UnreadableFile(
                self.file_name,
                f"the row has {width:,} columns, more than the import limit of "
                f"{settings.IMPORT_MAX_COLUMNS:,}.",
                sheet=sheet,
                row=number,
            )
        if self.cells > settings.IMPORT_MAX_CELLS:
            raise UnreadableFile(
                self.file_name,
                f"the file has more than {settings.IMPORT_MAX_CELLS:,} cells, the import "
                "limit; split it into smaller files.",
                sheet=sheet,
                row=number,
            )


def _trimmed(values) -> list:
    """The row without its trailing empty cells."""
    end = len(values)
    while end and (values[end - 1] is None or values[end - 1] == ""):
        end -= 1
    return list(values[:end])


# CSV ----------------------------------------------------------------------------------------


def _line_and_column(content: bytes, position: int) -> tuple[int, int]:
    """1-based line and character column of byte ``position``."""
    line_start = content.rfind(b"\n", 0, position) + 1
    column = len(content[line_start:position].decode("utf-8", errors="replace")) + 1
    return content.count(b"\n", 0, position) + 1, column


def _csv_text(file_name: str, content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(
            file_name,
            "the file is not UTF-8 text (it is UTF-16, which Excel calls Unicode text); "
            "save it again as CSV (UTF-8).",
        )
    nul = content.find(b"\x00")
    if nul >= 0:
        line, column = _line_and_column(content, nul)
        raise UnreadableFile(
            file_name,
            f"line {line}, column {column} holds a NUL byte, which a CSV text file never "
            "contains; save the file again as CSV (UTF-8).",
        )
    start = 3 if content.startswith(b"\xef\xbb\xbf") else 0
    try:
        return content[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        position = start + exc.start
        line, column = _line_and_column(content, position)
        raise UnreadableFile(
            file_name,
            f"line {line}, column {column} is not UTF-8 text (byte 0x{content[position]:02x}); "
            "save the file again as CSV (UTF-8).",
        ) from None


def _read_csv(file_name: str, content: bytes) -> Sheet:
    reader = csv.reader(io.StringIO(_csv_text(file_name, content), newline=""))
    sheet, limits = Sheet(""), _Limits(file_name)
    try:
        for values in reader:
            row = _trimmed(values)
            limits.count("", reader.line_num, len(values), len(row))
            sheet.rows.append(row)
    except csv.Error as exc:
        raise UnreadableFile(
            file_name, f"line {reader.line_num} is not valid CSV ({exc})."
        ) from None
    while sheet.rows and not sheet.rows[-1]:
        sheet.rows.pop()
    return sheet


# XLSX ---------------------------------------------------------------------------------------


def _check_zip(file_name: str, archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb from its directory alone, before anything is unpacked."""
    total = 0
    for member in archive.infolist():
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if (
            member.file_size > RATIO_CHECKED_ABOVE_BYTES
            and ratio > settings.IMPORT_MAX_COMPRESSION_RATIO
        ):
            raise UnreadableFile(
                file_name,
                f"part {member.filename} unpacks to {ratio:,.0f} times its packed size "
                f"(at most {settings.IMPORT_MAX_COMPRESSION_RATIO} is accepted); the file "
                "looks built to exhaust the server and was not read.",
            )
    if total > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFile(
            file_name,
            f"the workbook unpacks to {size_text(total)}, above the limit of "
            f"{size_text(settings.IMPORT_MAX_UNCOMPRESSED_BYTES)}; the file was not read.",
        )


def _read_xlsx(file_name: str, content: bytes, *, all_sheets: bool) -> list[Sheet]:
    from openpyxl import load_workbook

    unreadable = "the file is not a readable XLSX workbook"
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            _check_zip(file_name, archive)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except UnreadableFile:
        raise
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the same user error
        raise UnreadableFile(file_name, f"{unreadable} ({exc}).") from None
    limits = _Limits(file_name)
    try:
        worksheets = workbook.worksheets if all_sheets else workbook.worksheets[:1]
        return [_read_worksheet(worksheet, limits) for worksheet in worksheets]
    except UnreadableFile:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken part of the zip or XML
        raise UnreadableFile(file_name, f"{unreadable} ({exc}).") from None
    finally:
        workbook.close()


def _read_worksheet(worksheet, limits: _Limits) -> Sheet:
    # The declared <dimension> may claim A1:XFD1048576 (openpyxl would pad every row to it)
    # or fewer rows than there are (openpyxl would stop early): read the cells that exist.
    worksheet.reset_dimensions()
    sheet, blank_run = Sheet(worksheet.title), 0
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        row = _trimmed(values)
        limits.count(sheet.title, number, len(values), len(row))
        if not row:
            blank_run += 1
            if blank_run >= settings.IMPORT_BLANK_ROWS_END_SHEET:
                break
            continue
        sheet.rows.extend([] for _ in range(blank_run))
        sheet.rows.append(row)
        blank_run = 0
    return sheet
