"""The platform spreadsheet reader: lying dimensions, zip bombs, caps, NULs, bad UTF-8."""

import time
import tracemalloc

import pytest

from rolloutplanner.spreadsheets import UnreadableFile, read_table_file
from tests.support.workbooks import xlsx_bytes, zip_bomb_xlsx

ROWS = [["state_lea_id", "name"], ["001", "Lakeside"], ["002", "Hill City"], ["003", "Valley"]]


def test_a_sheet_declaring_the_whole_grid_is_read_to_its_last_row_quickly_in_little_memory():
    # openpyxl pads every row to the declared 16,384 columns: 2,000 rows held 260 MB.
    rows = [ROWS[0], *([f"{n:03d}", f"District {n}"] for n in range(2000))]
    content = xlsx_bytes(rows, dimension="A1:XFD1048576")
    assert len(content) < 100_000
    tracemalloc.start()
    started = time.monotonic()
    try:
        (sheet,) = read_table_file(file_name="huge.xlsx", content=content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 10
    assert peak < 20 * 1024 * 1024
    assert sheet.rows == rows


def test_a_sheet_declaring_fewer_rows_than_it_holds_is_read_to_its_last_row():
    (sheet,) = read_table_file(file_name="short.xlsx", content=xlsx_bytes(ROWS, dimension="A1:B2"))
    assert sheet.rows == ROWS


def test_empty_rows_inside_a_sheet_keep_row_numbers_and_trailing_ones_are_dropped():
    (sheet,) = read_table_file(
        file_name="gaps.xlsx", content=xlsx_bytes([ROWS[0], [None, None], ROWS[1], [None]])
    )
    assert sheet.rows == [ROWS[0], [], ROWS[1]]


def test_a_long_run_of_empty_rows_ends_the_sheet(settings):
    settings.IMPORT_BLANK_ROWS_END_SHEET = 3
    rows = [ROWS[0], ROWS[1], *([[None]] * 5), ["stray", "cell"]]
    (sheet,) = read_table_file(file_name="tail.xlsx", content=xlsx_bytes(rows))
    assert sheet.rows == [ROWS[0], ROWS[1]]


def test_a_zip_bomb_is_refused_from_its_directory_before_it_is_unpacked():
    content = zip_bomb_xlsx(ROWS, padding_bytes=50 * 1024 * 1024)
    assert len(content) < 200_000
    started = time.monotonic()
    with pytest.raises(UnreadableFile, match="unpacks to .* times its packed size") as caught:
        read_table_file(file_name="bomb.xlsx", content=content)
    assert time.monotonic() - started < 2
    assert str(caught.value).startswith("bomb.xlsx: part xl/worksheets/sheet1.xml")


def test_a_workbook_unpacking_beyond_the_limit_is_refused(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 2000
    with pytest.raises(UnreadableFile, match=r"big.xlsx: the workbook unpacks to .* KB, above"):
        read_table_file(file_name="big.xlsx", content=xlsx_bytes(ROWS))


@pytest.mark.parametrize("name", ["many.csv", "many.xlsx"])
def test_more_rows_than_the_cap_is_refused(settings, name):
    settings.IMPORT_MAX_ROWS = 3
    content = (
        xlsx_bytes(ROWS)
        if name.endswith("xlsx")
        else b"".join(",".join(row).encode() + b"\n" for row in ROWS)
    )
    with pytest.raises(UnreadableFile, match="more than 3 rows, the import limit") as caught:
        read_table_file(file_name=name, content=content)
    assert caught.value.row == 4


@pytest.mark.parametrize("name", ["wide.csv", "wide.xlsx"])
def test_more_columns_than_the_cap_is_refused(settings, name):
    settings.IMPORT_MAX_COLUMNS = 2
    rows = [*ROWS, ["004", "Ridge", "extra"]]
    content = (
        xlsx_bytes(rows)
        if name.endswith("xlsx")
        else b"".join(",".join(row).encode() + b"\n" for row in rows)
    )
    with pytest.raises(UnreadableFile, match="the row has 3 columns, more than the import limit"):
        read_table_file(file_name=name, content=content)


def test_more_cells_than_the_cap_is_refused(settings):
    settings.IMPORT_MAX_CELLS = 5
    with pytest.raises(UnreadableFile, match="more than 5 cells"):
        read_table_file(file_name="cells.csv", content=b"a,b\n1,2\n3,4\n")


def test_a_file_above_the_size_limit_is_refused_naming_limit_and_size(settings):
    settings.IMPORT_MAX_BYTES = 1024
    with pytest.raises(UnreadableFile) as caught:
        read_table_file(file_name="big.csv", content=b"a\n" * 1500)
    assert str(caught.value) == (
        "big.csv: the file is 3 KB, above the import limit of 1 KB; split it into smaller files."
    )


def test_a_nul_byte_in_a_csv_is_refused_with_its_line_and_column():
    with pytest.raises(UnreadableFile) as caught:
        read_table_file(file_name="nul.csv", content=b"a,b\n1,2\n3,x\x00y\n")
    assert str(caught.value).startswith("nul.csv: line 3, column 4 holds a NUL byte")


def test_text_that_is_not_utf8_is_refused_with_its_line_and_column():
    content = "a,b\nZoë,1\n".encode() + b"Jos\xe9,2\n"
    with pytest.raises(UnreadableFile) as caught:
        read_table_file(file_name="latin.csv", content=content)
    assert str(caught.value).startswith("latin.csv: line 3, column 4 is not UTF-8 text (byte 0xe9)")


def test_malformed_csv_is_refused_with_its_line(settings):
    content = b"a,b\n" + b"x" * 200_000 + b",1\n"
    with pytest.raises(UnreadableFile, match="bad.csv: line 2 is not valid CSV"):
        read_table_file(file_name="bad.csv", content=content)
