"""Bad input fails cleanly with messages naming file, row/line, column and reason."""

import json

import pytest
from django.core.exceptions import ValidationError

from parallel.engine.workdir import RunFolder
from parallel.errors import InputError
from parallel.models import (
    AggregateDifference,
    Discrepancy,
    DiscrepancyGroup,
    LEARunSummary,
    RunState,
    Side,
)
from parallel.services.reconcile import run_reconciliation

pytestmark = pytest.mark.django_db


def fails_with(collection) -> list[str]:
    run = collection.new_run()
    with pytest.raises(InputError) as caught:
        run_reconciliation(run=run)
    run.refresh_from_db()
    assert run.state == RunState.FAILED
    assert run.errors == caught.value.problems
    for model in (Discrepancy, DiscrepancyGroup, LEARunSummary, AggregateDifference):
        assert not model.objects.filter(run=run).exists()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'parallel_stg_%%'")
        assert cursor.fetchone()[0] == 0, "staging tables must be dropped"
    return caught.value.problems


def rewrite(path, transform):
    path.write_text(transform(path.read_text(encoding="utf-8")), encoding="utf-8")


def test_unknown_code_and_empty_value_name_row_and_column(make_collection):
    collection = make_collection(students=40, rate=0, upload=False)
    lines = collection.data.legacy.read_text().splitlines()
    parts = lines[3].split(",")
    parts[3] = "XYZ"
    lines[3] = ",".join(parts)
    parts = lines[5].split(",")
    parts[6] = ""
    lines[5] = ",".join(parts)
    collection.data.legacy.write_text("\n".join(lines) + "\n")
    collection.upload_all()

    problems = fails_with(collection)

    assert any(
        "legacy.csv row 3 (line 4), column DISABILITY_CATEGORY: 'XYZ' is not a permitted" in p
        for p in problems
    ), problems
    assert any("row 5 (line 6), column SEX: empty" in p for p in problems), problems


def test_duplicate_keys_and_unknown_lea(make_collection):
    collection = make_collection(students=20, rate=0, upload=False)
    lines = collection.data.legacy.read_text().splitlines()
    lines.append(lines[1])
    lines.append("99999," + lines[2].split(",", 1)[1])
    collection.data.legacy.write_text("\n".join(lines) + "\n")
    collection.upload_all()

    problems = fails_with(collection)

    assert any("duplicate key LEA_ID" in p and "rows 1, 21" in p for p in problems), problems
    assert any("row 22" in p and "'99999' is not an LEA taking part" in p for p in problems)


def test_missing_column_is_rejected_at_upload(make_collection):
    collection = make_collection(students=5, rate=0, upload=False)
    rewrite(collection.data.legacy, lambda t: t.replace(",ENGLISH_LEARNER_STATUS", "", 1))

    with pytest.raises(ValidationError) as caught:
        collection.upload(collection.data.legacy, Side.LEGACY)

    assert "legacy.csv line 1: missing column(s) ENGLISH_LEARNER_STATUS." in caught.value.messages


def test_wrong_encoding_is_rejected(make_collection):
    collection = make_collection(students=5, rate=0, upload=False)
    collection.data.legacy.write_bytes(
        collection.data.legacy.read_bytes() + b"00000,S\xe9\xe9,7,AUT,RC80,WH7,F,LEP\n"
    )
    collection.upload_all()

    problems = fails_with(collection)

    assert problems == [
        "legacy.csv line 7, column STUDENT_ID, character 8: the byte 0xE9 is not UTF-8 text "
        "(save the file as UTF-8)."
    ]


def test_extra_field_in_a_row(make_collection):
    collection = make_collection(students=5, rate=0, upload=False)
    rewrite(collection.data.legacy, lambda t: t + "00000,S1,7,AUT,RC80,WH7,F,LEP,extra\n")
    collection.upload_all()

    problems = fails_with(collection)

    assert problems == [
        "legacy.csv line 7, column 9: the row has 9 values but the header names 8 columns; "
        'quote a value that holds a comma ("a, b").'
    ]


def test_malformed_json_line_is_named(make_collection):
    collection = make_collection(students=10, rate=0, upload=False)
    rewrite(
        collection.data.students,
        lambda t: "\n".join(
            line if i != 3 else line[:-5] for i, line in enumerate(t.splitlines(), 1)
        ),
    )
    collection.upload_all()

    problems = fails_with(collection)

    assert problems[0].startswith("students.jsonl line 3, column "), problems
    assert ": invalid JSON (" in problems[0], problems


