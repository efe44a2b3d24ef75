"""An uploaded Ed-Fi file is checked against the Ed-Fi API contract once, in the worker; a run
reads a file that passed parsing only what its report reads, and still makes the report's own
checks."""

import json

import duckdb
import pytest
from django.urls import reverse
from django.utils import timezone

from parallel import contract
from parallel.engine import edfi, parsed, vocabulary
from parallel.engine.workdir import RunFolder
from parallel.errors import InputError
from parallel.models import ContractState, Discrepancy, RunState, Side, SubmissionFile
from parallel.services.contract_checks import (
    CHECK_JOB_KIND,
    check_contract,
    contract_kept,
    end_contract_check,
)
from parallel.services.reconcile import run_reconciliation
from parallel.services.runs import start_reconciliation
from parallel.tasks import recheck_outdated_edfi_files
from rolloutplanner.models import Job
from tests.parallel.test_contract import SEPA, sepa
from tests.support.celery_worker import wait_for


def _edfi_files(collection):
    return list(SubmissionFile.objects.filter(cycle=collection.cycle, side=Side.EDFI))


def _found(run) -> set:
    return {
        (d.kind, d.lea.state_lea_id, d.student_id, d.field)
        for d in Discrepancy.objects.filter(run=run).select_related("lea")
    }


def test_the_check_names_contract_breaches_and_duplicate_keys_with_their_lines(tmp_path):
    path = tmp_path / "sepa.jsonl"
    records = [sepa(), sepa(studentReference={"studentUniqueId": "S2"}, ideaEligibility="yes"),
               sepa()]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in records))

    with duckdb.connect() as con:
        problems = edfi.contract_problems(con, path=path, name="sepa.jsonl", endpoint=SEPA)

    assert problems[0] == "sepa.jsonl line 2: ideaEligibility is not a boolean."
    assert problems[1].startswith("sepa.jsonl lines 1, 3: duplicate natural key")
    assert len(problems) == 2


@pytest.mark.django_db
def test_an_uploaded_edfi_file_is_queued_for_its_check_and_a_legacy_file_is_not(make_collection):
    collection = make_collection(students=20, rate=0)

    files = _edfi_files(collection)
    assert files and all(f.contract_state == ContractState.QUEUED for f in files)
    jobs = Job.objects.filter(kind=CHECK_JOB_KIND)
    assert sorted(j.parameters["file_id"] for j in jobs) == sorted(f.pk for f in files)
    legacy = SubmissionFile.objects.get(cycle=collection.cycle, side=Side.LEGACY)
    assert legacy.contract_check == {}


@pytest.mark.django_db
def test_a_run_over_checked_files_finds_what_it_finds_over_unchecked_ones(make_collection):
    collection = make_collection(students=200, rate=0.1)
    unchecked = collection.new_run()
    run_reconciliation(run=unchecked)

    for submission in _edfi_files(collection):
        assert check_contract(submission=submission)["state"] == ContractState.KEPT
        assert contract_kept(submission)
    checked = collection.new_run()
    run_reconciliation(run=checked)

    unchecked.refresh_from_db()
    checked.refresh_from_db()
    assert unchecked.timings["edfi_files_checked_at_upload"] == 0
    assert checked.timings["edfi_files_checked_at_upload"] == len(_edfi_files(collection))
    assert _found(checked) == _found(unchecked) == collection.data.truth
    assert checked.totals == unchecked.totals


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("separator", "line"), [("\n", 3), ("\n\n", 5)], ids=["one per line", "blank lines"]
)
def test_a_descriptor_that_is_not_a_uri_breaks_the_file_at_upload_and_a_run_names_it(
    make_collection, separator, line
):
    """The Ed-Fi API refuses a descriptor that is not a URI, whichever report reads it."""
    collection = make_collection(students=20, rate=0, upload=False)
    lines = collection.data.sepa.read_text().splitlines()
    third = json.loads(lines[2])
    third["specialEducationSettingDescriptor"] = "Inside regular class 80%"
    lines[2] = json.dumps(third)
    collection.data.sepa.write_text(separator.join(lines) + "\n")
    collection.upload_all()
    problem = (
        f"studentSpecialEducationProgramAssociations.jsonl line {line}: "
        "specialEducationSettingDescriptor is not a descriptor URI "
        "(uri://namespace/Descriptor#Code)."
    )
    sepa_file = SubmissionFile.objects.get(cycle=collection.cycle, resource=SEPA)

    found = check_contract(submission=sepa_file)

    assert found["state"] == ContractState.BROKEN and found["problems"] == [problem]
    run = collection.new_run()
    with pytest.raises(InputError) as caught:
        run_reconciliation(run=run)
    assert caught.value.problems == [problem]


