"""Date fields: compared as dates within their tolerance; a blank legacy date and a missing
Ed-Fi date are no difference."""

from types import SimpleNamespace

import duckdb
import pytest

from parallel.engine.compare import differs_sql

DEFINITION = SimpleNamespace(
    edfi_source={"fields": {"exit_date": {"source": "date", "tolerance_days": 3}}}
)


@pytest.mark.parametrize(
    ("legacy", "edfi", "differs"),
    [
        (None, "MISSING", False),  # a blank cell reads as NULL
        ("", "MISSING", False),
        ("MISSING", "MISSING", False),
        (None, "2026-06-01", True),
        ("2026-06-01", "MISSING", True),
        ("2026-06-01", "2026-06-04", False),  # within 3 days
        ("2026-06-01", "2026-06-05", True),
        ("06/01/2026", "2026-06-01", True),  # not a date: compared as text
    ],
)
def test_a_blank_legacy_date_against_a_missing_ed_fi_date_is_no_difference(legacy, edfi, differs):
    sql = differs_sql(DEFINITION, "exit_date", "l", "e")

    with duckdb.connect() as con:
        (result,) = con.execute(f"SELECT {sql} FROM (SELECT ?::VARCHAR l, ?::VARCHAR e)",
                                [legacy, edfi]).fetchone()  # fmt: skip

    assert result is differs
