"""Independent staging work on one connection per core: same results as one after another."""

import json

import pytest
from django.db import connection

from parallel import concurrency
from parallel.concurrency import Statement, fetch_all
from parallel.derivations import RESOURCES
from parallel.importers import edfi_arrow
from parallel.importers.edfi_json import stage_resources
from parallel.staging import Staging
from parallel.synthetic import generate
from tests.parallel.conftest import definition_data, shipped_definition

# Other connections only see committed tables: these tests commit, as a worker does.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def two_workers(monkeypatch):
    monkeypatch.setattr(concurrency, "WORKERS", 2)


@pytest.fixture
def staging():
    staging = Staging(876543)
    yield staging
    staging.drop_all()


def test_statements_run_on_their_own_connections_with_the_session_settings_in_order():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own = cursor.fetchone()[0]

    results = fetch_all(
        [Statement("SELECT %s::int, pg_backend_pid(), current_setting('work_mem')", [n])
         for n in range(6)]
    )  # fmt: skip

    assert [rows[0][0] for rows in results] == list(range(6))
    pids = {rows[0][1] for rows in results}
    assert own not in pids and 1 <= len(pids) <= 2
    assert {rows[0][2] for rows in results} == {concurrency.session_settings()["work_mem"]}


def test_chunks_end_at_line_ends_and_cover_the_file(tmp_path):
    path = tmp_path / "x.jsonl"
    lines = [json.dumps({"n": n, "pad": "x" * (n % 37)}) + "\n" for n in range(500)]
    path.write_text("".join(lines))
    data = path.read_bytes()

    spans = edfi_arrow.chunks_of(path, size=1000)

    assert spans[0][0] == 0 and spans[-1][1] == len(data) and len(spans) > 10
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert all(data[end - 1 : end] == b"\n" for _, end in spans)


def _rows(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}"')
        return sorted((row[1:] for row in cursor.fetchall()), key=repr)


def _files(data) -> list:
    return [(path, path.name, RESOURCES[endpoint]) for endpoint, path in data.edfi_files.items()]


def test_files_staged_in_chunks_by_every_core_equal_the_exact_path(tmp_path, staging, monkeypatch):
    monkeypatch.setattr(edfi_arrow, "CHUNK_BYTES", 20_000)  # dozens of chunks per file
    definition = shipped_definition()
    data = generate(
        directory=tmp_path, definition=definition_data(definition), students=400, rate=0.1
    )
    seen = []

    fast = stage_resources(files=_files(data), staging=staging, on_progress=seen.append)
    fast_rows = {table: _rows(flat) for table, (flat, _) in fast.items()}
    exact = stage_resources(files=_files(data), staging=staging, exact=True)

    assert {exact_lines for _, exact_lines in fast.values()} == {False}
    assert {exact_lines for _, exact_lines in exact.values()} == {True}
    assert fast_rows == {table: _rows(flat) for table, (flat, _) in exact.items()}
    assert len(seen) > 20 and seen[-1] == 1.0 and seen == sorted(seen)


def test_a_bad_record_in_a_late_chunk_sends_the_file_record_by_record(
    tmp_path, staging, monkeypatch
):
    monkeypatch.setattr(edfi_arrow, "CHUNK_BYTES", 20_000)
    definition = shipped_definition()
    data = generate(
        directory=tmp_path, definition=definition_data(definition), students=400, rate=0
    )
    lines = data.seoa.read_text().splitlines()
    bad = json.loads(lines[-3])
    bad["sexDescriptor"] = "Female"  # not a descriptor URI
    lines[-3] = json.dumps(bad)
    data.seoa.write_text("\n".join(lines) + "\n")

    staged = stage_resources(files=_files(data), staging=staging)

    flat, exact_lines = staged["seoa"]
    assert exact_lines is True  # the fallback: exact line numbers, the problem flagged
    assert staged["students"][1] is False and staged["sepa"][1] is False
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*), max(line_no) FROM "{flat}" WHERE problems <> 0')
        assert cursor.fetchone() == (1, len(lines) - 2)
        cursor.execute(f'SELECT count(*) FROM "{flat}"')
        assert cursor.fetchone()[0] == len(lines)  # no rows left over from the chunks