@pytest.mark.django_db
def test_a_run_over_a_checked_file_checks_the_descriptors_the_upload_did_not(
    make_collection, monkeypatch
):
    """A descriptor the check at upload did not look at (none of the shipped reports reads
    one) is still found a URI or not by the run that reads it, on the right line."""
    collection = make_collection(students=20, rate=0, upload=False)
    lines = collection.data.sepa.read_text().splitlines()
    third = json.loads(lines[2])
    third["specialEducationSettingDescriptor"] = "Inside regular class 80%"
    lines[2] = json.dumps(third)
    collection.data.sepa.write_text("\n".join(lines) + "\n")
    collection.upload_all()
    unchecked = "specialEducationSettingDescriptor"
    only_others = [p for p in edfi.checked_descriptor_paths(SEPA) if p != unchecked]
    monkeypatch.setattr(edfi, "checked_descriptor_paths", lambda endpoint: only_others)
    sepa_file = SubmissionFile.objects.get(cycle=collection.cycle, resource=SEPA)
    assert check_contract(submission=sepa_file)["state"] == ContractState.KEPT
    run = collection.new_run()

    with pytest.raises(InputError) as caught:
        run_reconciliation(run=run)

    assert caught.value.problems == [
        "studentSpecialEducationProgramAssociations.jsonl line 3: "
        "specialEducationSettingDescriptor is not a descriptor URI "
        "(uri://namespace/Descriptor#Code)."
    ]
    run.refresh_from_db()
    assert run.state == RunState.FAILED and run.timings["edfi_files_checked_at_upload"] == 1


@pytest.mark.django_db
def test_a_broken_file_is_shown_with_its_problems_and_a_run_names_them_too(client, make_collection):
    collection = make_collection(students=20, rate=0, upload=False)
    lines = collection.data.sepa.read_text().splitlines()
    second = json.loads(lines[1])
    del second["beginDate"]
    lines[1] = json.dumps(second)
    collection.data.sepa.write_text("\n".join(lines) + "\n")
    collection.upload_all()
    sepa_file = SubmissionFile.objects.get(cycle=collection.cycle, resource=SEPA)
    problem = "studentSpecialEducationProgramAssociations.jsonl line 2: required member beginDate "
    problem += "is missing."

    found = check_contract(submission=sepa_file)

    assert found["state"] == ContractState.BROKEN and found["problems"] == [problem]
    assert not contract_kept(sepa_file)
    client.force_login(collection.user)
    page = client.get(collection.cycle.get_absolute_url()).content.decode()
    assert "Breaks the Ed-Fi API contract" in page and problem in page
    api = client.get(reverse("api:collectioncycle-files", args=[collection.cycle.pk])).json()
    by_name = {f["original_name"]: f for f in api}
    assert by_name[sepa_file.original_name]["contract_check"]["problems"] == [problem]
    run = collection.new_run()
    with pytest.raises(InputError) as caught:
        run_reconciliation(run=run)
    assert problem in caught.value.problems


@pytest.mark.django_db
def test_a_check_under_another_contract_no_longer_holds(make_collection, monkeypatch):
    collection = make_collection(students=20, rate=0)
    submission = _edfi_files(collection)[0]
    check_contract(submission=submission)
    assert contract_kept(submission)

    monkeypatch.setattr(edfi, "contract_version", lambda endpoint: "a newer contract")

    assert not contract_kept(submission)


