"""Benchmark of the parallel-year reconciliation (issue: parallel-year comparison).

    DATABASE_URL=postgres://… python bench/parallel.py --students 100000 [--baseline datacompy]
        [--report {child-count,fall-membership}]

Generates a legacy CSV and an Ed-Fi JSON Lines extract (nested references, descriptor URIs) with
about 2 % injected discrepancies of known kinds: for ``--report child-count`` (the default) an
IDEA child count (students, student–education-organization associations, student
special-education program associations), for ``fall-membership`` a fall membership (schools,
students, student–school and student–education-organization associations; dates, school and
grade compared, dates within their tolerance agreeing). Runs the real job code
path (``rolloutplanner.jobs.execute_job`` in a separate worker process, as the Celery task does),
checks that the discrepancies found equal the injected ones, and prints load time, compare time,
total and the worker's peak RSS. ``--baseline datacompy`` runs the same comparison with datacompy
on pandas in the same run and prints the ratio. ``--reference`` runs it as a plain DuckDB script
outside the app (``bench/parallel_reference.py``, for fall membership
``bench/parallel_reference_membership.py``: same files, nothing validated or stored) in the
same run and prints both times and their ratio (job total / reference), and whether the
reference found the injected truth too. ``--repeat N`` runs the job (and the reference) N times
on the same files and prints min/median. ``--baseline datacompy`` is for the child count only.

As after an upload, each Ed-Fi file is first checked against the Ed-Fi API contract (the check
job, once per file: its time is printed apart), so the job reads the files as checked; with
``--unchecked`` it checks the contract itself, as a run does for a file not checked yet.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import queue
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rolloutplanner.settings")
# --report → the shipped definition it runs.
REPORTS = {"child-count": "idea-child-count-school-age", "fall-membership": "fall-membership"}


def _setup(media_root: Path) -> None:
    os.environ["MEDIA_ROOT"] = str(media_root)
    import django

    django.setup()


def _peak_mb() -> float:
    """This process's own peak RSS. Not ``ru_maxrss``: a spawned process is forked from the
    bench before it runs, and ``ru_maxrss`` keeps the size of that copy of the bench."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def _run_job(job_id: int, media_root: str, report) -> None:
    """The worker side: exactly what the Celery task does; puts its peak RSS on ``report``."""
    _setup(Path(media_root))
    from django.db import connection

    from rolloutplanner.jobs import execute_job

    connection.close()
    execute_job(job_id)
    report.put(_peak_mb())


def _run_reference(report_name: str, options: dict, report) -> None:
    """The reference in a process of its own (as a plain script runs): puts (seconds,
    differences, CPU seconds, peak RSS) on ``report``."""
    if report_name == "fall-membership":
        from bench.parallel_reference_membership import reference
    else:
        from bench.parallel_reference import reference
    cpu = time.process_time()
    seconds, found = reference(**options)
    report.put((seconds, found, time.process_time() - cpu, _peak_mb()))


def _prepare(args, directory: Path):
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # The Ed-Fi catalog, so that descriptor values are checked against it as in production.
    call_command("import_edfi_model", str(ROOT / "mapping/data/edfi/5.2.0"), verbosity=0)
    from leas.models import LEA
    from parallel.definitions import load_shipped_definitions
    from parallel.models import (
        CollectionCycle,
        ReconciliationRun,
        ReportDefinition,
        Side,
        SubmissionFile,
    )

    load_shipped_definitions(ReportDefinition)
    definition = ReportDefinition.objects.get(code=REPORTS[args.report])
    started = time.perf_counter()
    data = _generate_or_reuse(args, directory, definition)
    print(f"generated {args.students:,} students in {time.perf_counter() - started:.1f} s")
    leas = [LEA.objects.get_or_create(state_lea_id=i, defaults={"name": f"Bench LEA {i}"})[0]
            for i in data.lea_ids]  # fmt: skip
    cycle = CollectionCycle.objects.create(
        name=f"Bench {args.students}", school_year="2025-26", report_definition=definition,
        snapshot_date="2025-10-01",
    )  # fmt: skip
    cycle.leas.set(leas)
    files = [(Side.LEGACY, "", data.legacy)] + [
        (Side.EDFI, resource_name, path) for resource_name, path in data.edfi_files.items()
    ]
    submissions = []
    for side, resource_name, path in files:
        submissions.append(
            SubmissionFile.objects.create(
                cycle=cycle, side=side, resource=resource_name, original_name=path.name,
                file=str(path.relative_to(directory)), size=path.stat().st_size,
                sha256=hashlib.sha256(f"{path.name}:{path.stat().st_size}".encode()).hexdigest(),
            )
        )  # fmt: skip
    run = ReconciliationRun.objects.create(cycle=cycle, number=1)
    run.files.set(submissions)
    return data, run


