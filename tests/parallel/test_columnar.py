"""The columnar engine gives the SQL path's results, and declines what it cannot vouch for."""

import contextlib
import resource
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from django.conf import settings as django_settings

from parallel.columnar import engine, inputs, partitions
from parallel.models import AggregateDifference, Discrepancy, LEARunSummary, RunState
from parallel.services.reconcile import run_reconciliation
from parallel.staging import InputError

pytestmark = pytest.mark.django_db


def everything(run) -> dict:
    """Every stored result of a run, in a form that compares across runs."""
    run.refresh_from_db()
    return {
        "state": run.state,
        "totals": run.totals,
        "missing": run.missing_mappings,
        "discrepancies": sorted(
            Discrepancy.objects.filter(run=run).values_list(
                "lea_id", "kind", "student_id", "field", "legacy_value", "edfi_value"
            )
        ),
        "groups": sorted((g.lea_id, g.kind, g.field, g.count) for g in run.groups.all()),
        "cells": sorted(
            AggregateDifference.objects.filter(run=run).values_list(
                "lea_id",
                "category_set",
                "categories",
                "legacy_count",
                "edfi_count",
                "difference",
                "within_tolerance",
            ),
            key=str,
        ),  # fmt: skip
        "summaries": sorted(
            LEARunSummary.objects.filter(run=run).values_list(
                "lea_id",
                "legacy_records",
                "edfi_records",
                "matched_records",
                "only_in_legacy",
                "only_in_edfi",
                "records_with_mismatches",
                "field_mismatches",
                "match_rate",
                "cells_outside_tolerance",
                "within_tolerance",
            )
        ),  # fmt: skip
    }


def reconcile(collection, settings, *, columnar: bool):
    settings.PARALLEL_COLUMNAR = columnar
    run = collection.new_run()
    run_reconciliation(run=run)
    run.refresh_from_db()
    return run


def _messy(collection) -> None:
    """Unmapped, upper-case and non-ASCII codes, Hispanic students and several races."""
    sepa = collection.data.sepa
    text = sepa.read_text(encoding="utf-8").replace("#Autism", "#AUTISM")
    sepa.write_text(text.replace("#Deaf-Blindness", "#Sordoceguera ÉÑ", 1), encoding="utf-8")
    seoa = collection.data.seoa
    lines = seoa.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(
        '"hispanicLatinoEthnicity": false', '"hispanicLatinoEthnicity": true'
    )
    lines[2] = lines[2].replace(
        '"races": [', '"races": [{"raceDescriptor": "uri://ed-fi.org/RaceDescriptor#White"}, ', 1
    )
    seoa.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("partition_bytes", [engine.PARTITION_INPUT_BYTES, 20_000])