def _checked_the_first_two_under_an_older_contract(collection) -> list[SubmissionFile]:
    """The collection's Ed-Fi files, checked; the first two as if under an older contract, and
    the checks queued at upload forgotten."""
    files = _edfi_files(collection)
    for submission in files:
        check_contract(submission=submission)
    for submission in files[:2]:
        check = {**submission.contract_check, "version": "an older contract"}
        SubmissionFile.objects.filter(pk=submission.pk).update(contract_check=check)
    Job.objects.filter(kind=CHECK_JOB_KIND).delete()
    return files


@pytest.mark.django_db
def test_a_run_queues_a_new_check_of_the_files_checked_under_another_contract(make_collection):
    collection = make_collection(students=20, rate=0)
    files = _checked_the_first_two_under_an_older_contract(collection)
    outdated, broken_long_ago = files[0], files[1]
    SubmissionFile.objects.filter(pk=broken_long_ago.pk).update(
        contract_check={
            **broken_long_ago.contract_check,
            "version": "an older contract",
            "state": ContractState.BROKEN,
            "problems": ["line 1: …"],
        }
    )

    run = start_reconciliation(cycle=collection.cycle, user=collection.user)

    queued = Job.objects.filter(kind=CHECK_JOB_KIND)
    assert sorted(j.parameters["file_id"] for j in queued) == sorted(
        [outdated.pk, broken_long_ago.pk]
    )
    assert all(j.pk > run.job.pk for j in queued)  # the run is not kept waiting
    states = dict(SubmissionFile.objects.filter(side=Side.EDFI).values_list("pk", "contract_check"))
    assert (
        states[outdated.pk]["state"] == states[broken_long_ago.pk]["state"] == ContractState.QUEUED
    )
    assert all(states[f.pk]["state"] == ContractState.KEPT for f in files[2:])


@pytest.mark.django_db
def test_the_nightly_task_queues_a_new_check_of_every_outdated_file_once(make_collection):
    collection = make_collection(students=20, rate=0)
    outdated, purged, current = _checked_the_first_two_under_an_older_contract(collection)
    SubmissionFile.objects.filter(pk=purged.pk).update(purged_at=timezone.now(), file="")

    assert recheck_outdated_edfi_files() == 1
    # Queued, not finished: the next night does not queue it twice.
    assert recheck_outdated_edfi_files() == 0

    queued = Job.objects.filter(kind=CHECK_JOB_KIND)
    assert [j.parameters["file_id"] for j in queued] == [outdated.pk]
    states = dict(SubmissionFile.objects.filter(side=Side.EDFI).values_list("pk", "contract_check"))
    assert states[outdated.pk]["state"] == ContractState.QUEUED
    assert states[purged.pk]["version"] == "an older contract"  # no file left to check
    assert states[current.pk]["state"] == ContractState.KEPT


def test_the_beat_runs_the_recheck_nightly_after_the_purge(settings):
    from celery import current_app

    recheck = settings.CELERY_BEAT_SCHEDULE["parallel-recheck-outdated-edfi-files"]
    purge = settings.CELERY_BEAT_SCHEDULE["parallel-purge-student-data"]
    assert recheck["task"] in current_app.tasks
    assert recheck["schedule"].hour == {3} and purge["schedule"].hour == {2}


@pytest.mark.django_db
def test_a_check_whose_job_failed_leaves_the_file_unchecked_and_no_spill_folder(
    make_collection,
):
    collection = make_collection(students=20, rate=0)
    submission = _edfi_files(collection)[0]
    folder = RunFolder.of_file_check(submission.pk).create()

    end_contract_check(file_id=submission.pk)

    submission.refresh_from_db()
    assert submission.contract_state == ContractState.NOT_CHECKED
    assert not folder.exists()


@pytest.mark.celery_worker
def test_the_worker_checks_each_uploaded_edfi_file(celery_worker, make_collection):
    collection = make_collection(students=50, rate=0)

    def all_checked():
        files = _edfi_files(collection)
        return all(f.contract_state == ContractState.KEPT for f in files) and files

    assert wait_for(all_checked, message=f"not checked:\n{celery_worker.log()}")


