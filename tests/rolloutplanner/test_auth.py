import pytest
from django.urls import reverse

from rolloutplanner.models import APIToken
from rolloutplanner.roles import Role
from tests.factories import make_user


@pytest.mark.django_db
def test_token_key_is_shown_once_and_stored_only_as_a_digest(client, api_client):
    user = make_user(Role.SEA_TEAM)
    client.force_login(user)

    page = client.post(reverse("token-list"), {"name": "timeline sync"})

    key = page.context["new_key"]
    token = APIToken.objects.get(user=user)
    assert key not in (token.digest, token.prefix) and token.digest == APIToken.digest_of(key)
    assert key in page.content.decode()
    assert key not in client.get(reverse("token-list")).content.decode()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get(reverse("api:lea-list")).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.django_db
def test_revoked_and_unknown_tokens_are_refused_with_the_error_body(api_client):
    user = make_user(Role.SEA_TEAM)
    api_client.force_authenticate(user)
    created = api_client.post(reverse("api:token-list"), {"name": "ci"}, format="json").json()
    api_client.delete(reverse("api:token-detail", args=[created["id"]]))
    api_client.force_authenticate(None)

    for key in (created["key"], "not-a-real-key"):
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        response = api_client.get(reverse("api:lea-list"))
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "authentication_failed"


@pytest.mark.django_db
def test_a_user_cannot_revoke_someone_elses_token(client):
    owner = make_user(Role.SEA_TEAM, username="owner")
    token = APIToken.objects.create(user=owner, name="x", prefix="abcdefgh", digest="0" * 64)
    client.force_login(make_user(Role.SEA_TEAM, username="intruder"))

    response = client.post(reverse("token-revoke", args=[token.pk]))

    token.refresh_from_db()
    assert response.status_code == 404 and token.revoked_at is None


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_out(client, settings):
    make_user(Role.SEA_TEAM, username="target")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "target", "password": "wrong-password"})

    response = client.post(
        reverse("login"), {"username": "target", "password": "correct-horse-battery-9"}
    )

    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_with_correct_password_lands_on_home(client):
    make_user(Role.LEADERSHIP, username="leader")

    response = client.post(
        reverse("login"), {"username": "leader", "password": "correct-horse-battery-9"}
    )

    assert response.status_code == 302 and response.url == reverse("home")


def test_anonymous_users_are_sent_to_login_and_refused_by_the_api(client, api_client, db):
    assert client.get(reverse("leas:lea-list")).url.startswith(reverse("login"))
    response = api_client.get(reverse("api:lea-list"))
    assert response.status_code in (401, 403)
    assert response.json()["error"]["status"] == response.status_code


@pytest.mark.django_db
def test_user_without_a_role_sees_nothing(client):
    from tests.factories import LEAFactory, UserFactory

    LEAFactory()
    client.force_login(UserFactory(username="no-role"))

    response = client.get(reverse("leas:lea-list"))

    assert response.status_code == 200 and list(response.context["object_list"]) == []