def test_columnar_results_equal_the_sql_paths(make_collection, settings, monkeypatch,
                                              partition_bytes):  # fmt: skip
    monkeypatch.setattr(engine, "PARTITION_INPUT_BYTES", partition_bytes)
    # Cells by several groups of LEAs too, when the students are in several partitions.
    monkeypatch.setattr(engine, "LEGACY_BYTES_PER_LEA_GROUP", partition_bytes // 20)
    collection = make_collection(students=400, rate=0.15, seed=5, upload=False)
    _messy(collection)
    collection.upload_all()

    sql = reconcile(collection, settings, columnar=False)
    fast = reconcile(collection, settings, columnar=True)

    assert "columnar_declined" not in fast.timings
    assert "compare_partitions_seconds" in fast.timings and "diff_seconds" in sql.timings
    if partition_bytes < engine.PARTITION_INPUT_BYTES:
        assert fast.timings["partitions"] > 3 and fast.timings["lea_groups"] > 2
    results = everything(fast)
    assert results["state"] == RunState.COMPLETE
    assert results["discrepancies"] and results["cells"] and results["missing"]
    # The second run carries the first's discrepancies forward: compare as of a first run.
    expected = everything(sql)
    assert results["discrepancies"] == expected["discrepancies"]
    assert results["cells"] == expected["cells"]
    assert results["summaries"] == expected["summaries"]
    assert results["groups"] == expected["groups"]
    assert results["missing"] == expected["missing"]
    assert results["totals"] == expected["totals"]


def test_found_discrepancies_equal_the_injected_ones_across_partitions_and_chunks(
    make_collection, settings, monkeypatch
):
    monkeypatch.setattr(engine, "PARTITION_INPUT_BYTES", 50_000)
    monkeypatch.setattr(engine, "LEGACY_BYTES_PER_LEA_GROUP", 2_000)
    # Many chunks of every file too: chunk boundaries fall inside the records' runs.
    monkeypatch.setattr(inputs, "LEGACY_CHUNK_BYTES", 700)
    monkeypatch.setattr(inputs, "_chunk_bytes", lambda edfi: 3_000)
    collection = make_collection(students=500, rate=0.1, seed=21)
    run = reconcile(collection, settings, columnar=True)
    assert run.timings["partitions"] > 3 and run.timings["lea_groups"] > 3
    assert "columnar_declined" not in run.timings
    stored = {
        (d.kind, d.lea.state_lea_id, d.student_id, d.field)
        for d in Discrepancy.objects.filter(run=run).select_related("lea")
    }
    assert stored == collection.data.truth


def _append_line(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def _duplicate_student(collection) -> None:
    students = collection.data.students
    _append_line(students, students.read_text(encoding="utf-8").splitlines()[3])


def _two_programs_begin_the_same_day(collection) -> None:
    sepa = collection.data.sepa
    line = sepa.read_text(encoding="utf-8").splitlines()[0]
    _append_line(sepa, line.replace('"programName": "Special Education"', '"programName": "Other"'))


def _legacy_code_out_of_layout(collection) -> None:
    legacy = collection.data.legacy
    lines = legacy.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].rsplit(",", 1)[0] + ",XX"
    legacy.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _legacy_value_quoted(collection) -> None:
    legacy = collection.data.legacy
    lines = legacy.read_text(encoding="utf-8").splitlines()
    lead, last = lines[5].rsplit(",", 1)
    lines[5] = f'{lead},"{last}"'
    legacy.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    "spoil, reason, error",
    [
        (_legacy_value_quoted, "a quote", None),  # valid CSV, which the SQL path reads
        (_duplicate_student, "duplicate", "duplicate natural key"),
        (_two_programs_begin_the_same_day, "same begin_date", None),
        (_legacy_code_out_of_layout, "does not permit", "is not a permitted value"),
    ],
)
def test_input_it_cannot_vouch_for_goes_through_the_sql_path(make_collection, settings, spoil,
                                                             reason, error):  # fmt: skip
    collection = make_collection(students=60, rate=0, upload=False)
    spoil(collection)
    collection.upload_all()
    settings.PARALLEL_COLUMNAR = True
    run = collection.new_run()

    with contextlib.suppress(InputError):  # the SQL path fails the run and says why
        run_reconciliation(run=run)

    run.refresh_from_db()
    assert reason in run.timings["columnar_declined"]
    if error:
        assert run.state == RunState.FAILED and error in str(run.errors)
    else:
        assert run.state == RunState.COMPLETE and "diff_seconds" in run.timings
    assert not (Path(django_settings.PARALLEL_SPILL_DIR) / f"run-{run.pk}").exists()


def test_a_worker_that_may_not_open_enough_spill_streams_goes_through_the_sql_path(
    make_collection, settings, monkeypatch
):
    monkeypatch.setattr(engine, "allow_open_files", lambda spill_files: False)
    collection = make_collection(students=60, rate=0.1)
    settings.PARALLEL_COLUMNAR = True
    run = collection.new_run()

    run_reconciliation(run=run)

    run.refresh_from_db()
    assert "spill stream" in run.timings["columnar_declined"]
    assert run.state == RunState.COMPLETE and "diff_seconds" in run.timings


def test_the_soft_limit_on_open_files_is_raised_up_to_the_hard_one():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 2_000:
        pytest.skip("this machine's hard limit on open files is below 2,000")
    resource.setrlimit(resource.RLIMIT_NOFILE, (512, hard))
    try:
        assert partitions.allow_open_files(1_500)
        assert resource.getrlimit(resource.RLIMIT_NOFILE) == (1_500 + 256, hard)
        if hard != resource.RLIM_INFINITY:
            assert not partitions.allow_open_files(hard)  # more than the hard limit allows
            assert resource.getrlimit(resource.RLIMIT_NOFILE) == (hard, hard)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_student_always_falls_in_the_same_partition():
    ids = pa.array([f"S{n:08d}" for n in range(20_000)] + ["", "é", "x"])
    first = partitions.partition_numbers(ids, 7).to_pylist()
    again = partitions.partition_numbers(ids.slice(3), 7).to_pylist()
    assert first[3:] == again
    spread = [first.count(n) for n in range(7)]
    assert min(spread) > 20_000 / 7 * 0.8, spread
    # LEA ids (short, sequential) spread over groups of LEAs too.
    leas = partitions.partition_numbers(pa.array([str(255901 + n) for n in range(1200)]), 12)
    assert min(pc.value_counts(leas).field("counts").to_pylist()) > 1200 / 12 * 0.6


