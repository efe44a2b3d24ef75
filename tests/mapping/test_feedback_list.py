"""The feedback list: feedback is left on a mapping row, so the list offers no add page."""

import pytest
from django.urls import reverse

from rolloutplanner.roles import Role
from tests.mapping.factories import MappingFeedbackFactory


@pytest.mark.django_db
def test_feedback_list_opens_for_the_sea_team_without_an_add_link(client, world):
    MappingFeedbackFactory(body="Our program codes differ")
    client.force_login(world.users[Role.SEA_TEAM])

    response = client.get(reverse("mapping:mappingfeedback-list"), {"status": "open"})

    assert response.status_code == 200
    assert response.context["paginator"].count == 1
    assert response.context["add_url"] is None
