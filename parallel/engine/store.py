"""A run's results from DuckDB into PostgreSQL, all in the caller's single transaction: the
differing cells are copied straight into their table (their LEA resolved in DuckDB); the
differing records and the per-LEA counts go into temporary tables, from which the discrepancy
groups, student rows and LEA summaries are inserted. The temporary tables are dropped at commit
(and with the session if the worker dies), so no student-level table outlives the transaction.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from parallel.engine.sql import Params, table_of_rows

# (table, columns with PostgreSQL types, DuckDB query)
_TABLES = [
    (
        "run_diff",
        "lea_id text, student_id text, kind text, field text, legacy_value text, "
        "edfi_value text, edfi_raw text, mapping_entry text, cause text, explanation text",
        "SELECT lea_id, student_id, kind, field, legacy_value, edfi_value, edfi_raw, "
        "mapping_entry, cause, explanation FROM diff",
    ),
    (
        "run_counts",
        "lea_id text, legacy_records integer, edfi_records integer, cells_outside integer",
        # With the cells outside the tolerance per LEA: the cells themselves are not copied
        # into a temporary table (see ``copy_results``).
        "SELECT coalesce(n.lea_id, o.lea_id), coalesce(n.legacy_records, 0), "
        "coalesce(n.edfi_records, 0), coalesce(o.outside, 0) FROM counts n FULL JOIN ("
        "SELECT lea_id, count(*) FILTER (WHERE NOT within_tolerance) AS outside FROM cells "
        "GROUP BY lea_id) o ON o.lea_id = n.lea_id",
    ),
]
_CELLS = (
    "parallel_aggregatedifference",
    "run_id, lea_id, category_set, categories, legacy_count, edfi_count, difference, "
    "within_tolerance",
    # Stored in LEA, category set and categories order (the order they are read in).
    "SELECT $1::BIGINT, m.pk, c.category_set, c.categories, c.legacy_count, c.edfi_count, "
    "c.difference, c.within_tolerance FROM cells c JOIN lea_pks m ON m.state_id = c.lea_id "
    "ORDER BY m.pk::BIGINT, c.category_set, c.categories",
)


def copy_results(cursor, con: duckdb.DuckDBPyConnection, folder: Path, run,
                 lea_map: dict[str, int]) -> int:  # fmt: skip
    """COPY the differing records and per-LEA counts into temporary PostgreSQL tables and the
    run's cells into their own table; returns the cells kept.

    The cells (a hundred or more per LEA) go straight into their table: through a temporary
    table, an INSERT … SELECT and its statistics took three times as long."""
    for name, columns, query in _TABLES:
        # Inside an outer transaction (tests) an earlier run's table is still there.
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{name}")
        cursor.execute(f"CREATE TEMP TABLE {name} ({columns}) ON COMMIT DROP")
        _copy(cursor, con, folder / f"{name}.csv", query, name)
    cursor.execute("ANALYZE run_diff, run_counts")
    table_of_rows(con, "lea_pks", ["state_id", "pk"], list(lea_map.items()))
    table, columns, query = _CELLS
    _copy(cursor, con, folder / "run_cells.csv", query, f"{table} ({columns})", [run.pk])
    return con.execute("SELECT count(*) FROM cells").fetchone()[0]


def _copy(cursor, con, path: Path, query: str, target: str, values: list | None = None) -> None:
    """DuckDB's ``query`` (its bound ``values`` first) into PostgreSQL's ``target`` through a
    CSV file in the run's folder."""
    p = Params()
    p.values = list(values or [])
    con.execute(f"COPY ({query}) TO {p.add(str(path))} (FORMAT csv, HEADER false)", p.values)
    with (
        cursor.cursor.copy(f"COPY {target} FROM STDIN (FORMAT csv)") as copy,
        path.open("rb") as handle,
    ):
        while chunk := handle.read(1 << 20):
            copy.write(chunk)
    path.unlink()


