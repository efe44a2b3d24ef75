"""The readiness and LEA lists' cohort and "still open" filters, shared by pages and API."""

import pytest
from django.urls import reverse

from leas.models import CohortVersion, ReadinessStatus
from rolloutplanner.roles import Role
from tests.factories import LEAFactory
from tests.leas.factories import CohortFactory, ReadinessItemFactory

pytestmark = pytest.mark.django_db


def test_cohort_filter_follows_the_latest_saved_membership(client, api_client, world):
    kept, dropped = LEAFactory(name="Kept District"), LEAFactory(name="Dropped District")
    cohort = CohortFactory()
    CohortVersion.objects.create(cohort=cohort, number=1).leas.set([kept, dropped])
    CohortVersion.objects.create(cohort=cohort, number=2).leas.set([kept])
    ReadinessItemFactory(lea=kept)
    ReadinessItemFactory(lea=dropped)
    sea = world.users[Role.SEA_TEAM]
    client.force_login(sea)
    api_client.force_authenticate(sea)

    leas = client.get(reverse("leas:lea-list"), {"cohort": cohort.pk}).context["object_list"]
    items = client.get(reverse("leas:readinessitem-list"), {"cohort": cohort.pk})
    api = api_client.get("/api/v1/leas/readiness/", {"cohort": cohort.pk}).json()

    assert [lea.name for lea in leas] == ["Kept District"]
    assert [item.lea for item in items.context["object_list"]] == [kept]
    assert [row["id"] for row in api["results"]] == [kept.readiness_items.get().pk]


def test_cohort_never_saved_lists_nothing(client, world):
    ReadinessItemFactory(lea=world.own_lea)
    client.force_login(world.users[Role.SEA_TEAM])

    response = client.get(reverse("leas:readinessitem-list"), {"cohort": CohortFactory().pk})

    assert response.context["paginator"].count == 0


def test_open_items_are_neither_done_nor_not_applicable(client, world):
    for status in ReadinessStatus:
        ReadinessItemFactory(lea=world.own_lea, status=status)
    client.force_login(world.users[Role.SEA_TEAM])

    still_open = client.get(reverse("leas:readinessitem-list"), {"open": "true"})
    closed = client.get(reverse("leas:readinessitem-list"), {"open": "false"})

    assert {i.status for i in still_open.context["object_list"]} == {
        ReadinessStatus.NOT_STARTED,
        ReadinessStatus.IN_PROGRESS,
        ReadinessStatus.BLOCKED,
    }
    assert {i.status for i in closed.context["object_list"]} == {
        ReadinessStatus.DONE,
        ReadinessStatus.NOT_APPLICABLE,
    }
