"""Descriptor mappings are reviewed as element mappings are: draft → in review → approved."""

import pytest
from django.urls import reverse

from mapping.models import DescriptorMapping
from rolloutplanner.roles import Role
from tests.mapping import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapping():
    return f.DescriptorMappingFactory()


def _transition(api_client, mapping, step):
    return api_client.post(
        reverse("api:descriptormapping-transition", args=[mapping.pk]),
        {"transition": step},
        format="json",
    )


def test_sea_team_submits_and_approves_through_the_api(api_client, world, mapping, sea_reviewer):
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    assert _transition(api_client, mapping, "approve").status_code == 400  # not in review yet
    assert _transition(api_client, mapping, "submit").data["status"] == "in_review"
    api_client.force_authenticate(sea_reviewer)
    approved = _transition(api_client, mapping, "approve")

    assert approved.status_code == 200 and approved.data["status"] == "approved"
    mapping.refresh_from_db()
    assert mapping.approved_by == sea_reviewer and mapping.approved_at
    assert mapping.submitted_by == world.users[Role.SEA_TEAM]
    reasons = [h.history_change_reason for h in mapping.history.order_by("history_date")]
    assert reasons[-2:] == ["submitted for review", "approved"]


def test_an_approved_mapping_refuses_edits_until_a_new_review(api_client, world, mapping):
    DescriptorMapping.objects.filter(pk=mapping.pk).update(status="approved")
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    url = reverse("api:descriptormapping-detail", args=[mapping.pk])

    refused = api_client.patch(url, {"notes": "changed"}, format="json")
    status = api_client.patch(url, {"status": "draft"}, format="json")  # read-only field
    _transition(api_client, mapping, "reopen")
    allowed = api_client.patch(url, {"notes": "changed"}, format="json")

    assert refused.status_code == 400
    assert "approved" in str(refused.data)
    assert status.status_code == 400 or status.data["status"] == "approved"
    assert allowed.status_code == 200
    mapping.refresh_from_db()
    assert mapping.status == "in_review" and mapping.notes == "changed"


def test_an_approved_mapping_refuses_edits_on_the_page(client, world, mapping):
    DescriptorMapping.objects.filter(pk=mapping.pk).update(status="approved")
    client.force_login(world.users[Role.SEA_TEAM])

    response = client.post(
        reverse("mapping:descriptormapping-edit", args=[mapping.pk]),
        {"state_code": mapping.state_code_id, "descriptor_value": mapping.descriptor_value_id,
         "notes": "changed"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "start a new review" in response.content.decode()
    mapping.refresh_from_db()
    assert mapping.notes == ""


def test_the_page_moves_the_review_on(client, world, mapping):
    client.force_login(world.users[Role.SEA_TEAM])
    detail = client.get(mapping.get_absolute_url()).content.decode()

    response = client.post(
        reverse("mapping:descriptormapping-transition", args=[mapping.pk]), {"transition": "submit"}
    )

    assert "Submit for review" in detail
    assert response.status_code == 302
    mapping.refresh_from_db()
    assert mapping.status == "in_review"


@pytest.mark.parametrize("role", [Role.LEADERSHIP, Role.LEA_COORDINATOR, Role.VENDOR_CONTACT])
def test_only_the_sea_team_reviews(api_client, client, world, mapping, role):
    api_client.force_authenticate(world.users[role])
    client.force_login(world.users[role])

    api = _transition(api_client, mapping, "submit")
    page = client.post(
        reverse("mapping:descriptormapping-transition", args=[mapping.pk]), {"transition": "submit"}
    )

    assert api.status_code in (403, 404) and page.status_code in (403, 404)
    mapping.refresh_from_db()
    assert mapping.status == "draft"
