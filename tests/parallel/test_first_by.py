"""The first element of a list by its order member (the primary disability by
orderOfDisability): the same element whether the list holds one element or several."""

import duckdb
import pytest

from parallel.engine.compare import _first_by


@pytest.mark.parametrize(
    ("orders", "values", "first"),
    [
        ([], [], None),
        (["1"], ["AUT"], "AUT"),
        ([None], ["AUT"], "AUT"),
        (["1"], [None], None),
        (["1"], [""], None),
        (["2", "1"], ["SLD", "AUT"], "AUT"),
        ([None, "3"], ["AUT", "SLD"], "SLD"),  # a missing order sorts last
        (["1", "1"], ["SLD", "AUT"], "AUT"),  # a tie is broken by the value
        (["1", "2"], [None, "SLD"], None),  # the first has no value: none, not the next
        (None, None, None),
    ],
)
def test_first_element_by_order(orders, values, first):
    sql = f"SELECT {_first_by('o::VARCHAR[]', 'v::VARCHAR[]')} FROM (SELECT $1 AS o, $2 AS v)"
    assert duckdb.connect().execute(sql, [orders, values]).fetchone()[0] == first