_SEPA_PATHS = [
    "beginDate", "disabilities[].disabilityDescriptor", "disabilities[].orderOfDisability",
    "educationOrganizationReference.educationOrganizationId", "endDate",
    "programReference.programName", "specialEducationSettingDescriptor",
    "studentReference.studentUniqueId",
]  # fmt: skip


@pytest.mark.parametrize("layout", ["lines", "array"])
def test_a_file_read_as_checked_gives_the_columns_the_full_read_gives(tmp_path, layout):
    path = tmp_path / "sepa.json"
    records = [
        sepa(),
        sepa(studentReference={"studentUniqueId": "S2"}, endDate="2025-06-01",
             disabilities=[{"disabilityDescriptor": "uri://x.org/DisabilityDescriptor#B",
                            "orderOfDisability": 2},
                           {"disabilityDescriptor": "uri://x.org/DisabilityDescriptor#A",
                            "orderOfDisability": 1, "disabilityDiagnosis": "d"}]),
        sepa(studentReference={"studentUniqueId": "S3"}, disabilities=[]),
        sepa(studentReference={"studentUniqueId": "S4"}, endDate=None),
    ]  # fmt: skip
    if layout == "lines":
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
    else:
        path.write_text(json.dumps(records, indent=2))
    paths, tables, problems = _read_three_ways(path, SEPA, _SEPA_PATHS)

    assert problems == [[], [], []]
    assert tables[0] == tables[1] == tables[2] and len(tables[0]) == 4
    assert tables[0][1][paths.index("disabilities[].orderOfDisability")] == ["2", "1"]


def _read_three_ways(path, endpoint: str, paths: list[str]) -> tuple[list[str], list, list]:
    """The columns (their paths, then each read's rows) and the problems found when a file is
    read in full, read as checked line by line, and read as checked by DuckDB's JSON reader."""
    tables, problems = [], []
    with duckdb.connect() as con:
        assert edfi.one_record_per_line(con, path)
        for kept, whole in [(False, False), (True, False), (True, True)]:
            item = edfi.load(con, path=path, name=path.name, endpoint=endpoint, paths=paths,
                             kept_contract=kept, one_record_per_line=whole)  # fmt: skip
            columns = ", ".join(f'"{p}"' for p in item.paths)
            tables.append(
                con.execute(f"SELECT {columns} FROM {item.table} ORDER BY rowid").fetchall()
            )
            problems.append(edfi.problems(con, {endpoint: item}, {}))
    return list(item.paths), tables, problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}\n{"a": 2}\n', True),
        ('{"a": 1}\n{"a": 2}', True),
        ('{"a": 1}\n\n{"a": 2}\n', False),
        ('\ufeff{"a": 1}\n{"a": 2}\n', False),
        ('{"a": 1}\n  {"a": 2}\n', False),
    ],
)
def test_a_file_has_one_record_per_line_only_without_blank_lines_or_leading_bytes(
    tmp_path, text, expected
):
    path = tmp_path / "records.jsonl"
    path.write_text(text, encoding="utf-8")
    with duckdb.connect() as con:
        assert edfi.one_record_per_line(con, path) is expected


@pytest.mark.parametrize("endpoint", sorted(vocabulary.RESOURCES))
def test_a_narrowed_contract_holds_only_the_members_on_the_paths(endpoint):
    spec = contract.spec_of(endpoint)
    paths = [
        vocabulary.segments(p)
        for p in vocabulary.RESOURCES[endpoint].key
        if parsed.readable(spec, vocabulary.segments(p))
    ]
    narrow = parsed.narrowed(spec, paths)

    assert set(narrow["properties"]) == {p[0] for p in paths}
    for segments in paths:
        assert parsed.readable(narrow, segments)
    with pytest.raises(KeyError):
        parsed.narrowed(spec, [["noSuchMember"]])


def _leaf_paths(spec: dict, prefix: str = "") -> list[str]:
    """Every scalar member path of a contract (``vocabulary.segments`` spelling)."""
    found = []
    for name, member in spec.get("properties", {}).items():
        items = member.get("items", {})
        if member.get("properties"):
            found += _leaf_paths(member, f"{prefix}{name}.")
        elif member.get("type") == "array" and items.get("properties"):
            found += _leaf_paths(items, f"{prefix}{name}[].")
        elif member.get("type") == "array":
            found.append(f"{prefix}{name}[]")
        else:
            found.append(f"{prefix}{name}")
    return found


