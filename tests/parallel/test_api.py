"""API surface of the parallel-year app beyond the permission tables."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from parallel.models import ReconciliationRun
from rolloutplanner.roles import Role

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_valid_without_warnings():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "/api/v1/parallel/groups/{id}/" in out.getvalue()


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.SEA_TEAM, 202), (Role.ADMINISTRATOR, 202), (Role.LEADERSHIP, 403),
     (Role.LEA_COORDINATOR, 403), (Role.VENDOR_CONTACT, 403)],
)  # fmt: skip
def test_reconcile_action_is_for_the_sea_team(api_client, world, make_collection, role, status):
    collection = make_collection(students=5, rate=0)
    api_client.force_authenticate(world.users[role])

    response = api_client.post(reverse("api:collectioncycle-reconcile", args=[collection.cycle.pk]))

    assert response.status_code == status
    assert ReconciliationRun.objects.exists() is (status == 202)
    if status == 202:
        assert response.data["number"] == 1 and response.data["state"] == "queued"


def test_reconcile_without_files_is_a_clear_400(api_client, world):
    from tests.parallel.factories import CollectionCycleFactory

    cycle = CollectionCycleFactory()
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    response = api_client.post(reverse("api:collectioncycle-reconcile", args=[cycle.pk]))

    assert response.status_code == 400
    assert response.data["error"]["fields"]["non_field_errors"] == ["Upload the legacy file first."]


def test_definition_with_unknown_category_field_is_rejected(api_client, world):
    from tests.parallel.factories import shipped_definition

    definition = shipped_definition()
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    response = api_client.patch(
        reverse("api:reportdefinition-detail", args=[definition.pk]),
        {"category_sets": [{"code": "X", "name": "X", "fields": ["shoe_size"]}]},
        format="json",
    )

    assert response.status_code == 400
    assert "unknown ['shoe_size']" in str(response.data)


@pytest.mark.parametrize(
    ("field", "message"),
    [("columns", "Give a JSON list."), ("record_key", "Give a JSON list."),
     ("compared_fields", "Give a JSON list."), ("category_sets", "Give a JSON list."),
     ("crosswalk", "Give a JSON list."), ("population", "Give a JSON object.")],
)  # fmt: skip
def test_multipart_definition_with_a_null_field_is_a_400_naming_it(
    api_client, world, field, message
):
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    payload = {"code": "fs999", "name": "Test", "derivation": "enrolment", field: "null"}

    response = api_client.post(reverse("api:reportdefinition-list"), payload, format="multipart")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {field: [message]}


def _upload(api_client, cycle, path, **fields):
    with path.open("rb") as handle:
        return api_client.post(
            reverse("api:collectioncycle-files", args=[cycle.pk]),
            {"file": handle, **fields},
            format="multipart",
        )


def test_sea_team_uploads_both_sides_through_the_api_and_starts_a_run(
    api_client, world, make_collection
):
    collection = make_collection(students=20, rate=0, upload=False)
    cycle = collection.cycle
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    legacy = _upload(api_client, cycle, collection.data.legacy, side="legacy")
    edfi = [
        _upload(api_client, cycle, path, side="edfi")  # the resource is guessed from the name
        for path in collection.data.edfi_files.values()
    ]

    assert legacy.status_code == 201, legacy.data
    assert legacy.data["original_name"] == "legacy.csv" and legacy.data["size"] > 0
    assert [r.status_code for r in edfi] == [201, 201, 201]
    assert {r.data["resource"] for r in edfi} == set(collection.data.edfi_files)
    listed = api_client.get(reverse("api:collectioncycle-files", args=[cycle.pk]))
    assert [f["id"] for f in listed.data] == [legacy.data["id"], *(r.data["id"] for r in edfi)]
    started = api_client.post(reverse("api:collectioncycle-reconcile", args=[cycle.pk]))
    assert started.status_code == 202


def test_api_upload_with_a_wrong_layout_is_a_400_naming_the_column(
    api_client, world, make_collection, tmp_path
):
    collection = make_collection(students=5, rate=0, upload=False)
    bad = tmp_path / "fall.csv"
    bad.write_text("LEA_ID,STUDENT,AGE\n1,2,3\n")
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    response = _upload(api_client, collection.cycle, bad, side="legacy")

    assert response.status_code == 400
    messages = response.data["error"]["fields"]["file"]
    # An extra column is ignored (listed on the run); the layout's missing ones are named.
    assert any("fall.csv line 1: missing column(s) STUDENT_ID" in m for m in messages), messages
    assert not collection.cycle.files.exists()


@pytest.mark.parametrize("role", [Role.LEADERSHIP, Role.LEA_COORDINATOR, Role.VENDOR_CONTACT])
def test_only_the_sea_team_uploads_through_the_api(api_client, world, make_collection, role):
    collection = make_collection(students=5, rate=0, upload=False)
    api_client.force_authenticate(world.users[role])

    response = _upload(api_client, collection.cycle, collection.data.legacy, side="legacy")

    assert response.status_code in (403, 404)
    assert not collection.cycle.files.exists()


def test_file_list_shows_leadership_no_student_level_files(api_client, world, make_collection):
    collection = make_collection(students=5, rate=0)
    api_client.force_authenticate(world.users[Role.LEADERSHIP])

    response = api_client.get(reverse("api:collectioncycle-files", args=[collection.cycle.pk]))

    assert response.status_code == 200 and response.data == []


def test_a_per_lea_file_for_an_lea_outside_the_cycle_is_refused(api_client, world, make_collection):
    from tests.leas.factories import LEAFactory

    collection = make_collection(students=5, rate=0, upload=False)
    outsider = LEAFactory()
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    response = _upload(
        api_client, collection.cycle, collection.data.legacy, side="legacy", lea=outsider.pk
    )

    assert response.status_code == 400
    assert "does not take part" in str(response.data["error"]["fields"]["lea"])
    assert not collection.cycle.files.exists()
