"""The reconciliation: one DuckDB engine reads both sides, derives, compares and aggregates in
SQL compiled from the report definition; the results go to PostgreSQL at once.

Guarantees: DuckDB's buffer memory is bounded by ``PARALLEL_MEMORY_LIMIT`` (it spills to the
run's folder on ``PARALLEL_SPILL_DIR`` beyond it; the worker holds Python, Django and DuckDB's
own working memory besides: bench/README.md gives measured peaks); a run's results appear all
at once when it completes (one transaction), so a failure or cancel leaves no partial result
and earlier runs are untouched; the same inputs give the same results; the run's folder
(student-level rows) is removed at the end, and by the job's clean-up when the worker died.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from parallel.crosswalk import crosswalk_entries, crosswalk_for, known_descriptor_values
from parallel.definitions import edfi_source_of
from parallel.engine import compare, edfi, legacy, store, vocabulary
from parallel.engine.sql import table_of_rows
from parallel.engine.workdir import RunFolder, engine
from parallel.errors import InputError
from parallel.importers.legacy_csv import LegacyFile
from parallel.models import (
    DiscrepancyGroup,
    ReconciliationRun,
    RunState,
    Side,
    SubmissionFile,
)
from parallel.services.contract_checks import reading_of
from parallel.services.definitions import run_problems
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
    folder = RunFolder.of_run(run.pk)
    timings: dict[str, float] = {}
    try:
        started = time.perf_counter()
        with engine(folder.create()) as con:
            outcome = _reconcile(run, con, progress, timings)
            step = time.perf_counter()
            totals = _write_results(
                run=run, con=con, folder=folder.folder, outcome=outcome, progress=progress,
                timings=timings,
            )  # fmt: skip
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
        _mark_failed(run, exc.problems, timings=timings)
        raise
    except JobCancelled:
        ReconciliationRun.objects.filter(pk=run.pk).update(state=RunState.CANCELLED)
        raise
    except duckdb.OutOfMemoryException:
        # Not the files' fault and not a crash: the setting is too low for their size.
        _mark_failed(
            run,
            [
                f"The run needs more memory than PARALLEL_MEMORY_LIMIT "
                f"({settings.PARALLEL_MEMORY_LIMIT}) lets the engine hold for these files, and "
                "stored nothing. Ask the administrator to raise it, then run it again."
            ],
            timings=timings,
        )
        raise
    except BaseException as exc:
        # Never a failed run without a reason: bad input is an InputError, anything else ends
        # here (a failing run is still named, with nothing stored).
        _mark_failed(
            run,
            [
                f"The run stopped on an unexpected error ({_error_name(exc)}) and stored "
                "nothing; run it again, and tell the SEA team if it fails the same way."
            ],
        )
        raise
    finally:
        folder.remove()


def _mark_failed(run, errors: list[str], *, timings: dict | None = None) -> None:
    """The run failed, with its reasons (and the timings so far, when there are any)."""
    fields = {"state": RunState.FAILED, "errors": errors}
    if timings is not None:
        fields["timings"] = timings
    ReconciliationRun.objects.filter(pk=run.pk).update(**fields)


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
            edfi_source_of(definition),
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


def _inputs(run, definition) -> tuple[list[LegacyFile], dict[str, SubmissionFile]]:
    """The run's files; raises when one is missing."""
    files = list(run.files.all())
    legacy_files = [f for f in files if f.side == Side.LEGACY]
    if not legacy_files:
        raise InputError(["The run has no legacy file."])
    by_resource = {f.resource: f for f in files if f.side == Side.EDFI}
    needed = vocabulary.required_resources(definition.edfi_source)
    absent = [r for r in needed if r not in by_resource]
    if absent:
        raise InputError([f"The Ed-Fi extract lacks resource(s): {', '.join(absent)}."])
    for endpoint in needed:
        _file_path(by_resource[endpoint])
    return (
        [
            LegacyFile(_file_path(f), f.original_name, f.lea.state_lea_id if f.lea_id else None)
            for f in legacy_files
        ],
        {endpoint: by_resource[endpoint] for endpoint in needed},
    )


