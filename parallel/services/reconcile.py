"""The reconciliation: stage both sides, compare set-wise in SQL, write results atomically.

Guarantees: memory does not grow with the number of students (files are streamed to COPY and
compared inside PostgreSQL); a run's results appear all at once when it completes (one
transaction), so a failure or cancel leaves no partial result and earlier runs are untouched;
the same inputs give the same results; staged student-level data is dropped at the end.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from parallel import columnar, derivations
from parallel.concurrency import Statement, fetch_all, session_settings
from parallel.crosswalk import crosswalk_for, known_descriptor_values
from parallel.importers import edfi_json, legacy_csv
from parallel.models import (
    DiscrepancyGroup,
    ReconciliationRun,
    RunState,
    Side,
    SubmissionFile,
)
from parallel.reconciliation import Inputs, Outcome
from parallel.staging import InputError, Staging, identifier
from rolloutplanner.jobs import JobCancelled

Progress = Callable[[float, str], None]


def _noop(percent: float, message: str = "") -> None:
    return None


def run_reconciliation(*, run: ReconciliationRun, progress: Progress = _noop) -> dict:
    """Reconcile a queued run to completion; a complete run is returned unchanged (idempotent).

    Raises :class:`InputError` (the run is marked failed with every problem) on bad input.
    """
    run.refresh_from_db()
    if run.state == RunState.COMPLETE:
        return run.totals
    # A retried run starts from scratch: an earlier attempt's reason no longer applies.
    ReconciliationRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING, errors=[])
    staging = Staging(run.pk)
    staging.drop_all()  # leftovers of a worker that died mid-run
    timings: dict[str, float] = {}
    _session_settings(session_settings())
    try:
        started = time.perf_counter()
        outcome = _reconcile(run, staging, progress, timings)
        step = time.perf_counter()
        totals = _write_results(run=run, outcome=outcome, progress=progress, timings=timings)
        timings["insert_seconds"] = round(time.perf_counter() - step, 3)
        timings["total_seconds"] = round(time.perf_counter() - started, 3)
        timings["compare_seconds"] = round(
            timings["total_seconds"]
            - timings["legacy_load_seconds"]
            - timings["edfi_load_seconds"],
            3,
        )
        ReconciliationRun.objects.filter(pk=run.pk).update(timings=timings)
        return totals
    except InputError as exc:
        ReconciliationRun.objects.filter(pk=run.pk).update(
            state=RunState.FAILED, errors=exc.problems, timings=timings
        )
        raise
    except JobCancelled:
        ReconciliationRun.objects.filter(pk=run.pk).update(state=RunState.CANCELLED)
        raise
    except BaseException as exc:
        # Never a failed run without a reason: bad input is an InputError, anything else ends
        # here (a failing run is still named, with nothing stored).
        ReconciliationRun.objects.filter(pk=run.pk).update(
            state=RunState.FAILED,
            errors=[
                f"The run stopped on an unexpected error ({_error_name(exc)}) and stored "
                "nothing; run it again, and tell the SEA team if it fails the same way."
            ],
        )
        raise
    finally:
        staging.drop_all()
        _session_settings({name: None for name in session_settings()})


def _session_settings(values: dict[str, str | None]) -> None:
    with connection.cursor() as cursor:
        for name, value in values.items():
            if value is None:
                cursor.execute(f"RESET {name}")
            else:
                cursor.execute("SELECT set_config(%s, %s, false)", [name, value])


def input_digest(*, run: ReconciliationRun) -> str:
    """A fingerprint of everything a run's result depends on."""
    cycle = run.cycle
    definition = cycle.report_definition
    parts = {
        "files": sorted((f.side, f.resource, f.sha256) for f in run.files.all()),
        "snapshot": cycle.snapshot_date.isoformat(),
        "definition": [
            definition.columns,
            definition.compared_fields,
            definition.category_sets,
            definition.population,
            str(definition.tolerance_absolute),
            str(definition.tolerance_percent),
        ],
        "crosswalk": crosswalk_for(cycle=cycle),
        "leas": sorted(_lea_map(cycle)),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _lea_map(cycle) -> dict[str, int]:
    from leas.models import LEA

    leas = cycle.leas.all() if cycle.leas.exists() else LEA.objects.all()
    return dict(leas.values_list("state_lea_id", "pk"))


def _file_path(submission: SubmissionFile) -> Path:
    if submission.purged_at or not submission.file:
        raise InputError([f"{submission.original_name}: purged after the retention period."])
    path = Path(submission.file.path)
    if not path.exists():
        raise InputError([f"{submission.original_name}: the stored file is missing."])
    if path.stat().st_size != submission.size:
        raise InputError(
            [
                f"{submission.original_name}: {path.stat().st_size} bytes on disk but "
                f"{submission.size} declared at upload; upload it again."
            ]
        )
    return path


def _inputs(run) -> Inputs:
    """The run's files and everything it compares with; raises when a file is missing."""
    cycle = run.cycle
    definition = cycle.report_definition
    files = list(run.files.all())
    legacy_files = [f for f in files if f.side == Side.LEGACY]
    if not legacy_files:
        raise InputError(["The run has no legacy file."])
    by_resource = {f.resource: f for f in files if f.side == Side.EDFI}
    needed = derivations.REQUIRED_RESOURCES[definition.derivation]
    absent = [r for r in needed if r not in by_resource]
    if absent:
        raise InputError([f"The Ed-Fi extract lacks resource(s): {', '.join(absent)}."])
    return Inputs(
        definition=definition,
        snapshot=cycle.snapshot_date,
        legacy=[
            legacy_csv.LegacyFile(
                _file_path(f), f.original_name, f.lea.state_lea_id if f.lea_id else None
            )
            for f in legacy_files
        ],
        edfi={endpoint: _file_path(by_resource[endpoint]) for endpoint in needed},
        edfi_names={endpoint: by_resource[endpoint].original_name for endpoint in needed},
        lea_ids=list(_lea_map(cycle)),
        crosswalk=crosswalk_for(cycle=cycle),
        known=known_descriptor_values(cycle=cycle),
    )


def _reconcile(run, staging, progress, timings) -> Outcome:
    """Clean input through the columnar engine; anything it declines through SQL."""
    inputs = _inputs(run)
    if settings.PARALLEL_COLUMNAR:
        try:
            return columnar.reconcile(
                run_id=run.pk, inputs=inputs, staging=staging, progress=progress, timings=timings
            )
        except columnar.Declined as declined:
            timings["columnar_declined"] = str(declined)[:200]
            progress(5, "Checking the input in detail")
    return _sql_outcome(run, inputs, staging, progress, timings)


def _sql_outcome(run, inputs, staging, progress, timings) -> Outcome:
    legacy, edfi, missing, ignored = _stage_inputs(run, inputs, staging, progress, timings)
    progress(60, "Comparing records")
    return _sql_compare(
        run=run,
        staging=staging,
        legacy=legacy,
        edfi=edfi,
        missing=missing,
        ignored=ignored,
        progress=progress,
        timings=timings,
    )


def _stage_inputs(run, inputs, staging, progress, timings):
    cycle = run.cycle
    definition = inputs.definition
    progress(5, "Loading the legacy file(s)")
    t = time.perf_counter()
    legacy = legacy_csv.load_legacy_files(
        files=inputs.legacy, definition=definition, staging=staging, lea_ids=inputs.lea_ids
    )
    timings["legacy_load_seconds"] = round(time.perf_counter() - t, 3)
    progress(25, "Loading the Ed-Fi extract")
    t = time.perf_counter()
    tables, problems = _stage_edfi(staging, progress, timings, inputs)
    if problems:
        raise InputError(problems[:100])
    progress(52, "Turning Ed-Fi records into the legacy shape")
    step = time.perf_counter()
    edfi = derivations.build_edfi_records(
        definition=definition,
        staging=staging,
        tables=tables,
        snapshot_date=cycle.snapshot_date,
        xw=json.dumps(inputs.crosswalk),
        lea_ids=inputs.lea_ids,
    )
    _analyze(legacy, edfi)
    timings["derive_seconds"] = round(time.perf_counter() - step, 3)
    missing = _missing_mappings(edfi, definition)
    ignored = _drop_outside_cycle(edfi, inputs.lea_ids)
    timings["edfi_load_seconds"] = round(time.perf_counter() - t, 3)
    return legacy, edfi, missing, ignored


def _stage_edfi(staging, progress, timings, inputs):
    """Stage and validate every Ed-Fi resource; returns (tables, problems).

    Clean files are read column-wise, whose line numbers count records only; when validation
    finds a problem in such a table, the files are staged again record by record so every
    problem names its true line.
    """
    derivation = inputs.definition.derivation
    known = inputs.known
    needed = list(inputs.edfi)  # the derivation's resources
    names = {derivations.RESOURCES[e].table: inputs.edfi_names[e] for e in needed}
    for exact in (False, True):
        step = time.perf_counter()
        staged = edfi_json.stage_resources(
            files=[
                (
                    inputs.edfi[endpoint],
                    inputs.edfi_names[endpoint],
                    derivations.RESOURCES[endpoint],
                )
                for endpoint in needed
            ],
            staging=staging,
            exact=exact,
            on_progress=lambda fraction: progress(25 + 20 * fraction, "Loading the Ed-Fi extract"),
        )
        timings["stage_edfi_seconds"] = round(time.perf_counter() - step, 3)
        progress(45, "Validating the Ed-Fi extract")
        tables = {table: flat for table, (flat, _) in staged.items()}
        all_exact = all(exact_lines for _, exact_lines in staged.values())
        step = time.perf_counter()
        checks = [
            check
            for endpoint in needed
            for check in edfi_json.resource_checks(
                flat=tables[derivations.RESOURCES[endpoint].table],
                name=inputs.edfi_names[endpoint],
                resource=derivations.RESOURCES[endpoint],
            )
        ]
        checks += [
            check
            for endpoint in needed
            for check in edfi_json.descriptor_checks(
                flat=tables[derivations.RESOURCES[endpoint].table],
                name=inputs.edfi_names[endpoint],
                resource=derivations.RESOURCES[endpoint],
                known=known,
            )
        ]
        checks += [
            edfi_json.reference_check(
                child=tables[child],
                child_name=names[child],
                column=column,
                parent=tables[parent],
                parent_column=parent_column,
                label=label,
            )
            for child, column, parent, parent_column, label in derivations.REFERENCES[derivation]
        ]
        # Every check reads committed tables only: they run at once, one connection per core.
        results = fetch_all([statement for statement, _ in checks])
        problems = [
            problem
            for (_, describe), rows in zip(checks, results, strict=True)
            for problem in describe(rows)
        ]
        timings["validate_edfi_seconds"] = round(time.perf_counter() - step, 3)
        if not problems or all_exact:
            return tables, problems
        progress(25, "Checking the Ed-Fi extract record by record")
    return tables, problems


def _analyze(*tables: str) -> None:
    """Fresh staging tables have no statistics; without them PostgreSQL picks nested loops."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'ANALYZE "{table}"')


def _missing_mappings(edfi: str, definition) -> list[dict]:
    """Descriptor values the crosswalk could not map, with how many records carry them."""
    fields = [identifier(f) for f in definition.compared_fields if f != "age"]
    if not fields:
        return []
    values = ", ".join(f"('{f}', {f}, {f}__raw)" for f in fields)
    with connection.cursor() as cursor:
        # One scan, every field unpivoted, only the unmapped kept.
        cursor.execute(
            f'SELECT v.field, v.value, count(*) FROM "{edfi}" '
            f"CROSS JOIN LATERAL (VALUES {values}) AS v(field, code, value) "
            "WHERE v.code = 'UNMAPPED' GROUP BY 1, 2 ORDER BY 1, 2"
        )
        return [
            {"field": f, "value": v or "(more than one)", "records": n}
            for f, v, n in cursor.fetchall()
        ]


def _drop_outside_cycle(edfi: str, lea_ids: list[str]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{edfi}" WHERE NOT (lea_id = ANY(%s))', [lea_ids])
        return cursor.rowcount


def _category_sets(definition) -> list[tuple[str, list[str], int]]:
    """(code, fields, GROUPING() bitmask) per category set; bit set = field not grouped."""
    fields = list(definition.compared_fields)
    result = []
    for category_set in definition.category_sets:
        chosen = [identifier(f) for f in category_set.get("fields", [])]
        mask = 0
        for position, name in enumerate(fields):
            if name not in chosen:
                mask |= 1 << (len(fields) - 1 - position)
        result.append((category_set["code"], chosen, mask))
    return result


def _sql_compare(*, run, staging, legacy, edfi, missing, ignored, progress, timings):
    definition = run.cycle.report_definition
    fields = [identifier(f) for f in definition.compared_fields]
    diff, cells, counts = staging.table("diff"), staging.table("cells"), staging.table("counts")
    with connection.cursor() as cursor:
        step = time.perf_counter()
        _create_diff(cursor, diff, legacy, edfi, fields)
        cursor.execute(f'ANALYZE "{diff}"')
        timings["diff_seconds"] = round(time.perf_counter() - step, 3)
        step = time.perf_counter()
        progress(75, "Comparing aggregates")
        cells_differing = _create_cells(cursor, cells, diff, legacy, edfi, fields, definition)
        timings["cells_seconds"] = round(time.perf_counter() - step, 3)
        _create_counts(cursor, counts, legacy, edfi)
    return Outcome(
        diff=diff,
        cells=cells,
        counts=counts,
        cells_differing=cells_differing,
        missing=missing,
        outside_cycle=ignored,
    )


def _create_counts(cursor, counts, legacy, edfi) -> None:
    """Records per LEA on each side."""
    cursor.execute(f'DROP TABLE IF EXISTS "{counts}"')
    cursor.execute(
        f"""
        CREATE UNLOGGED TABLE "{counts}" AS
        SELECT lea_id, sum(l)::int AS legacy_records, sum(e)::int AS edfi_records FROM (
            SELECT lea_id, count(*) AS l, 0 AS e FROM "{legacy}" GROUP BY lea_id
            UNION ALL SELECT lea_id, 0, count(*) FROM "{edfi}" GROUP BY lea_id
        ) c GROUP BY lea_id
        """
    )


def _write_results(*, run, outcome: Outcome, progress, timings) -> dict:
    """Store a run's results from its staging tables, all at once (one transaction)."""
    progress(88, "Writing results")
    lea_map = _lea_map(run.cycle)
    with transaction.atomic():
        previous = (
            ReconciliationRun.objects.filter(
                cycle=run.cycle, state=RunState.COMPLETE, number__lt=run.number
            )
            .order_by("-number")
            .first()
        )
        with connection.cursor() as cursor:
            _insert_results(cursor, run, previous, outcome, lea_map)
            totals = _totals(cursor, run)
        step = time.perf_counter()
        from parallel.services.triage import carry_forward

        carry_forward(run=run, previous=previous)
        timings["carry_forward_seconds"] = round(time.perf_counter() - step, 3)
        totals.update(
            cells_differing_or_total=outcome.cells_differing,
            edfi_records_outside_cycle=outcome.outside_cycle,
            missing_mappings=len(outcome.missing),
        )
        ReconciliationRun.objects.filter(pk=run.pk).update(
            state=RunState.COMPLETE,
            completed_at=timezone.now(),
            previous_run=previous,
            totals=totals,
            missing_mappings=outcome.missing,
            errors=[],
            input_digest=input_digest(run=run),
        )
    progress(99, "Results written")
    return totals


def _create_diff(cursor, diff, legacy, edfi, fields) -> None:
    """One row per record only on one side, and per field that differs on a matched record."""
    values = ", ".join(f"('{f}', l.{f}, e.{f})" for f in fields)
    legacy_row = ", ".join(f"l.{f}" for f in fields)
    edfi_row = ", ".join(f"e.{f}" for f in fields)
    cursor.execute(f'DROP TABLE IF EXISTS "{diff}"')
    cursor.execute(
        f"""
        CREATE UNLOGGED TABLE "{diff}" AS
        SELECT coalesce(l.lea_id, e.lea_id) AS lea_id,
               coalesce(l.student_id, e.student_id) AS student_id,
               CASE WHEN e.student_id IS NULL THEN 'only_legacy'
                    WHEN l.student_id IS NULL THEN 'only_edfi' ELSE 'mismatch' END AS kind,
               v.field, v.legacy_value, v.edfi_value
        FROM "{legacy}" l
        FULL JOIN "{edfi}" e ON e.lea_id = l.lea_id AND e.student_id = l.student_id
        CROSS JOIN LATERAL (
            SELECT '' AS field, NULL::text AS legacy_value, NULL::text AS edfi_value
            WHERE l.student_id IS NULL OR e.student_id IS NULL
            UNION ALL
            SELECT x.field, x.lv, x.ev FROM (VALUES {values}) AS x(field, lv, ev)
            WHERE l.student_id IS NOT NULL AND e.student_id IS NOT NULL
              AND x.lv IS DISTINCT FROM x.ev
        ) v
        WHERE l.student_id IS NULL OR e.student_id IS NULL
           OR ROW({legacy_row}) IS DISTINCT FROM ROW({edfi_row})
        """
    )


def _create_cells(cursor, cells, diff, legacy, edfi, fields, definition) -> int:
    """Cells (LEA × category combination) whose counts differ, with both counts.

    Matched, identical records add the same to both sides of every cell, so a cell's
    difference comes only from the records in the diff: those few percent are aggregated over
    every category set at once. The legacy count is then needed only for the cells that
    differ: each set's legacy records are counted with a semi-join against those cells, so
    no aggregate over all records (and all sets) is ever built. Totals (TOT) are kept for
    every LEA.
    """
    sets = _category_sets(definition)
    delta = f"{cells}_delta"
    _create_delta(cursor, delta, diff, legacy, edfi, fields, sets)
    counts = f"{cells}_counts"
    _create_legacy_counts(cursor, counts, delta, legacy, fields, sets)
    columns = ", ".join(fields)
    full = (1 << len(fields)) - 1
    same_cell = " AND ".join(
        ["n.g = d.g", "n.lea_id = d.lea_id"] + [f"n.{f} IS NOT DISTINCT FROM d.{f}" for f in fields]
    )
    parts = [
        f"SELECT d.g, d.lea_id, {', '.join('d.' + f for f in fields)}, d.difference, "
        f'coalesce(n.legacy_count, 0) AS legacy_count FROM "{delta}" d '
        f'LEFT JOIN "{counts}" n ON {same_cell} WHERE d.g <> {full}'
    ]
    nulls = ", ".join("NULL::text" for _ in fields)
    # Totals (TOT) for every LEA on either side.
    totals = (
        f"SELECT {full} AS g, coalesce(t.lea_id, e.lea_id), {nulls}, "
        f"coalesce(e.n, 0) - coalesce(t.n, 0) AS difference, coalesce(t.n, 0) AS legacy_count "
        f'FROM (SELECT lea_id, count(*)::int AS n FROM "{legacy}" GROUP BY lea_id) t '
        f'FULL JOIN (SELECT lea_id, count(*)::int AS n FROM "{edfi}" GROUP BY lea_id) e '
        f"ON e.lea_id = t.lea_id"
    )
    categories = (
        "jsonb_strip_nulls(jsonb_build_object(" + ", ".join(f"'{f}', {f}" for f in fields) + "))"
    )
    set_codes = ", ".join(f"({mask}, '{code}')" for code, _, mask in sets)
    tolerance_abs = int(definition.tolerance_absolute)
    tolerance_pct = float(definition.tolerance_percent)
    cursor.execute(f'DROP TABLE IF EXISTS "{cells}"')
    cursor.execute(
        f"""
        CREATE UNLOGGED TABLE "{cells}" AS
        SELECT s.code AS category_set, c.lea_id, {categories} AS categories,
               c.legacy_count, c.legacy_count + c.difference AS edfi_count, c.difference,
               (abs(c.difference) <= {tolerance_abs}
                OR abs(c.difference) * 100.0 <= {tolerance_pct} * c.legacy_count)
               AS within_tolerance
        FROM ({" UNION ALL ".join([*parts, totals])}) c (g, lea_id, {columns}, difference,
                                                         legacy_count)
        JOIN (VALUES {set_codes}) AS s(mask, code) ON s.mask = c.g
        """
    )
    cursor.execute(f'ANALYZE "{cells}"')
    cursor.execute(f'SELECT count(*) FROM "{cells}"')
    return cursor.fetchone()[0]


def _create_delta(cursor, delta, diff, legacy, edfi, fields, sets) -> None:
    """Per category-set cell, the Ed-Fi count minus the legacy count (only cells that differ).

    Each differing record counts -1 with its legacy values and +1 with its Ed-Fi values.
    """
    columns = ", ".join(fields)
    grouping_sets = ", ".join(
        "(" + ", ".join(["lea_id", *chosen]) + ")" for chosen in sorted({tuple(s[1]) for s in sets})
    )
    cursor.execute(f'DROP TABLE IF EXISTS "{delta}"')
    cursor.execute(
        f"""
        CREATE UNLOGGED TABLE "{delta}" AS
        WITH keys AS (SELECT DISTINCT lea_id, student_id, kind FROM "{diff}"),
        signed AS (
            SELECT l.lea_id, {", ".join("l." + f for f in fields)}, -1 AS sign
            FROM "{legacy}" l JOIN keys k ON k.lea_id = l.lea_id AND k.student_id = l.student_id
            WHERE k.kind <> 'only_edfi'
            UNION ALL
            SELECT e.lea_id, {", ".join("e." + f for f in fields)}, 1 AS sign
            FROM "{edfi}" e JOIN keys k ON k.lea_id = e.lea_id AND k.student_id = e.student_id
            WHERE k.kind <> 'only_legacy'
        )
        SELECT GROUPING({columns}) AS g, lea_id, {columns}, sum(sign)::int AS difference
        FROM signed GROUP BY GROUPING SETS ({grouping_sets})
        HAVING sum(sign) <> 0
        """
    )
    cursor.execute(f'ANALYZE "{delta}"')


def _create_legacy_counts(cursor, counts, delta, legacy, fields, sets) -> None:
    """The legacy count of every cell in ``delta``: one semi-join per category set."""
    full = (1 << len(fields)) - 1
    parts = []
    for mask in sorted({mask for _, _, mask in sets if mask != full}):
        chosen = [
            f for position, f in enumerate(fields) if not mask & (1 << (len(fields) - 1 - position))
        ]
        key = ", ".join(["lea_id", *chosen])
        outputs = ", ".join(f if f in chosen else f"NULL::text AS {f}" for f in fields)
        parts.append(
            f"SELECT {mask} AS g, lea_id, {outputs}, count(*)::int AS legacy_count "
            f'FROM "{legacy}" WHERE ({key}) IN (SELECT {key} FROM "{delta}" WHERE g = {mask}) '
            f"GROUP BY {key}"
        )
    nulls = ", ".join(f"NULL::text AS {f}" for f in fields)
    cursor.execute(f'DROP TABLE IF EXISTS "{counts}"')
    cursor.execute(
        f'CREATE UNLOGGED TABLE "{counts}" AS '
        f"SELECT 0 AS g, NULL::text AS lea_id, {nulls}, 0 AS legacy_count WHERE false"
    )
    # Each set probes a small hash of its cells with one scan of the legacy records, in one
    # backend (a parallel gather of every row costs more); the sets run at once instead.
    fetch_all(
        [
            Statement(
                "SET max_parallel_workers_per_gather = 0; "
                f'INSERT INTO "{counts}" {part}; RESET max_parallel_workers_per_gather'
            )
            for part in parts
        ]
    )
    cursor.execute(f'ANALYZE "{counts}"')


def _insert_results(cursor, run, previous, outcome, lea_map) -> None:
    diff, cells, counts = outcome.diff, outcome.cells, outcome.counts
    lea_rows = ", ".join(["(%s, %s)"] * len(lea_map)) or "(NULL, NULL)"
    lea_params = [v for pair in lea_map.items() for v in pair]
    leas = f"(VALUES {lea_rows}) AS leas(state_id, lea_pk)"
    cursor.execute(f'DROP TABLE IF EXISTS "{diff}_leas"')
    cursor.execute(
        f'CREATE TEMP TABLE "{diff}_leas" ON COMMIT DROP AS SELECT state_id::text, '
        f"lea_pk::bigint FROM {leas}",
        lea_params,
    )
    leas = f'"{diff}_leas"'
    cursor.execute(
        f"""
        INSERT INTO parallel_discrepancygroup
            (run_id, lea_id, kind, field, count, new_count, responsible_party, status, notes)
        SELECT %s, m.lea_pk, d.kind, d.field, count(*), 0, '', 'open', ''
        FROM "{diff}" d JOIN {leas} m ON m.state_id = d.lea_id
        GROUP BY m.lea_pk, d.kind, d.field
        """,
        [run.pk],
    )
    # Fresh rows: without statistics PostgreSQL would join the groups on kind and field alone.
    cursor.execute(f'ANALYZE parallel_discrepancygroup, "{diff}_leas"')
    cursor.execute(
        f"""
        INSERT INTO parallel_discrepancy
            (run_id, group_id, lea_id, kind, student_id, field, legacy_value, edfi_value,
             first_seen_run_id)
        SELECT %(run)s, g.id, g.lea_id, d.kind, d.student_id, d.field,
               coalesce(d.legacy_value, ''), coalesce(d.edfi_value, ''),
               coalesce(p.first_seen_run_id, %(run)s)
        FROM "{diff}" d
        JOIN {leas} m ON m.state_id = d.lea_id
        JOIN parallel_discrepancygroup g
          ON g.run_id = %(run)s AND g.lea_id = m.lea_pk AND g.kind = d.kind AND g.field = d.field
        LEFT JOIN parallel_discrepancy p
          ON p.run_id = %(previous)s AND p.lea_id = m.lea_pk AND p.kind = d.kind
         AND p.field = d.field AND p.student_id = d.student_id
        ORDER BY m.lea_pk, d.kind, d.field, d.student_id
        """,
        {"run": run.pk, "previous": previous.pk if previous else None},
    )
    cursor.execute(
        """
        UPDATE parallel_discrepancygroup g SET new_count = n.new
        FROM (SELECT group_id, count(*) AS new FROM parallel_discrepancy
              WHERE run_id = %(run)s AND first_seen_run_id = %(run)s GROUP BY group_id) n
        WHERE g.id = n.group_id
        """,
        {"run": run.pk},
    )
    # Only cells that differ, plus every total, are kept: the rest are equal by construction.
    cursor.execute(
        f"""
        INSERT INTO parallel_aggregatedifference
            (run_id, lea_id, category_set, categories, legacy_count, edfi_count, difference,
             within_tolerance)
        SELECT %s, m.lea_pk, c.category_set, c.categories, c.legacy_count, c.edfi_count,
               c.difference, c.within_tolerance
        FROM "{cells}" c JOIN {leas} m ON m.state_id = c.lea_id
        ORDER BY m.lea_pk, c.category_set, c.categories::text
        """,
        [run.pk],
    )
    cursor.execute(
        f"""
        INSERT INTO parallel_learunsummary
            (run_id, lea_id, legacy_records, edfi_records, matched_records, only_in_legacy,
             only_in_edfi, records_with_mismatches, field_mismatches, match_rate,
             cells_outside_tolerance, within_tolerance)
        SELECT %s, m.lea_pk, lc.n, ec.n,
               lc.n - coalesce(dd.only_legacy, 0) - coalesce(dd.mismatched, 0),
               coalesce(dd.only_legacy, 0), coalesce(dd.only_edfi, 0),
               coalesce(dd.mismatched, 0), coalesce(dd.fields, 0),
               CASE WHEN lc.n + coalesce(dd.only_edfi, 0) = 0 THEN 100
                    ELSE round(100.0 * (lc.n - coalesce(dd.only_legacy, 0)
                                        - coalesce(dd.mismatched, 0))
                               / (lc.n + coalesce(dd.only_edfi, 0)), 2) END,
               coalesce(cc.outside, 0), coalesce(cc.outside, 0) = 0
        FROM {leas} m
        LEFT JOIN "{counts}" n0 ON n0.lea_id = m.state_id
        CROSS JOIN LATERAL (SELECT coalesce(n0.legacy_records, 0) AS n) lc
        CROSS JOIN LATERAL (SELECT coalesce(n0.edfi_records, 0) AS n) ec
        LEFT JOIN (
            SELECT lea_id,
                   count(*) FILTER (WHERE kind = 'only_legacy') AS only_legacy,
                   count(*) FILTER (WHERE kind = 'only_edfi') AS only_edfi,
                   count(DISTINCT student_id) FILTER (WHERE kind = 'mismatch') AS mismatched,
                   count(*) FILTER (WHERE kind = 'mismatch') AS fields
            FROM "{diff}" GROUP BY lea_id
        ) dd ON dd.lea_id = m.state_id
        LEFT JOIN (
            SELECT lea_id, count(*) FILTER (WHERE NOT within_tolerance) AS outside
            FROM "{cells}" GROUP BY lea_id
        ) cc ON cc.lea_id = m.state_id
        WHERE lc.n > 0 OR ec.n > 0
        """,
        [run.pk],
    )


def _totals(cursor, run) -> dict:
    cursor.execute(
        """
        SELECT count(*), coalesce(sum(legacy_records), 0), coalesce(sum(edfi_records), 0),
               coalesce(sum(matched_records), 0), coalesce(sum(only_in_legacy), 0),
               coalesce(sum(only_in_edfi), 0), coalesce(sum(records_with_mismatches), 0),
               coalesce(sum(field_mismatches), 0),
               count(*) FILTER (WHERE within_tolerance)
        FROM parallel_learunsummary WHERE run_id = %s
        """,
        [run.pk],
    )
    names = [
        "leas",
        "legacy_records",
        "edfi_records",
        "matched_records",
        "only_in_legacy",
        "only_in_edfi",
        "records_with_mismatches",
        "field_mismatches",
        "leas_within_tolerance",
    ]
    return dict(zip(names, (int(v) for v in cursor.fetchone()), strict=True))


__all__ = ["DiscrepancyGroup", "InputError", "input_digest", "run_reconciliation"]


def _error_name(exc: BaseException) -> str:
    """``OSError: No space left on device`` (the type alone when the error says nothing)."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