def _enrolment_files(directory: Path, lea_ids: list[str]) -> dict[str, Path]:
    """Schools, enrolments (some ended, some moved school) and demographics of 90 students."""
    import json
    import random

    rng = random.Random(3)
    grades = ["First grade", "Second grade", "Kindergarten", "Ninth grade", "Grade 99"]
    races = ["White", "Asian", "Black or African American"]
    uri = "uri://ed-fi.org/{}Descriptor#{}".format
    schools = [
        {"schoolId": 100 + n, "nameOfInstitution": f"School {n}",
         "gradeLevels": [{"gradeLevelDescriptor": uri("GradeLevel", "First grade")}],
         "educationOrganizationCategories": [
             {"educationOrganizationCategoryDescriptor": uri("EducationOrganizationCategory",
                                                             "School")}],
         "localEducationAgencyReference": {"localEducationAgencyId": int(lea)}}
        for n, lea in enumerate(lea_ids * 2)
    ]  # fmt: skip
    ssa, seoa, legacy = [], [], ["LEA_ID,STUDENT_ID,GRADE_LEVEL,RACE_ETHNICITY,SEX"]
    codes = {"First grade": "01", "Second grade": "02", "Kindergarten": "KG", "Ninth grade": "09"}
    for n in range(90):
        student, school = f"E{n:05d}", schools[n % len(schools)]
        lea = lea_ids[n % len(lea_ids)]  # the state's id ("00001"); Ed-Fi's is the integer
        grade = rng.choice(grades)
        exit_date = {"exitWithdrawDate": "2025-09-01"} if n % 11 == 0 else {}
        ssa.append({"studentReference": {"studentUniqueId": student},
                    "schoolReference": {"schoolId": school["schoolId"]},
                    "entryDate": "2025-08-20",
                    "entryGradeLevelDescriptor": uri("GradeLevel", grade),
                    **exit_date})  # fmt: skip
        if n % 7 == 0:  # moved to another school of the LEA: the later entry counts
            ssa.append({"studentReference": {"studentUniqueId": student},
                        "schoolReference": {"schoolId": school["schoolId"]},
                        "entryDate": "2024-08-20",
                        "entryGradeLevelDescriptor": uri("GradeLevel", "Other")})  # fmt: skip
        race = rng.choice(races)
        if n % 13:
            seoa.append({"studentReference": {"studentUniqueId": student},
                         "educationOrganizationReference": {"educationOrganizationId": int(lea)},
                         "sexDescriptor": uri("Sex", rng.choice(["Female", "Male"])),
                         "hispanicLatinoEthnicity": n % 5 == 0,
                         "races": [{"raceDescriptor": uri("Race", race)}]})  # fmt: skip
        if n % 17:
            legacy.append(f"{lea},{student},{codes.get(grade, 'UG')},WH7,F")
    paths = {}
    for name, rows in [("schools", schools), ("studentSchoolAssociations", ssa),
                       ("studentEducationOrganizationAssociations", seoa)]:  # fmt: skip
        paths[name] = directory / f"{name}.jsonl"
        paths[name].write_text("".join(json.dumps(row) + "\n" for row in rows))
    paths["legacy"] = directory / "legacy.csv"
    paths["legacy"].write_text("\n".join(legacy) + "\n")
    return paths


@pytest.mark.parametrize("partition_bytes", [engine.PARTITION_INPUT_BYTES, 2_000])
def test_enrolment_columnar_results_equal_the_sql_paths(
    make_collection, world, settings, monkeypatch, tmp_path, partition_bytes
):
    from parallel.models import Side
    from tests.parallel.factories import shipped_definition

    monkeypatch.setattr(engine, "PARTITION_INPUT_BYTES", partition_bytes)
    monkeypatch.setattr(engine, "LEGACY_BYTES_PER_LEA_GROUP", partition_bytes // 20)
    collection = make_collection(students=10, upload=False)
    collection.cycle.report_definition = shipped_definition("enrolment")
    collection.cycle.save()
    lea_ids = [world.own_lea.state_lea_id, world.other_lea.state_lea_id]
    for name, path in _enrolment_files(tmp_path, lea_ids).items():
        if name == "legacy":
            collection.upload(path, Side.LEGACY)
        else:
            collection.upload(path, Side.EDFI, resource=name)

    sql = reconcile(collection, settings, columnar=False)
    fast = reconcile(collection, settings, columnar=True)

    assert sql.state == RunState.COMPLETE, sql.errors
    assert "columnar_declined" not in fast.timings
    results, expected = everything(fast), everything(sql)
    assert results["discrepancies"] and results["missing"]
    for part in ("discrepancies", "cells", "summaries", "groups", "missing", "totals"):
        assert results[part] == expected[part], part


@pytest.mark.parametrize(("absolute", "percent"), [(0, "0"), (2, "2.50"), (0, "0.33"), (1, "100")])
def test_tolerance_is_decided_in_exact_arithmetic_at_its_boundaries(absolute, percent):
    from decimal import Decimal
    from types import SimpleNamespace

    from parallel.columnar.compare import _within

    definition = SimpleNamespace(tolerance_absolute=absolute, tolerance_percent=Decimal(percent))
    cases = [(d, n) for n in (0, 1, 3, 40, 100, 300, 1200, 10_000) for d in range(-40, 41)]
    differences = pa.array([d for d, _ in cases], pa.int64())
    legacy_counts = pa.array([n for _, n in cases], pa.int64())

    decided = _within(differences, legacy_counts, definition).to_pylist()

    expected = [abs(d) <= absolute or abs(d) * 100 <= Decimal(percent) * n for d, n in cases]
    assert decided == expected
    assert True in decided and False in decided
