"""Every API error answers the common body, whose ``status`` is the response's own status."""

import pytest
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

from leas.api.views import LEAViewSet
from rolloutplanner.roles import Role
from tests.usecases.factories import PlanningDocumentFactory
from tests.vendors.factories import APICredentialFactory

pytestmark = pytest.mark.django_db


def _assert_error_body(response, status: int, code: str) -> dict:
    assert response.status_code == status
    error = response.json()["error"]
    assert error["status"] == status
    assert error["code"] == code
    assert isinstance(error["detail"], str) and error["detail"]
    return error


def test_unauthenticated_request_is_401_with_its_status(api_client, world):
    response = api_client.get(reverse("api:lea-list"))

    _assert_error_body(response, 401, "not_authenticated")


def test_object_outside_scope_is_404_with_its_status(api_client, world):
    api_client.force_authenticate(world.users[Role.LEA_COORDINATOR])

    response = api_client.get(reverse("api:lea-detail", args=[world.other_lea.pk]))

    _assert_error_body(response, 404, "not_found")


def test_forbidden_change_is_403_with_its_status(api_client, world):
    api_client.force_authenticate(world.users[Role.LEA_COORDINATOR])

    response = api_client.delete(reverse("api:lea-detail", args=[world.own_lea.pk]))

    _assert_error_body(response, 403, "permission_denied")


def test_permission_refused_by_a_service_is_403_with_its_sentence(api_client, world):
    document = PlanningDocumentFactory()
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    response = api_client.post(reverse("api:planningdocument-approve", args=[document.pk]), {})

    error = _assert_error_body(response, 403, "permission_denied")
    assert error["detail"] == "Only leadership approves or returns planning documents."


def test_unsupported_method_is_405_with_its_status(api_client, world):
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    response = api_client.put(reverse("api:lea-list"), {}, format="json")

    _assert_error_body(response, 405, "method_not_allowed")


def test_delete_of_a_row_in_use_is_409_with_its_status(api_client, world):
    claim_set = APICredentialFactory().claim_set
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    response = api_client.delete(reverse("api:claimset-detail", args=[claim_set.pk]))

    _assert_error_body(response, 409, "conflict")


def test_stale_if_match_is_412_with_its_status(api_client, world):
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    url = reverse("api:lea-detail", args=[world.own_lea.pk])
    etag = api_client.get(url)["ETag"]
    api_client.patch(url, {"region": "Far North"}, format="json")

    response = api_client.patch(url, {"region": "Far South"}, format="json", HTTP_IF_MATCH=etag)

    _assert_error_body(response, 412, "precondition_failed")


class _OnePerMinute(SimpleRateThrottle):
    """A throttle of its own, so the test does not depend on the project's rates."""

    rate = "1/min"
    seen: list = []

    def get_cache_key(self, request, view):
        return "test-api-errors"

    def allow_request(self, request, view):
        self.history = list(self.seen)
        self.now = self.timer()
        if self.history:
            return self.throttle_failure()
        self.seen.append(self.now)
        return True


def test_throttled_request_is_429_with_its_status(api_client, world, monkeypatch):
    monkeypatch.setattr(_OnePerMinute, "seen", [])
    monkeypatch.setattr(LEAViewSet, "throttle_classes", [_OnePerMinute])
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    assert api_client.get(reverse("api:lea-list")).status_code == 200
    response = api_client.get(reverse("api:lea-list"))

    _assert_error_body(response, 429, "throttled")


# Validation errors: translated once, by the project handler, whoever raised them.


def test_a_services_sentence_is_a_non_field_error_in_the_common_body(api_client, world):
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    lea = world.own_lea.pk
    payload = {"size": 1, "must_include": [lea], "exclude": [lea]}

    response = api_client.post(reverse("api:cohort-suggest"), payload, format="json")

    error = _assert_error_body(response, 400, "invalid")
    assert error["fields"] == {"non_field_errors": ["Own District is both required and excluded."]}


def test_a_transition_refused_by_the_service_is_the_same_body(api_client, world):
    from tests.mapping import factories as mapping_factories

    mapping = mapping_factories.ElementMappingFactory(kind="not_mapped")
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    url = reverse("api:elementmapping-transition", args=[mapping.pk])

    response = api_client.post(url, {"transition": "approve"}, format="json")

    error = _assert_error_body(response, 400, "invalid")
    assert list(error["fields"]) == ["non_field_errors"]
    assert all(isinstance(message, str) for message in error["fields"]["non_field_errors"])


def test_a_phase_still_in_use_is_refused_with_a_non_field_error(api_client, world):
    from tests.rolloutplanner.factories import MilestoneFactory

    phase = MilestoneFactory().phase
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    response = api_client.delete(reverse("api:phase-detail", args=[phase.pk]))

    error = _assert_error_body(response, 400, "invalid")
    assert error["fields"] == {"non_field_errors": ["This phase still has milestones."]}


def test_djangos_non_field_key_becomes_the_apis_and_codes_are_kept():
    from django.core.exceptions import ValidationError
    from rest_framework.exceptions import ValidationError as APIValidationError

    from rolloutplanner.api.errors import exception_handler

    raised = ValidationError(
        {"__all__": ["Dates must run in order."], "name": ValidationError("Taken.", code="unique")}
    )
    fields = exception_handler(raised, {}).data["error"]["fields"]
    assert fields == {"non_field_errors": ["Dates must run in order."], "name": ["Taken."]}
    assert fields["name"][0].code == "unique"

    # A model's clean() run by a serializer reaches the handler through DRF with "__all__".
    both = APIValidationError({"__all__": ["One."], "non_field_errors": ["Two."]})
    fields = exception_handler(both, {}).data["error"]["fields"]
    assert fields == {"non_field_errors": ["One.", "Two."]}
