"""API rate limits: anonymous callers (refused tokens included), sessions and tokens."""

import pytest
from django.urls import reverse

from rolloutplanner.roles import Role
from rolloutplanner.services import create_api_token
from tests.factories import make_user


@pytest.fixture
def rates(settings):
    """Lower every rate to a handful of requests a minute."""

    def set_rates(anon="3/minute", user="1000/minute", token="1000/minute"):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user, "token": token},
        }

    return set_rates


@pytest.mark.django_db
def test_refused_tokens_are_throttled_by_address_after_the_anonymous_rate(api_client, rates):
    rates(anon="3/minute")
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")

    statuses = [api_client.get(reverse("api:lea-list")).status_code for _ in range(5)]

    assert statuses == [401, 401, 401, 429, 429]
    response = api_client.get(reverse("api:lea-list"))
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_a_signed_in_session_is_throttled_per_user(api_client, rates):
    rates(user="2/minute")
    api_client.force_login(make_user(Role.SEA_TEAM))

    statuses = [api_client.get(reverse("api:lea-list")).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    other = make_user(Role.SEA_TEAM, username="colleague")
    api_client.force_login(other)
    assert api_client.get(reverse("api:lea-list")).status_code == 200


@pytest.mark.django_db
def test_each_token_has_its_own_rate_apart_from_its_owners_session(client, api_client, rates):
    rates(user="1000/minute", token="2/minute")
    user = make_user(Role.SEA_TEAM)
    _, first_key = create_api_token(user=user, name="nightly sync")
    _, second_key = create_api_token(user=user, name="dashboard")

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {first_key}")
    statuses = [api_client.get(reverse("api:lea-list")).status_code for _ in range(3)]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {second_key}")
    second = api_client.get(reverse("api:lea-list")).status_code
    client.force_login(user)
    session = client.get(reverse("api:lea-list")).status_code

    assert statuses == [200, 200, 429]
    assert second == 200
    assert session == 200


@pytest.mark.django_db
def test_default_rates_let_ordinary_use_through(api_client):
    api_client.force_login(make_user(Role.SEA_TEAM))

    statuses = {api_client.get(reverse("api:lea-list")).status_code for _ in range(30)}

    assert statuses == {200}
