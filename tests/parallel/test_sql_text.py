"""The SQL text helpers: names quoted, values bound, and a statement built from parts of
another bound with exactly the values it uses."""

import duckdb

from parallel.engine.sql import Params


def test_a_statement_keeps_only_the_values_it_uses_numbered_again():
    p = Params()
    one, _unused, three = p.add("one"), p.add("two"), p.add(3)

    sql, values = p.used_in(f"SELECT {three} AS a, {one} AS b, {three} + 1 AS c")

    assert (sql, values) == ("SELECT $1 AS a, $2 AS b, $1 + 1 AS c", [3, "one"])
    assert duckdb.connect().execute(sql, values).fetchone() == (3, "one", 4)


def test_quoted_text_is_not_taken_for_a_value():
    p = Params()
    for value in range(12):
        p.add(value)

    sql, values = p.used_in("""SELECT '$1 and $2' AS "a$3", json_extract('{"x": 1}', '$.x'), $12""")

    assert sql == """SELECT '$1 and $2' AS "a$3", json_extract('{"x": 1}', '$.x'), $1"""
    assert values == [11]
    assert duckdb.connect().execute(sql, values).fetchone() == ("$1 and $2", "1", 11)


def test_a_placeholder_is_not_read_as_a_shorter_one():
    p = Params()
    for value in range(12):
        p.add(value)

    assert p.used_in("SELECT $1, $11") == ("SELECT $1, $2", [0, 10])