def _generate_or_reuse(args, directory: Path, definition):
    """The synthetic files; with ``--data-dir`` kept there and reused for the same options."""
    import pickle

    from parallel.synthetic import generate, generate_membership

    options = (args.report, args.students, args.leas, args.rate, args.seed)
    saved = directory / "collection.pickle"
    if args.data_dir and saved.exists():
        stored_options, data = pickle.loads(saved.read_bytes())
        if stored_options == options and all(p.exists() for p in data.edfi_files.values()):
            return data
    generator = generate_membership if args.report == "fall-membership" else generate
    data = generator(
        directory=directory,
        definition={
            "crosswalk": definition.crosswalk,
            "columns": definition.columns,
            "population": definition.population,
            "compared_fields": definition.compared_fields,
            "edfi_source": definition.edfi_source,
        },
        students=args.students,
        leas=args.leas,
        rate=args.rate,
        seed=args.seed,
    )
    if args.data_dir:
        saved.write_bytes(pickle.dumps((options, data)))
    return data


def _found(run) -> set:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.kind, l.state_lea_id, d.student_id, d.field FROM parallel_discrepancy d "
            "JOIN leas_lea l ON l.id = d.lea_id WHERE d.run_id = %s",
            [run.pk],
        )
        return set(cursor.fetchall())


def _datacompy_baseline(data, definition) -> tuple[float, int]:
    """The same comparison with pandas + datacompy (flattening with pandas too)."""
    import datacompy
    import pandas as pd

    started = time.perf_counter()
    legacy = pd.read_csv(data.legacy, dtype=str)
    legacy.columns = [c["field"] for c in definition.columns]
    students = pd.read_json(data.students, lines=True, dtype=False)
    seoa = pd.json_normalize(pd.read_json(data.seoa, lines=True, dtype=False).to_dict("records"))
    sepa = pd.json_normalize(pd.read_json(data.sepa, lines=True, dtype=False).to_dict("records"))
    xw: dict = {}
    for entry in definition.crosswalk:
        xw.setdefault(entry["field"], {})[entry["edfi_code_value"].lower()] = entry["code"]

    def code(series, field):
        return series.str.split("#").str[1].str.lower().map(xw[field]).fillna("UNMAPPED")

    sepa["disability"] = sepa["disabilities"].map(lambda d: d[0]["disabilityDescriptor"])
    edfi = sepa.rename(
        columns={"studentReference.studentUniqueId": "student_id",
                 "educationOrganizationReference.educationOrganizationId": "lea_id"}
    )  # fmt: skip
    edfi["lea_id"] = edfi["lea_id"].astype(str)
    seoa["lea_id"] = seoa["educationOrganizationReference.educationOrganizationId"].astype(str)
    seoa["student_id"] = seoa["studentReference.studentUniqueId"]
    edfi = edfi.merge(seoa, on=["student_id", "lea_id"], how="left")
    edfi = edfi.merge(
        students.rename(columns={"studentUniqueId": "student_id"}), on="student_id", how="left"
    )
    birth = pd.to_datetime(edfi["birthDate"])
    snapshot = pd.Timestamp("2025-10-01")
    age = (
        snapshot.year
        - birth.dt.year
        - (
            (birth.dt.month > snapshot.month)
            | ((birth.dt.month == snapshot.month) & (birth.dt.day > snapshot.day))
        )
    )
    races = edfi["races"].map(len)
    first_race = code(edfi["races"].map(lambda r: r[0]["raceDescriptor"]), "race")
    out = pd.DataFrame(
        {
            "lea_id": edfi["lea_id"],
            "student_id": edfi["student_id"],
            "age": age.astype(str),
            "disability": code(edfi["disability"], "disability"),
            "environment": code(edfi["specialEducationSettingDescriptor"], "environment"),
            "race": first_race.where(races == 1, "MU7").where(~edfi["hispanicLatinoEthnicity"],
                                                              "HI7"),
            "sex": code(edfi["sexDescriptor"], "sex"),
            "english_learner": code(
                edfi["limitedEnglishProficiencyDescriptor"], "english_learner"
            ),
        }
    )  # fmt: skip
    import contextlib
    import io
    import logging

    logging.getLogger("datacompy").setLevel(logging.WARNING)
    compare_class = getattr(datacompy, "Compare", None) or datacompy.PandasCompare
    with contextlib.redirect_stdout(io.StringIO()):
        compare = compare_class(legacy, out, join_columns=["lea_id", "student_id"])
    differences = len(compare.df1_unq_rows) + len(compare.df2_unq_rows)
    differences += int(sum(compare.column_stats[i]["unequal_cnt"]
                           for i in range(len(compare.column_stats))))  # fmt: skip
    return time.perf_counter() - started, differences


