import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from leas.models import LEA
from rolloutplanner.models import UserProfile
from rolloutplanner.roles import Role
from vendors.models import Vendor

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_seed_demo_builds_a_varied_state_and_is_idempotent():
    call_command("seed_demo")
    counts = (LEA.objects.count(), Vendor.objects.count(), UserProfile.objects.count())
    snapshot = list(LEA.objects.order_by("pk").values())

    call_command("seed_demo")

    assert counts == (150, 20, 6)
    assert (LEA.objects.count(), Vendor.objects.count(), UserProfile.objects.count()) == counts
    assert list(LEA.objects.order_by("pk").values()) == snapshot
    for field in ("urbanicity", "poverty_level", "capacity", "region", "sis_vendor"):
        assert LEA.objects.values(field).distinct().count() >= 3, field
    assert set(UserProfile.objects.values_list("role", flat=True)) == set(Role)
    coordinator = UserProfile.objects.get(role=Role.LEA_COORDINATOR)
    assert coordinator.leas.count() == 1


@pytest.mark.django_db
def test_home_of_scoped_users_names_and_links_their_own_organisation(client, world):
    client.force_login(world.users[Role.LEA_COORDINATOR])
    page = client.get(reverse("home"))
    assert page.status_code == 200 and page.context["organisation"] == world.own_lea
    assert world.own_lea.get_absolute_url().encode() in page.content
    client.force_login(world.users[Role.VENDOR_CONTACT])
    page = client.get(reverse("home"))
    assert page.status_code == 200 and page.context["organisation"] == world.own_vendor
    client.force_login(world.users[Role.LEADERSHIP])
    page = client.get(reverse("home"))
    assert page.status_code == 200 and page.context["charts"]
    assert b"Recompute the statewide LEA summary" not in page.content


@pytest.mark.django_db
def test_history_page_shows_who_changed_what_and_compares_versions(client, world):
    sea = world.users[Role.SEA_TEAM]
    client.force_login(sea)
    lea = world.own_lea
    form = {
        "name": "Renamed District",
        "state_lea_id": lea.state_lea_id,
        "enrollment": 4321,
        "region": "North",
    }
    client.post(reverse("leas:lea-edit", args=[lea.pk]), form)

    page = client.get(reverse("leas:lea-history", args=[lea.pk]))

    versions = page.context["versions"]
    newest, changes = versions[0]
    assert newest.history_user == sea
    changed = {change.field: (change.old, change.new) for change in changes}
    assert changed["Name"] == ("Own District", "Renamed District")
    assert changed["Enrollment"][1] == 4321
    oldest = versions[-1][0]
    compared = client.get(
        reverse("leas:lea-history", args=[lea.pk]),
        {"from": oldest.history_id, "to": newest.history_id},
    )
    assert "Renamed District" in compared.content.decode()
    assert compared.context["comparison"]["changes"]


@pytest.mark.django_db
def test_history_of_an_object_outside_scope_is_not_found(client, world):
    client.force_login(world.users[Role.LEA_COORDINATOR])
    url = reverse("leas:lea-history", args=[world.other_lea.pk])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_validation_errors_use_the_common_error_body(api_client, world):
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    response = api_client.post(reverse("api:lea-list"), {"name": ""}, format="json")

    body = response.json()["error"]
    assert response.status_code == 400 and body["code"] == "invalid"
    assert set(body["fields"]) >= {"name", "state_lea_id"}


@pytest.mark.django_db
def test_api_lists_are_paginated_and_filtered(api_client, world):
    from tests.factories import LEAFactory

    LEAFactory.create_batch(3, urbanicity="rural")
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    page = api_client.get(reverse("api:lea-list"), {"urbanicity": "rural", "page_size": 2}).json()

    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]


@pytest.mark.django_db
def test_openapi_schema_is_served_and_lists_the_api(client, world):
    client.force_login(world.users[Role.LEADERSHIP])
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert {"/api/v1/leas/", "/api/v1/vendors/", "/api/v1/jobs/"} <= set(schema["paths"])
    assert client.get(reverse("api-docs")).status_code == 200


def test_openapi_schema_generates_without_warnings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--fail-on-warn", "--validate",
         "--file", str(tmp_path / "schema.yaml")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def _deployment_environ() -> dict:
    # The browser tests allow sync ORM calls beside Playwright's event loop; a deployment never.
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def test_production_settings_pass_the_deployment_check(tmp_path):
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1", "hash": ""}')
    env = {
        **_deployment_environ(),
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "planner.example.gov",
        "SITE_URL": "https://planner.example.gov",
        "STATIC_ROOT": str(tmp_path),  # as collectstatic leaves it
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in _deployment_environ().items() if k != "SECRET_KEY"}
    env["DJANGO_ENV"] = "production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DJANGO_ENV=production" in result.stderr


@pytest.mark.django_db
def test_pages_send_security_headers(client, world):
    client.force_login(world.users[Role.SEA_TEAM])
    response = client.get(reverse("leas:lea-list"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_health_endpoint_answers_without_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.json() == {"status": "ok"}