def test_missing_member_bad_date_duplicate_and_unresolved_reference(make_collection):
    collection = make_collection(students=10, rate=0, upload=False)
    lines = collection.data.sepa.read_text().splitlines()
    first = json.loads(lines[0])
    del first["beginDate"]
    second = json.loads(lines[1])
    second["endDate"] = "2025-13-40"
    third = json.loads(lines[2])
    third["studentReference"]["studentUniqueId"] = "NOBODY"
    third["specialEducationSettingDescriptor"] = "Inside regular class 80%"
    lines[0], lines[1], lines[2] = json.dumps(first), json.dumps(second), json.dumps(third)
    lines.append(lines[3])
    collection.data.sepa.write_text("\n".join(lines) + "\n")
    collection.upload_all()

    problems = fails_with(collection)

    name = "studentSpecialEducationProgramAssociations.jsonl"
    assert f"{name} line 1: required member beginDate is missing." in problems
    assert f"{name} line 2: endDate is not a date between 1900 and 2099." in problems
    assert any(p.startswith(f"{name} lines 4, 11: duplicate natural key") for p in problems)
    assert f"{name} line 3: studentReference 'NOBODY' does not resolve." in problems
    assert (
        f"{name} line 3: specialEducationSettingDescriptor is not a descriptor URI "
        "(uri://namespace/Descriptor#Code)." in problems
    )


def test_missing_resource_and_changed_file(make_collection):
    collection = make_collection(students=5, rate=0, upload=False)
    collection.upload(collection.data.legacy, Side.LEGACY)
    collection.upload(collection.data.students, Side.EDFI)

    problems = fails_with(collection)
    assert "lacks resource(s): studentEducationOrganizationAssociations" in problems[0]

    collection.upload_all()
    submission = collection.cycle.files.filter(side=Side.LEGACY).first()
    with open(submission.file.path, "ab") as handle:
        handle.write(b"x" * 1000)
    problems = fails_with(collection)
    assert "bytes on disk but" in problems[0] and "declared at upload" in problems[0]


def test_json_array_extract_gives_the_same_result_as_json_lines(make_collection):
    collection = make_collection(students=60, rate=0.2, upload=False)
    path = collection.data.seoa
    records = [json.loads(line) for line in path.read_text().splitlines()]
    array_path = path.with_name("seoa-array.json")
    array_path.write_text(json.dumps(records, indent=2))
    collection.upload(collection.data.legacy, Side.LEGACY)
    collection.upload(collection.data.students, Side.EDFI)
    collection.upload(collection.data.sepa, Side.EDFI)
    collection.upload(array_path, Side.EDFI, resource="studentEducationOrganizationAssociations")
    run = collection.new_run()

    run_reconciliation(run=run)

    found = {(d.kind, d.student_id, d.field) for d in Discrepancy.objects.filter(run=run)}
    assert found == {(k, s, f) for k, _, s, f in collection.data.truth}


def test_truncated_json_array_is_reported(make_collection):
    collection = make_collection(students=5, rate=0, upload=False)
    records = [json.loads(line) for line in collection.data.students.read_text().splitlines()]
    collection.data.students.write_text(json.dumps(records)[:-40])
    collection.upload_all()

    problems = fails_with(collection)

    assert problems[0].startswith("students.jsonl line 1, column "), problems
    assert "(record 5): invalid JSON" in problems[0], problems


def test_file_above_the_size_limit_is_rejected(make_collection, settings):
    settings.PARALLEL_MAX_UPLOAD_BYTES = 100
    collection = make_collection(students=5, rate=0, upload=False)

    with pytest.raises(ValidationError) as caught:
        collection.upload(collection.data.legacy, Side.LEGACY)

    assert "above the limit of 100 bytes" in caught.value.messages[0]


