"""SQL text helpers for DuckDB: identifiers are quoted, values are always bound parameters."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

# Quoted text (a constant or an identifier) and the placeholders between them.
_QUOTED_OR_PLACEHOLDER = re.compile(r"""('(?:[^']|'')*'|"(?:[^"]|"")*")|\$(\d+)(?!\d)""")


def quote(name: str) -> str:
    """``name`` as a DuckDB (and PostgreSQL) identifier: in double quotes, inner ones doubled.

    Every name that reaches SQL text goes through here, whatever its source (layout fields,
    Ed-Fi member paths, table names), so no name can end the identifier early.
    """
    if not isinstance(name, str) or not name or "\x00" in name:
        raise ValueError(f"{name!r} cannot be an SQL identifier.")
    return '"' + name.replace('"', '""') + '"'


def qualified(alias: str, name: str) -> str:
    return f"{quote(alias)}.{quote(name)}"


def names(items: Iterable[str], alias: str | None = None) -> str:
    return ", ".join(qualified(alias, n) if alias else quote(n) for n in items)


class Params:
    """Bound parameters gathered while SQL text is built: ``p.add(value)`` gives ``$n``."""

    def __init__(self):
        self.values: list = []

    def add(self, value) -> str:
        self.values.append(value)
        return f"${len(self.values)}"

    def once(self, key: str, value) -> str:
        """``$n`` of a value bound only if some part of the SQL uses it (DuckDB refuses
        parameters the statement does not use), and bound once however many parts do."""
        named = self.__dict__.setdefault("_named", {})
        if key not in named:
            named[key] = self.add(value)
        return named[key]

    def used_in(self, sql: str) -> tuple[str, list]:
        """``sql`` with only the placeholders it uses, numbered again from ``$1``, and their
        values: for a statement built from parts of another (DuckDB refuses a value the
        statement does not use). Text in quotes is left as it is."""
        numbers: dict[int, int] = {}

        def renumber(match: re.Match) -> str:
            if match.group(1):
                return match.group(1)
            old = int(match.group(2))
            numbers.setdefault(old, len(numbers) + 1)
            return f"${numbers[old]}"

        text = _QUOTED_OR_PLACEHOLDER.sub(renumber, sql)
        return text, [self.values[old - 1] for old in numbers]


def constant(text: str) -> str:
    """A string constant written into the SQL text, for the few arguments DuckDB must know
    while it plans (a from_json structure): single quotes doubled, NUL refused. Every other
    value is a bound parameter."""
    if "\x00" in text:
        raise ValueError("NUL in an SQL constant")
    return "'" + text.replace("'", "''") + "'"


def table_of_rows(con, table: str, columns: list[str], rows: list[tuple]) -> None:
    """A table of text columns from rows, in one statement. The rows travel as one JSON text:
    an INSERT per row costs a round trip each, and a Python list bound as a parameter is
    converted item by item (a quarter of a second for a thousand LEAs)."""
    shape = json.dumps([{name: "VARCHAR" for name in columns}])
    records = json.dumps([dict(zip(columns, row, strict=True)) for row in rows])
    con.execute(
        f"CREATE OR REPLACE TABLE {quote(table)} AS "
        "SELECT unnest(from_json($1, $2), recursive := true)",
        [records, shape],
    )


def duplicate_keys_sql(table: str, columns: list[str], position: str, *, where: str = "true",
                       limit: int) -> str:  # fmt: skip
    """The keys (``columns``) that more than one row of ``table`` holds, each with the list of
    its rows' ``position`` in order, the first duplicated first.

    The rows are counted by a 64-bit hash of their key first: a narrow table of numbers, where
    grouping by the key itself holds every key's text (at five million records, a third less
    time and memory). Only rows whose hash occurs twice are then grouped by the key, so two
    keys that share a hash are never taken for one."""
    keys = names(columns)
    return (
        f"SELECT {keys}, list({position} ORDER BY {position}) AS rows FROM {quote(table)} "
        f"WHERE {where} AND hash({keys}) IN (SELECT hash({keys}) FROM {quote(table)} "
        f"WHERE {where} GROUP BY 1 HAVING count(*) > 1) "
        f"GROUP BY {keys} HAVING count(*) > 1 ORDER BY rows[1] LIMIT {int(limit)}"
    )
