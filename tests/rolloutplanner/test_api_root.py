"""``/api/v1/`` lists every collection endpoint, for signed-in clients only."""

from django.urls import reverse

from rolloutplanner.roles import Role


def test_api_root_lists_every_collection_endpoint(api_client, world):
    api_client.force_authenticate(world.users[Role.LEA_COORDINATOR])

    response = api_client.get("/api/v1/")

    assert response.status_code == 200
    body = response.json()
    assert body["leas"].endswith(reverse("api:lea-list"))
    assert body["credential-incidents"].endswith(reverse("api:credentialincident-list"))
    assert body["parallel/runs"].endswith(reverse("api:reconciliationrun-list"))
    assert body["jobs"].endswith(reverse("api:job-list"))
    assert all(api_client.get(url).status_code == 200 for url in body.values())


def test_api_root_is_not_shown_to_anonymous_clients(api_client, db):
    assert api_client.get("/api/v1/").status_code in (401, 403)
