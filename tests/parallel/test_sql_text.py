"""The SQL text helpers: names quoted, values bound, a statement built from parts of another
bound with exactly the values it uses, and duplicated keys found."""

import duckdb
import pytest

from parallel.engine.sql import Params, duplicate_keys_sql


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


_KEYED_ROWS = [
    ("a", "1"), ("b", "2"), ("a", "1"), (None, "1"), ("c", "3"), (None, "1"), ("c", "3"),
    ("c", "3"), ("a", "2"), ("d", None),
]  # fmt: skip


@pytest.mark.parametrize("colliding", [False, True], ids=["own hashes", "one hash for all"])
def test_duplicate_keys_are_the_keys_held_twice_whatever_their_hashes(colliding):
    with duckdb.connect() as con:
        con.execute("CREATE TABLE t (x VARCHAR, y VARCHAR, n INTEGER)")
        con.executemany("INSERT INTO t VALUES (?, ?, ?)",
                        [(x, y, n) for n, (x, y) in enumerate(_KEYED_ROWS, start=1)])  # fmt: skip
        if colliding:
            # Every key hashes alike: only the grouping by the key itself may tell them apart.
            con.execute("CREATE TEMP MACRO hash(a, b) AS 0")

        found = con.execute(duplicate_keys_sql("t", ["x", "y"], "n", limit=50)).fetchall()
        first_two = con.execute(duplicate_keys_sql("t", ["x", "y"], "n", limit=2)).fetchall()
        outside = con.execute(
            duplicate_keys_sql("t", ["x", "y"], "n", where="n <> 3", limit=50)
        ).fetchall()

    # A key missing a member (NULL) is still a key, as the check before the hashes had it.
    assert found == [("a", "1", [1, 3]), (None, "1", [4, 6]), ("c", "3", [5, 7, 8])]
    assert first_two == found[:2]
    assert outside == found[1:]
