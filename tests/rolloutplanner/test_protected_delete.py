"""Deleting a row that others still use is refused with a 409 naming them, on pages and API."""

import pytest
from django.urls import reverse

from parallel.models import ReportDefinition
from rolloutplanner.roles import Role
from tests.mapping.factories import LocalCodeFactory
from tests.parallel.factories import CollectionCycleFactory
from tests.usecases.factories import AssessmentRoundFactory
from tests.vendors.factories import APICredentialFactory

pytestmark = pytest.mark.django_db


def _instrument():
    round_ = AssessmentRoundFactory(name="Spring 2026 round")
    return round_.instrument, "1 assessment round (Spring 2026 round"


def _claim_set():
    credential = APICredentialFactory(key="key-in-use")
    return credential.claim_set, "1 API credential ("


def _mapping_plan():
    local_code = LocalCodeFactory(code="VAPE")
    plan = local_code.state_code.code_set.plan
    return plan, "1 local code ("


def _report_definition():
    definition = ReportDefinition.objects.create(
        code="fs999", name="Test collection", derivation="enrolment",
        columns=[{"field": "lea_id"}, {"field": "student_id"}],
        record_key=["lea_id", "student_id"],
    )  # fmt: skip
    CollectionCycleFactory(name="Enrolment 2026", report_definition=definition)
    return definition, "1 collection cycle (Enrolment 2026"


CASES = [
    pytest.param(_instrument, "instrument", "usecases", id="assessment-instrument"),
    pytest.param(_claim_set, "claimset", "vendors", id="claim-set"),
    pytest.param(_mapping_plan, "mappingplan", "mapping", id="mapping-plan"),
    pytest.param(_report_definition, "reportdefinition", None, id="report-definition"),
]


@pytest.mark.parametrize(("make", "basename", "app"), CASES)
def test_api_delete_of_a_row_in_use_is_409_naming_its_users(api_client, world, make, basename, app):
    obj, users = make()
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    response = api_client.delete(reverse(f"api:{basename}-detail", args=[obj.pk]))

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["status"] == 409 and error["code"] == "conflict"
    assert f"“{obj}” cannot be deleted: it is still used by {users}" in error["detail"]
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize(("make", "basename", "app"), [c for c in CASES if c.values[2]])
def test_page_delete_of_a_row_in_use_shows_what_uses_it(client, world, make, basename, app):
    obj, users = make()
    client.force_login(world.users[Role.SEA_TEAM])

    response = client.post(reverse(f"{app}:{basename}-delete", args=[obj.pk]))

    assert response.status_code == 409
    page = response.content.decode()
    assert 'role="alert"' in page and "Not deleted." in page
    assert f"cannot be deleted: it is still used by {users}" in page
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_api_delete_of_an_unused_row_still_succeeds(api_client, world):
    credential = APICredentialFactory()
    claim_set = credential.claim_set
    credential.delete()
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    response = api_client.delete(reverse("api:claimset-detail", args=[claim_set.pk]))

    assert response.status_code == 204
    assert not type(claim_set).objects.filter(pk=claim_set.pk).exists()