def _reconcile(run, con, progress, timings) -> dict:
    """Both sides read and validated, Ed-Fi records derived, compared; returns what the
    writer needs beside DuckDB's result tables."""
    cycle = run.cycle
    definition = cycle.report_definition
    definition.edfi_source = edfi_source_of(definition)
    problems = run_problems(cycle=cycle)
    if problems:
        raise InputError(problems)
    legacy_files, edfi_files = _inputs(run, definition)
    lea_map = _lea_map(cycle)
    progress(5, "Loading the legacy file(s)")
    t = time.perf_counter()
    messages = legacy.load(con, files=legacy_files, definition=definition, lea_ids=list(lea_map))
    timings["legacy_load_seconds"] = round(time.perf_counter() - t, 3)
    progress(25, "Loading the Ed-Fi extract")
    t = time.perf_counter()
    paths = vocabulary.resource_paths(definition.edfi_source)
    loaded = {}
    for number, (endpoint, submission) in enumerate(edfi_files.items()):
        loaded[endpoint] = edfi.load(
            con, path=_file_path(submission), name=submission.original_name,
            endpoint=endpoint, paths=sorted(paths[endpoint]), **reading_of(submission),
        )  # fmt: skip
        progress(25 + 20 * (number + 1) / len(edfi_files), "Loading the Ed-Fi extract")
    timings["stage_edfi_seconds"] = round(time.perf_counter() - t, 3)
    timings["edfi_files_checked_at_upload"] = sum(i.kept_contract for i in loaded.values())
    progress(45, "Validating the Ed-Fi extract")
    step = time.perf_counter()
    found = edfi.problems(con, loaded, known_descriptor_values(cycle=cycle))
    if found:
        raise InputError(found[:100])
    edfi.drop_check_columns(con, loaded)
    timings["validate_edfi_seconds"] = round(time.perf_counter() - step, 3)
    # Row order mattered while a row's position was its line; the results are ordered when
    # stored, and a query free to reorder needs less memory.
    con.execute("SET preserve_insertion_order = false")
    progress(52, "Turning Ed-Fi records into the legacy shape")
    step = time.perf_counter()
    _reference_tables(con, cycle, lea_map)
    compiled = compare.derive_sql(definition, cycle.snapshot_date)
    for sql, params in compiled.statements:
        con.execute(sql, params)
    timings["derive_seconds"] = round(time.perf_counter() - step, 3)
    timings["edfi_load_seconds"] = round(time.perf_counter() - t, 3)
    progress(60, "Comparing records")
    step = time.perf_counter()
    compare.compare(con, definition, cycle.snapshot_date)
    timings["diff_seconds"] = round(time.perf_counter() - step, 3)
    return {
        "missing": compare.missing_mappings(con, definition),
        "outside_cycle": compare.derived_leas(con),
        "warnings": compare.warnings(con, definition, cycle.snapshot_date),
        "messages": messages,
        "lea_map": lea_map,
    }


def _reference_tables(con, cycle, lea_map) -> None:
    """The crosswalk (with the entry each code comes from) and the cycle's LEAs.

    Ed-Fi education organization ids are integers, so a state LEA id with leading zeros
    ("00042") arrives as "42": both spellings name the LEA.
    """
    rows = [
        (field, value, code, entry)
        for field, values in crosswalk_entries(cycle=cycle).items()
        for value, (code, entry) in values.items()
    ]
    table_of_rows(con, "xw", ["field", "value", "code", "entry"], rows)
    leas = {state_id: state_id for state_id in lea_map}
    leas.update(
        {
            str(int(s)): s
            for s in lea_map
            if s.isdigit() and str(int(s)) != s and str(int(s)) not in leas
        }
    )
    table_of_rows(con, "leas", ["edfi_id", "state_id"], list(leas.items()))


def _write_results(*, run, con, folder, outcome: dict, progress, timings) -> dict:
    """Store a run's results from DuckDB, all at once (one transaction)."""
    progress(88, "Writing results")
    with transaction.atomic():
        previous = (
            ReconciliationRun.objects.filter(
                cycle=run.cycle, state=RunState.COMPLETE, number__lt=run.number
            )
            .order_by("-number")
            .first()
        )
        with connection.cursor() as cursor:
            cells = store.copy_results(cursor, con, folder, run, outcome["lea_map"])
            store.insert_results(cursor, run, previous, outcome["lea_map"])
            totals = _totals(cursor, run)
        step = time.perf_counter()
        from parallel.services.triage import carry_forward

        carry_forward(run=run, previous=previous)
        timings["carry_forward_seconds"] = round(time.perf_counter() - step, 3)
        totals.update(
            cells_differing_or_total=cells,
            edfi_records_outside_cycle=outcome["outside_cycle"],
            missing_mappings=len(outcome["missing"]),
            warnings=sum(w["count"] for w in outcome["warnings"]),
        )
        ReconciliationRun.objects.filter(pk=run.pk).update(
            state=RunState.COMPLETE,
            completed_at=timezone.now(),
            previous_run=previous,
            totals=totals,
            missing_mappings=outcome["missing"],
            warnings=outcome["warnings"],
            messages=outcome["messages"],
            errors=[],
            input_digest=input_digest(run=run),
        )
    progress(99, "Results written")
    return totals


def _totals(cursor, run) -> dict:
    cursor.execute(
        """
        SELECT count(*), coalesce(sum(legacy_records), 0), coalesce(sum(edfi_records), 0),
               coalesce(sum(matched_records), 0), coalesce(sum(only_in_legacy), 0),
               coalesce(sum(only_in_edfi), 0), coalesce(sum(records_with_mismatches), 0),
               coalesce(sum(field_mismatches), 0),
               count(*) FILTER (WHERE within_tolerance),
               coalesce(sum(only_in_legacy_excluded), 0), coalesce(sum(only_in_edfi_excluded), 0)
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
        "only_in_legacy_excluded",
        "only_in_edfi_excluded",
    ]
    return dict(zip(names, (int(v) for v in cursor.fetchone()), strict=True))


__all__ = ["DiscrepancyGroup", "InputError", "input_digest", "run_reconciliation"]


def _error_name(exc: BaseException) -> str:
    """``OSError: No space left on device`` (the type alone when the error says nothing)."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