def test_per_lea_legacy_files_are_combined_and_hold_only_their_lea(make_collection, world):
    from django.core.files import File

    from parallel.services.runs import current_files
    from parallel.services.uploads import upload_submission

    collection = make_collection(students=40, rate=0.2, upload=False)
    header, *rows = collection.data.legacy.read_text().splitlines()
    own, other = world.own_lea, world.other_lea
    paths = {}
    for lea in (own, other):
        path = collection.data.directory / f"legacy-{lea.state_lea_id}.csv"
        mine = [r for r in rows if r.startswith(f"{lea.state_lea_id},")]
        path.write_text("\n".join([header, *mine]) + "\n")
        paths[lea] = path
    for lea, path in paths.items():
        with path.open("rb") as handle:
            upload_submission(
                cycle=collection.cycle, user=collection.user, side=Side.LEGACY,
                uploaded=File(handle, name=path.name), lea=lea,
            )  # fmt: skip
    for path in collection.data.edfi_files.values():
        collection.upload(path, Side.EDFI)
    assert len([f for f in current_files(cycle=collection.cycle) if f.side == "legacy"]) == 2
    run = collection.new_run()

    run_reconciliation(run=run)

    found = {(d.kind, d.lea.state_lea_id, d.student_id, d.field)
             for d in Discrepancy.objects.filter(run=run).select_related("lea")}  # fmt: skip
    assert found == collection.data.truth

    # A row of the other LEA in the own LEA's file is named with its file and row.
    stray = next(r for r in rows if r.startswith(f"{other.state_lea_id},"))
    paths[own].write_text(paths[own].read_text() + stray.replace("S0", "X0") + "\n")
    with paths[own].open("rb") as handle:
        upload_submission(
            cycle=collection.cycle, user=collection.user, side=Side.LEGACY,
            uploaded=File(handle, name=paths[own].name), lea=own,
        )  # fmt: skip
    problems = fails_with(collection)
    count = len([r for r in rows if r.startswith(f"{own.state_lea_id},")]) + 1
    assert (
        f"legacy-{own.state_lea_id}.csv row {count} (line {count + 1}), column LEA_ID: "
        f"'{other.state_lea_id}' in a file uploaded for LEA {own.state_lea_id}."
    ) in problems


def test_problems_in_a_clean_looking_file_name_true_lines_despite_blank_lines(make_collection):
    """Arrow counts records, not blank lines: a problem found later is reported exactly."""
    collection = make_collection(students=10, rate=0, upload=False)
    lines = collection.data.sepa.read_text().splitlines()
    lines.insert(2, "")
    lines.append(lines[0])  # a duplicate natural key, each line valid on its own
    collection.data.sepa.write_text("\n".join(lines) + "\n")
    collection.upload_all()

    problems = fails_with(collection)

    name = "studentSpecialEducationProgramAssociations.jsonl"
    assert any(p.startswith(f"{name} lines 1, 12: duplicate natural key") for p in problems), (
        problems
    )


def test_stray_quote_names_the_line_and_column_where_it_opens(make_collection):
    """COPY reads on to the end of the file and names its last line; the quote is on line 5."""
    collection = make_collection(students=300, rate=0, upload=False)
    lines = collection.data.legacy.read_text().splitlines()
    lines[4] = lines[4].replace(",S", ',S"', 1)
    collection.data.legacy.write_text("\n".join(lines) + "\n")
    collection.upload_all()

    problems = fails_with(collection)

    assert problems == [
        'legacy.csv line 5, column STUDENT_ID: a quote (") opens a quoted value that is never '
        "closed; remove the quote, or put the whole value in quotes and double each quote "
        'inside it ("").'
    ]
    assert f"line {len(lines)}" not in problems[0]


def test_lines_after_a_value_with_a_line_break_keep_their_physical_number(make_collection):
    collection = make_collection(students=20, rate=0, upload=False)
    lines = collection.data.legacy.read_text().splitlines()
    parts = lines[2].split(",")
    parts[1] = '"S-with\nbreak ""quoted"""'
    lines[2] = ",".join(parts)  # one record over lines 3 and 4
    lines[7] = lines[7].rsplit(",", 1)[0]  # physical line 9: a value short
    collection.data.legacy.write_text("\n".join(lines) + "\n")
    collection.upload_all()

    problems = fails_with(collection)

    assert problems == [
        "legacy.csv line 9, column ENGLISH_LEARNER_STATUS: missing; the row has 7 values but "
        "the header names 8 columns."
    ]


def test_a_header_that_is_not_utf8_names_its_column(make_collection):
    collection = make_collection(students=5, rate=0, upload=False)
    data = collection.data.legacy.read_bytes()
    collection.data.legacy.write_bytes(data.replace(b"SEX", b"S\xc9X", 1))

    with pytest.raises(ValidationError) as caught:
        collection.upload(collection.data.legacy, Side.LEGACY)

    character = data.index(b"SEX") + 2  # the É of "SÉX"
    assert (
        f"legacy.csv line 1, column 7, character {character}: the byte 0xC9 is not UTF-8 text "
        "(save the file as UTF-8)."
    ) in caught.value.messages