def _new_run(run):
    """Another run of the same cycle over the same files (a fresh job, nothing reused)."""
    from parallel.models import ReconciliationRun

    again = ReconciliationRun.objects.create(cycle=run.cycle, number=run.number + 1)
    again.files.set(run.files.all())
    return again


def _check_uploads(run, directory: Path) -> None:
    """Each Ed-Fi file checked against the Ed-Fi API contract as after its upload (the check
    job, in a fresh worker process); prints the checks' time (the jobs' own, from start to
    finish) and peak RSS."""
    from django.db import connection

    from parallel.services.contract_checks import queue_contract_check

    seconds, peaks, states = 0.0, [], []
    for submission in run.files.filter(side="edfi").order_by("resource"):
        job = queue_contract_check(submission=submission)
        connection.close()
        peaks.append(_in_worker(job.pk, directory))
        job.refresh_from_db()
        seconds += (job.finished_at - job.started_at).total_seconds()
        submission.refresh_from_db()
        states.append(submission.contract_state)
    print(f"upload check        {seconds:.2f} s for {len(states)} Ed-Fi files (once per file; "
          f"{', '.join(states)}), peak RSS {max(peaks):.0f} MB")  # fmt: skip


def _in_worker(job_id: int, directory: Path) -> float:
    """Execute a job in a fresh worker process; returns its peak RSS (MB)."""
    spawn = multiprocessing.get_context("spawn")
    report = spawn.Queue()
    worker = spawn.Process(target=_run_job, args=(job_id, str(directory), report))
    worker.start()
    worker.join()
    try:
        return report.get(timeout=10)
    except queue.Empty:  # the worker died before it could say
        return float("nan")


def _job(run, data, directory: Path, args) -> tuple[float, float, bool]:
    """Run the job in a fresh worker process; prints its figures, returns (total s, peak MB,
    whether the injected truth was found exactly, the worker's CPU seconds)."""
    from django.db import connection

    from rolloutplanner.jobs import enqueue_job
    from rolloutplanner.models import Job

    job = enqueue_job(kind="parallel_reconcile", parameters={"run_id": run.pk})
    Job.objects.filter(pk=job.pk).update(state="queued")
    connection.close()
    wall = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb = _in_worker(job.pk, directory)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    job.refresh_from_db()
    run.refresh_from_db()
    if job.state != "succeeded":
        sys.exit(f"job {job.state}: {job.error}")
    found = _found(run)
    correct = found == data.truth
    timings = run.timings
    load = timings["legacy_load_seconds"] + timings["edfi_load_seconds"]
    print(f"students            {args.students:,} over {args.leas} LEAs ({args.report})")
    print(f"injected / found    {len(data.truth):,} / {len(found):,}  "
          f"({'equal' if correct else 'DIFFERENT'})")  # fmt: skip
    print(f"load (read+derive)  {load:.2f} s  (legacy {timings['legacy_load_seconds']:.2f} s, "
          f"Ed-Fi {timings['edfi_load_seconds']:.2f} s)")  # fmt: skip
    print(f"compare + write     {timings['compare_seconds']:.2f} s")
    print(f"total (job)         {timings['total_seconds']:.2f} s  (worker wall {wall:.2f} s, "
          f"worker CPU {cpu:.2f} s)")  # fmt: skip
    print(f"peak worker RSS     {peak_mb:.0f} MB")
    print(f"Ed-Fi files read as checked at upload: {timings['edfi_files_checked_at_upload']}")
    steps = {
        k: v
        for k, v in timings.items()
        if k.startswith(("stage_", "validate_", "derive", "diff", "insert", "carry"))
    }
    print("steps               " + ", ".join(f"{k[:-8]} {v:.2f}" for k, v in steps.items()))
    return timings["total_seconds"], peak_mb, correct, cpu


