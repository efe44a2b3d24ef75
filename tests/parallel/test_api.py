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
