"""Pulling the Ed-Fi side from an Ed-Fi API (a local server following the contract)."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from parallel.edfi_client import EdFiApiError
from parallel.models import ContractState, Discrepancy, EdFiConnection, EdFiPull, Side
from parallel.services.contract_checks import CHECK_JOB_KIND
from parallel.services.pulls import client_for, pull_cycle, save_connection
from parallel.services.reconcile import run_reconciliation
from rolloutplanner.models import Job
from rolloutplanner.roles import Role
from tests.parallel.edfi_server import CLIENT_ID, CLIENT_SECRET, FakeEdFiApi, running

pytestmark = pytest.mark.django_db


def _records(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def api_and_collection(make_collection):
    collection = make_collection(students=120, rate=0.1, upload=False)
    collection.upload(collection.data.legacy, Side.LEGACY)
    api = FakeEdFiApi(
        resources={name: _records(path) for name, path in collection.data.edfi_files.items()}
    )
    return api, collection


def _connection(collection, base, page_size=50):
    connection = EdFiConnection(
        cycle=collection.cycle,
        name="State ODS",
        base_url=f"{base}/data/v3",
        token_url=f"{base}/oauth/token",
        client_id=CLIENT_ID,
        page_size=page_size,
    )
    return save_connection(connection=connection, secret=CLIENT_SECRET)


def _client(connection):
    return client_for(connection, timeout=0.5, retries=2, backoff=0, sleep=lambda s: None)


def test_pulled_snapshot_reconciles_like_an_upload(api_and_collection):
    api, collection = api_and_collection
    with running(api) as base:
        connection = _connection(collection, base)
        files = pull_cycle(connection=connection, client=_client(connection))

    assert {f.resource for f in files} == set(collection.data.edfi_files)
    for submission in files:
        assert _records(Path(submission.file.path)) == api.resources[submission.resource]
        # A pulled file is checked against the contract as an uploaded one is.
        assert submission.contract_state == ContractState.QUEUED
        assert Job.objects.filter(kind=CHECK_JOB_KIND, parameters__file_id=submission.pk).exists()
    offsets = [o for r, o in api.requests if r == "students"]
    assert offsets == [0, 50, 100]
    run = collection.new_run()
    run_reconciliation(run=run)
    found = {
        (d.kind, d.lea.state_lea_id, d.student_id, d.field)
        for d in Discrepancy.objects.filter(run=run).select_related("lea")
    }
    assert found == collection.data.truth


def test_expired_token_is_renewed_and_failed_or_slow_pages_are_retried(api_and_collection):
    api, collection = api_and_collection
    api.expire_token_at = {2}
    api.fail_at = {4}
    api.slow_at = {6: 1.0}
    with running(api) as base:
        connection = _connection(collection, base)
        files = pull_cycle(connection=connection, client=_client(connection))

    assert api.token_requests == 2
    students = next(f for f in files if f.resource == "students")
    assert len(_records(Path(students.file.path))) == 120


def test_persistent_failure_stops_cleanly_and_the_next_pull_resumes(api_and_collection):
    api, collection = api_and_collection
    api.always_fail_from_offset = 100
    with running(api) as base:
        connection = _connection(collection, base)
        with pytest.raises(EdFiApiError) as caught:
            pull_cycle(connection=connection, client=_client(connection))
        pull = EdFiPull.objects.get()
        assert pull.next_offset == 100 and pull.completed_at is None
        assert "500" in str(caught.value) and "offset=100" in str(caught.value)
        assert "Pulled 100 so far; pull again to resume." in pull.error

        api.always_fail_from_offset = None
        api.requests.clear()
        files = pull_cycle(connection=connection, client=_client(connection))

    assert api.requests[0] == ("students", 100)  # resumed from the cursor
    students = next(f for f in files if f.resource == "students")
    pulled = _records(Path(students.file.path))
    assert pulled == api.resources["students"]  # nothing lost, nothing twice


def test_wrong_credentials_are_reported(api_and_collection):
    api, collection = api_and_collection
    with running(api) as base:
        connection = _connection(collection, base)
        connection.set_secret("wrong")
        with pytest.raises(EdFiApiError, match="401"):
            pull_cycle(connection=connection, client=_client(connection))


def test_secret_is_encrypted_at_rest_and_never_shown(client, world, api_and_collection):
    _, collection = api_and_collection
    connection = _connection(collection, "http://127.0.0.1:9")
    from django.db import connection as db

    with db.cursor() as cursor:
        cursor.execute("SELECT client_secret_encrypted FROM parallel_edficonnection")
        stored = cursor.fetchone()[0]
    assert CLIENT_SECRET not in stored and connection.secret() == CLIENT_SECRET
    client.force_login(world.users[Role.SEA_TEAM])
    for url in [
        connection.get_absolute_url(),
        reverse("parallel:edficonnection-edit", args=[connection.pk]),
        reverse("parallel:edficonnection-history", args=[connection.pk]),
    ]:
        html = client.get(url).content.decode()
        assert CLIENT_SECRET not in html and stored not in html


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.SEA_TEAM, 200), (Role.ADMINISTRATOR, 200), (Role.LEADERSHIP, 404),
     (Role.LEA_COORDINATOR, 404), (Role.VENDOR_CONTACT, 404)],
)  # fmt: skip
def test_connections_are_for_the_sea_team(client, world, api_and_collection, role, status):
    _, collection = api_and_collection
    connection = _connection(collection, "http://127.0.0.1:9")
    client.force_login(world.users[role])

    assert client.get(connection.get_absolute_url()).status_code == status
    pull = client.post(reverse("parallel:edficonnection-pull", args=[connection.pk]))
    # Leadership's writes are refused by the read-only role rule before any object is looked up.
    refused = 403 if role == Role.LEADERSHIP else 404
    assert pull.status_code == (302 if status == 200 else refused)