def _reference(args, data, run) -> tuple[float, set, float, float]:
    """The plain DuckDB script of the report on the same files, in its own process:
    (seconds, differences, CPU seconds, peak RSS MB)."""
    definition = run.cycle.report_definition
    options = {
        "data": data, "snapshot": str(run.cycle.snapshot_date),
        "crosswalk": definition.crosswalk, "columns": definition.columns,
        "fields": definition.compared_fields,
    }  # fmt: skip
    if args.report == "fall-membership":
        options["tolerance_days"] = {
            name: int(spec.get("tolerance_days", 0))
            for name, spec in definition.edfi_source["fields"].items()
            if spec["source"] == "date"
        }
    else:
        options["population"] = definition.population
    spawn = multiprocessing.get_context("spawn")
    report = spawn.Queue()
    process = spawn.Process(target=_run_reference, args=(args.report, options, report))
    process.start()
    result = report.get()  # before join: a large result would fill the pipe
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--report", choices=sorted(REPORTS), default="child-count")
    parser.add_argument("--leas", type=int, default=0, help="default: students / 1000, 5..1200")
    parser.add_argument("--rate", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--baseline", choices=["datacompy"], default=None)
    parser.add_argument("--reference", action="store_true", help="also run the DuckDB reference")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the job (and reference)")
    parser.add_argument(
        "--unchecked",
        action="store_true",
        help="skip the Ed-Fi files' check at upload: the job checks the contract itself",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="keep the generated files here and reuse them on the next run with the same options",
    )
    args = parser.parse_args()
    args.leas = args.leas or max(5, min(1200, args.students // 1000))
    if args.baseline and args.report != "child-count":
        parser.error("--baseline datacompy compares the child count only")
    with tempfile.TemporaryDirectory(prefix="parallel-bench-") as tmp:
        directory = args.data_dir or Path(tmp)
        _setup(directory)
        data, run = _prepare(args, directory)
        if not args.unchecked:
            _check_uploads(run, directory)
        jobs, references, peaks, all_correct = [], [], [], True
        for attempt in range(args.repeat):
            if attempt:
                run = _new_run(run)
            seconds, peak_mb, correct, job_cpu = _job(run, data, directory, args)
            jobs.append(seconds)
            peaks.append(peak_mb)
            all_correct = all_correct and correct
            if args.reference:
                ref_seconds, ref_found, ref_cpu, ref_peak = _reference(args, data, run)
                references.append(ref_seconds)
                print(f"reference (DuckDB)  {ref_seconds:.2f} s (CPU {ref_cpu:.2f} s, "
                      f"peak RSS {ref_peak:.0f} MB), "
                      f"{len(ref_found):,} differences "
                      f"({'equal to' if ref_found == data.truth else 'NOT'} injected); "
                      f"ratio job/reference {seconds / ref_seconds:.2f}x "
                      f"(CPU: worker / reference {job_cpu / ref_cpu:.2f}x)")  # fmt: skip
        if args.repeat > 1:
            from django.conf import settings

            median = statistics.median(jobs)
            print(f"job total           min {min(jobs):.2f} s, median {median:.2f} s")
            print(f"worker peak RSS     {min(peaks):.0f}–{max(peaks):.0f} MB "
                  f"(PARALLEL_MEMORY_LIMIT {settings.PARALLEL_MEMORY_LIMIT})")  # fmt: skip
            if references:
                print(
                    f"reference           min {min(references):.2f} s, "
                    f"median {statistics.median(references):.2f} s"
                )
                ratios = [j / r for j, r in zip(jobs, references, strict=True)]
                print(
                    f"ratio job/reference min {min(ratios):.2f}x, "
                    f"median {statistics.median(ratios):.2f}x"
                )
        if args.baseline == "datacompy":
            try:
                seconds, differences = _datacompy_baseline(data, run.cycle.report_definition)
            except ImportError:
                print("datacompy baseline: pip install datacompy pandas to run it")
            else:
                base_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                print(f"datacompy           {seconds:.2f} s, {differences:,} differences "
                      f"({'equal to' if differences == len(data.truth) else 'NOT'} injected), "
                      f"bench process peak RSS {base_peak:.0f} MB; "
                      f"ratio {seconds / run.timings['total_seconds']:.1f}x")  # fmt: skip
        if not all_correct:  # any run, not only the last
            sys.exit(1)


if __name__ == "__main__":
    main()