def insert_results(cursor, run, previous, lea_map: dict[str, int]) -> None:
    """The run's rows, from the temporary tables."""
    lea_rows = ", ".join(["(%s, %s)"] * len(lea_map)) or "(NULL, NULL)"
    lea_params = [v for pair in lea_map.items() for v in pair]
    cursor.execute("DROP TABLE IF EXISTS pg_temp.run_leas")
    cursor.execute(
        f"CREATE TEMP TABLE run_leas ON COMMIT DROP AS SELECT state_id::text, lea_pk::bigint "
        f"FROM (VALUES {lea_rows}) AS leas(state_id, lea_pk)",
        lea_params,
    )
    # Each differing record with its LEA and the run it was first seen in (this one, unless
    # the previous run had it).
    cursor.execute("DROP TABLE IF EXISTS pg_temp.run_rows")
    cursor.execute(
        """
        CREATE TEMP TABLE run_rows ON COMMIT DROP AS
        SELECT m.lea_pk, d.*, coalesce(p.first_seen_run_id, %(run)s) AS first_seen
        FROM run_diff d
        JOIN run_leas m ON m.state_id = d.lea_id
        LEFT JOIN parallel_discrepancy p
          ON p.run_id = %(previous)s AND p.lea_id = m.lea_pk AND p.kind = d.kind
         AND p.field = d.field AND p.student_id = d.student_id
        """,
        {"run": run.pk, "previous": previous.pk if previous else None},
    )
    # The groups, each linked to the previous run's group of the same LEA, kind and field (the
    # triage it carries: ``services.triage.carry_forward``), and their rows, in one statement:
    # the rows find their group by the ids the insert returns, not by a join on the table.
    cursor.execute(
        """
        WITH groups AS (
            INSERT INTO parallel_discrepancygroup
                (run_id, lea_id, kind, field, count, new_count, responsible_party, status,
                 notes, carried_from_id)
            SELECT %(run)s, r.lea_pk, r.kind, r.field, r.n, r.new, '', 'open', '', p.id
            FROM (SELECT lea_pk, kind, field, count(*) AS n,
                         count(*) FILTER (WHERE first_seen = %(run)s) AS new
                  FROM run_rows GROUP BY lea_pk, kind, field) r
            LEFT JOIN parallel_discrepancygroup p
              ON p.run_id = %(previous)s AND p.lea_id = r.lea_pk AND p.kind = r.kind
             AND p.field = r.field
            RETURNING id, lea_id, kind, field
        )
        INSERT INTO parallel_discrepancy
            (run_id, group_id, lea_id, kind, student_id, field, legacy_value, edfi_value,
             edfi_raw, mapping_entry, cause, explanation, first_seen_run_id)
        SELECT %(run)s, g.id, g.lea_id, d.kind, d.student_id, d.field,
               coalesce(left(d.legacy_value, 200), ''), coalesce(left(d.edfi_value, 200), ''),
               coalesce(left(d.edfi_raw, 200), ''), coalesce(d.mapping_entry, ''),
               coalesce(d.cause, ''), coalesce(left(d.explanation, 300), ''), d.first_seen
        FROM run_rows d
        JOIN groups g ON g.lea_id = d.lea_pk AND g.kind = d.kind AND g.field = d.field
        ORDER BY d.lea_pk, d.kind, d.field, d.student_id
        """,
        {"run": run.pk, "previous": previous.pk if previous else None},
    )
    cursor.execute(
        """
        INSERT INTO parallel_learunsummary
            (run_id, lea_id, legacy_records, edfi_records, matched_records, only_in_legacy,
             only_in_edfi, records_with_mismatches, field_mismatches, match_rate,
             cells_outside_tolerance, within_tolerance, only_in_legacy_excluded,
             only_in_edfi_excluded)
        SELECT %s, m.lea_pk, lc.n, ec.n,
               lc.n - coalesce(dd.only_legacy, 0) - coalesce(dd.mismatched, 0),
               coalesce(dd.only_legacy, 0), coalesce(dd.only_edfi, 0),
               coalesce(dd.mismatched, 0), coalesce(dd.fields, 0),
               CASE WHEN lc.n + coalesce(dd.only_edfi, 0) = 0 THEN 100
                    ELSE round(100.0 * (lc.n - coalesce(dd.only_legacy, 0)
                                        - coalesce(dd.mismatched, 0))
                               / (lc.n + coalesce(dd.only_edfi, 0)), 2) END,
               coalesce(n0.cells_outside, 0), coalesce(n0.cells_outside, 0) = 0,
               coalesce(dd.legacy_excluded, 0), coalesce(dd.edfi_excluded, 0)
        FROM run_leas m
        LEFT JOIN run_counts n0 ON n0.lea_id = m.state_id
        CROSS JOIN LATERAL (SELECT coalesce(n0.legacy_records, 0) AS n) lc
        CROSS JOIN LATERAL (SELECT coalesce(n0.edfi_records, 0) AS n) ec
        LEFT JOIN (
            SELECT lea_id,
                   count(*) FILTER (WHERE kind = 'only_legacy') AS only_legacy,
                   count(*) FILTER (WHERE kind = 'only_edfi') AS only_edfi,
                   count(*) FILTER (WHERE kind = 'only_legacy' AND cause <> 'missing')
                       AS legacy_excluded,
                   count(*) FILTER (WHERE kind = 'only_edfi' AND cause <> 'missing')
                       AS edfi_excluded,
                   count(DISTINCT student_id) FILTER (WHERE kind = 'mismatch') AS mismatched,
                   count(*) FILTER (WHERE kind = 'mismatch') AS fields
            FROM run_diff GROUP BY lea_id
        ) dd ON dd.lea_id = m.state_id
        WHERE lc.n > 0 OR ec.n > 0
        """,
        [run.pk],
    )
