"""The 403, 404 and 500 pages are the app's own pages, in its layout."""

import pytest
from django.test import Client
from django.urls import reverse
from django.views.defaults import server_error

from rolloutplanner.roles import Role


def test_server_error_page_renders_in_the_layout_without_a_request_context(rf):
    response = server_error(rf.get("/anything/"))

    body = response.content.decode()
    assert response.status_code == 500
    assert "Skip to main content" in body  # the base layout
    assert "Something went wrong on our side" in body
    assert "Signed in as" not in body  # no user without a request context


@pytest.mark.django_db
def test_unhandled_error_in_a_page_answers_the_layout_500_page(world, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a fault in the page")

    settings.DEBUG = False
    monkeypatch.setattr("rolloutplanner.views.jobs.JobListView.get", broken)
    client = Client(raise_request_exception=False)
    client.force_login(world.users[Role.SEA_TEAM])

    response = client.get(reverse("job-list"))

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@pytest.mark.django_db
def test_not_found_and_forbidden_pages_use_the_layout(client, world):
    client.force_login(world.users[Role.LEADERSHIP])

    missing = client.get("/no-such-page/")
    forbidden = client.get(reverse("leas:lea-add"))

    assert missing.status_code == 404
    assert "Page not found" in missing.content.decode()
    assert "Signed in as" in missing.content.decode()
    assert forbidden.status_code == 403
    assert "You may not do that" in forbidden.content.decode()