def _value(name: str, spec: dict, number: int):
    """A scalar of the member's type, with what a text reading could get wrong."""
    kind = spec.get("type")
    if kind == "integer":
        return [12, -3, 0][number % 3]
    if kind == "number":
        return [12.5, 1e2, 0.125][number % 3]
    if kind == "boolean":
        return number % 2 == 0
    if name.endswith("Descriptor"):
        return f"uri://ed-fi.org/{name[0].upper()}{name[1:]}#Zoë {number}"
    if spec.get("format") == "date":
        return f"2024-09-0{number % 9 + 1}"
    return ['Zoë "q" \\ back\tslash', "S2", "línea\nnueva"][number % 3]


def _record_of(spec: dict, number: int) -> dict:
    record = {}
    for name, member in spec.get("properties", {}).items():
        items = member.get("items", {})
        if member.get("properties"):
            record[name] = _record_of(member, number)
        elif member.get("type") == "array" and items.get("properties"):
            record[name] = [_record_of(items, number + i) for i in range(number % 3)]
        elif member.get("type") == "array":
            record[name] = [_value(name, items, number + i) for i in range(2)]
        else:
            record[name] = None if number == 3 else _value(name, member, number)
    return record


@pytest.mark.parametrize("endpoint", sorted(vocabulary.RESOURCES))
def test_every_member_a_checked_file_reads_is_the_text_the_full_read_gives(tmp_path, endpoint):
    """Numbers, booleans, escapes, accents and nulls come out of DuckDB's JSON reader (a
    checked file read whole) as the same text as the line-by-line reads give."""
    spec = contract.spec_of(endpoint)
    paths = _leaf_paths(spec)
    records = [_record_of(spec, n) for n in range(6)]
    for number, record in enumerate(records):  # distinct natural keys
        record.setdefault("studentUniqueId", f"S{number}")
        if "studentReference" in record:
            record["studentReference"]["studentUniqueId"] = f"S{number}"
    path = tmp_path / f"{endpoint}.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=number % 2 == 0) + "\n"
                            for number, r in enumerate(records)))  # fmt: skip
    read, tables, _ = _read_three_ways(path, endpoint, paths)

    assert tables[0] == tables[1] == tables[2]
    assert len(tables[0]) == 6 and len(paths) > 5
    row = dict(zip(read, tables[0][0], strict=True))
    assert any(v == 'Zoë "q" \\ back\tslash' for v in row.values())


@pytest.mark.parametrize(
    "segments",
    [["a"], ["a", "z"], ["b", "[]"], ["b", "[]", "z"], ["c", "d", "e"], ["c"]],
    ids=["scalar", "into a scalar", "scalar list", "into scalar items", "open object", "whole"],
)
def test_a_path_reads_the_same_from_typed_records_as_from_raw_json(tmp_path, segments):
    spec = {
        "type": "object",
        "properties": {
            "a": {"type": "string"},
            "b": {"type": "array", "items": {"type": "string"}},
            "c": {"type": "object"},
        },
    }
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps({"a": "x", "b": ["p", "q"], "c": {"d": {"e": 5}}}) + "\n")
    typed = parsed.path_sql(spec, "r", segments, typed=True)
    raw = parsed.path_sql(spec, "r", segments)
    with duckdb.connect() as con:
        from_typed = con.execute(
            f"SELECT {typed} FROM read_json('{path}', format='newline_delimited', "
            f"records=false, columns={{'r': {parsed.constant(parsed.record_type(spec))}}})"
        ).fetchall()
        from_raw = con.execute(
            f"SELECT {raw} FROM (SELECT from_json(j, {parsed.structure(spec)}) AS r FROM "
            f"read_csv('{path}', columns={{'j': 'VARCHAR'}}, header=false, delim=chr(1), "
            "quote='', escape=''))"
        ).fetchall()

    assert from_typed == from_raw
