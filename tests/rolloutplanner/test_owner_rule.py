"""The ownership rule for writes (``enforce_owner``) with an owner reached through a
many-to-many: the row as saved, its many-to-many included, must be the user's.

No model lets a scoped role write a row owned through a many-to-many today, so these tests
give LEA coordinators add/change/delete on API credentials (owned by their LEAs, a
many-to-many) for their duration; pages and API run the same rule as for every model.
"""

import dataclasses

import pytest
from django.urls import reverse

from rolloutplanner.permissions import OWNER_EDITS
from rolloutplanner.roles import Role
from tests.vendors.factories import APICredentialFactory, ClaimSetFactory
from vendors.models import APICredential


@pytest.fixture
def coordinator(world, monkeypatch):
    policy = dataclasses.replace(APICredential.permission_policy, lea_actions=OWNER_EDITS)
    monkeypatch.setattr(APICredential, "permission_policy", policy)
    return world.users[Role.LEA_COORDINATOR]


def _form(claim_set, leas, key="key-new"):
    return {
        "application_name": "District sync",
        "key": key,
        "leas": [lea.pk for lea in leas],
        "claim_set": claim_set.pk,
        "data_standard": "5.2",
        "school_year": 2027,
        "issued_on": "2026-07-01",
    }


@pytest.mark.django_db
def test_a_page_creates_a_row_whose_many_to_many_owner_is_the_users(client, world, coordinator):
    client.force_login(coordinator)
    claim_set = ClaimSetFactory()

    page = client.post(reverse("vendors:apicredential-add"), _form(claim_set, [world.own_lea]))

    assert page.status_code == 302
    assert list(APICredential.objects.get(key="key-new").leas.all()) == [world.own_lea]


@pytest.mark.django_db
def test_a_page_refuses_a_row_whose_many_to_many_leaves_the_users_lea(client, world, coordinator):
    client.force_login(coordinator)
    claim_set = ClaimSetFactory()

    page = client.post(reverse("vendors:apicredential-add"), _form(claim_set, []))

    assert page.status_code == 403
    assert not APICredential.objects.filter(key="key-new").exists()  # rolled back


@pytest.mark.django_db
def test_a_page_edit_may_not_take_a_row_out_of_the_users_lea(client, world, coordinator):
    client.force_login(coordinator)
    credential = APICredentialFactory(vendor=None, leas=[world.own_lea])
    url = reverse("vendors:apicredential-edit", args=[credential.pk])

    refused = client.post(url, _form(credential.claim_set, [], key=credential.key))
    assert refused.status_code == 403
    assert list(credential.leas.all()) == [world.own_lea]  # the cleared LEAs were rolled back

    kept = client.post(
        url,
        {
            **_form(credential.claim_set, [world.own_lea], key=credential.key),
            "application_name": "Renamed sync",
        },
    )
    assert kept.status_code == 302
    assert APICredential.objects.get(pk=credential.pk).application_name == "Renamed sync"


@pytest.mark.django_db
def test_the_api_checks_many_to_many_owners_once_they_are_set(api_client, world, coordinator):
    api_client.force_authenticate(coordinator)
    claim_set = ClaimSetFactory()
    url = reverse("api:apicredential-list")

    outside = api_client.post(url, _form(claim_set, [world.other_lea]), format="json")
    assert outside.status_code == 403, outside.data
    assert not APICredential.objects.filter(key="key-new").exists()

    nobody = api_client.post(url, _form(claim_set, []), format="json")
    assert nobody.status_code == 403

    # Still the user's when one of its LEAs is theirs (the same rule as for reading it).
    shared = api_client.post(url, _form(claim_set, [world.own_lea, world.other_lea]), format="json")
    assert shared.status_code == 201, shared.data
    credential = APICredential.objects.get(key="key-new")
    assert set(credential.leas.all()) == {world.own_lea, world.other_lea}


@pytest.mark.django_db
def test_an_api_edit_may_not_take_a_row_out_of_the_users_lea(api_client, world, coordinator):
    api_client.force_authenticate(coordinator)
    credential = APICredentialFactory(vendor=None, leas=[world.own_lea])
    url = reverse("api:apicredential-detail", args=[credential.pk])

    moved = api_client.patch(url, {"leas": [world.other_lea.pk]}, format="json")
    assert moved.status_code == 403
    assert list(credential.leas.all()) == [world.own_lea]

    renamed = api_client.patch(url, {"application_name": "Renamed sync"}, format="json")
    assert renamed.status_code == 200, renamed.data
    assert APICredential.objects.get(pk=credential.pk).application_name == "Renamed sync"


@pytest.mark.django_db
def test_without_the_grant_a_coordinator_adds_no_credential(api_client, client, world):
    coordinator = world.users[Role.LEA_COORDINATOR]
    api_client.force_authenticate(coordinator)
    client.force_login(coordinator)
    claim_set = ClaimSetFactory()

    api = api_client.post(
        reverse("api:apicredential-list"), _form(claim_set, [world.own_lea]), format="json"
    )
    page = client.post(reverse("vendors:apicredential-add"), _form(claim_set, [world.own_lea]))

    assert (api.status_code, page.status_code) == (403, 403)
    assert not APICredential.objects.exists()