def test_over_long_student_id_is_named_not_a_crash(make_collection):
    collection = make_collection(students=20, rate=0, upload=False)
    lines = collection.data.legacy.read_text().splitlines()
    parts = lines[3].split(",")
    parts[1] = "S" * 80
    lines[3] = ",".join(parts)
    collection.data.legacy.write_text("\n".join(lines) + "\n")
    collection.upload_all()

    problems = fails_with(collection)

    assert problems == [
        "legacy.csv row 3 (line 4), column STUDENT_ID: 80 characters long; at most 60 are allowed."
    ]


@pytest.mark.parametrize("depth", [2000, 100_000])
def test_deeply_nested_json_line_is_named_not_a_crash(make_collection, depth):
    """Arrow's reader recursed per level (100,000 levels killed the process)."""
    collection = make_collection(students=10, rate=0, upload=False)
    lines = collection.data.students.read_text().splitlines()
    lines[2] = lines[2][:-1] + ', "extra": ' + "[" * depth + "]" * depth + "}"
    collection.data.students.write_text("\n".join(lines) + "\n")
    collection.upload_all()

    problems = fails_with(collection)

    column = lines[2].index("[") + 1024 + 1  # orjson stops at 1,024 levels
    assert problems == [
        f"students.jsonl line 3, column {column}: invalid JSON (nested too deeply; an Ed-Fi "
        "record nests only a few levels, so this is not an Ed-Fi extract)."
    ]


def test_deeply_nested_record_in_a_json_array_is_named_not_a_crash(make_collection):
    collection = make_collection(students=5, rate=0, upload=False)
    records = [json.loads(line) for line in collection.data.students.read_text().splitlines()]
    text = json.dumps(records[:2], indent=1)[:-2] + ",\n"
    deep = '{"extra": ' + "[" * 5000 + "]" * 5000 + "}"
    collection.data.students.write_text(text + deep + "\n]")
    collection.upload_all()

    problems = fails_with(collection)

    line = text.count("\n") + 1
    assert problems == [
        f"students.jsonl line {line}, column 1 (record 3): invalid JSON (nested too deeply; "
        "an Ed-Fi record nests only a few levels, so this is not an Ed-Fi extract)."
    ]


def test_json_line_that_is_not_utf8_names_line_and_column(make_collection):
    collection = make_collection(students=5, rate=0, upload=False)
    lines = collection.data.students.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b'"S0', b'"\xe9S0', 1)
    collection.data.students.write_bytes(b"\n".join(lines))
    collection.upload_all()

    problems = fails_with(collection)

    column = lines[1].index(b"\xe9") + 1
    assert problems == [
        f"students.jsonl line 2, column {column}: the byte 0xE9 is not UTF-8 text "
        "(save the file as UTF-8)."
    ]


def test_an_unexpected_failure_still_gives_the_run_a_reason(make_collection, monkeypatch):
    from parallel.services import reconcile

    collection = make_collection(students=5, rate=0)

    def broken(**kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(reconcile, "_write_results", broken)
    run = collection.new_run()
    with pytest.raises(ZeroDivisionError):
        run_reconciliation(run=run)

    run.refresh_from_db()
    assert run.state == RunState.FAILED
    assert run.errors == [
        "The run stopped on an unexpected error (ZeroDivisionError) and stored nothing; run it "
        "again, and tell the SEA team if it fails the same way."
    ]


def test_a_memory_setting_too_low_for_the_files_says_so(make_collection, settings):
    import duckdb

    collection = make_collection(students=50, rate=0)
    settings.PARALLEL_MEMORY_LIMIT = "4MB"
    run = collection.new_run()
    with pytest.raises(duckdb.OutOfMemoryException):
        run_reconciliation(run=run)

    run.refresh_from_db()
    assert run.state == RunState.FAILED
    assert run.errors == [
        "The run needs more memory than PARALLEL_MEMORY_LIMIT (4MB) lets the engine hold for "
        "these files, and stored nothing. Ask the administrator to raise it, then run it again."
    ]
    assert not LEARunSummary.objects.filter(run=run).exists()
    assert not RunFolder.of_run(run.pk).folder.exists()
