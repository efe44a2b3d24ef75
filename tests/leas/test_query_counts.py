"""List and detail pages and API lists run a fixed number of queries, whatever the data size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leas.services import ensure_readiness_checklist
from rolloutplanner.roles import Role
from tests.factories import LEAFactory, VendorFactory
from tests.leas.factories import LEAPersonFactory, SupportNetworkFactory, SupportRequestFactory
from tests.vendors.factories import (
    APICredentialFactory,
    CertificationFactory,
    DeploymentTimelineFactory,
    FollowUpFactory,
    MarketEventFactory,
)

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _grow(world, n: int) -> None:
    leas = LEAFactory.create_batch(n, sis_vendor=world.own_vendor)
    ensure_readiness_checklist(leas=[world.own_lea, *leas])
    for lea in leas:
        lea.source_systems.add(VendorFactory(product_type="iep"))
    for _ in range(n):
        LEAPersonFactory(lea=world.own_lea)
        SupportRequestFactory(lea=world.own_lea)
        SupportNetworkFactory(lea=world.own_lea)
        CertificationFactory(vendor=world.own_vendor)
        FollowUpFactory(touchpoint__vendor=world.own_vendor)
        DeploymentTimelineFactory(vendor=world.own_vendor)
        MarketEventFactory(vendor=world.own_vendor, affected_leas=leas[:3])
        APICredentialFactory(vendor=world.own_vendor, leas=leas[:2])


URLS = [
    lambda w: reverse("leas:lea-list"),
    lambda w: w.own_lea.get_absolute_url(),
    lambda w: w.own_vendor.get_absolute_url(),
    lambda w: reverse("vendors:vendor-list"),
    lambda w: reverse("leas:readinessitem-list"),
    lambda w: reverse("leas:leaperson-list"),
    lambda w: reverse("vendors:apicredential-list"),
    lambda w: reverse("vendors:apicredential-rotation"),
    lambda w: reverse("api:lea-list"),
    lambda w: reverse("api:readinessitem-list"),
    lambda w: reverse("api:vendor-list"),
    lambda w: reverse("api:apicredential-list"),
    lambda w: reverse("api:marketevent-list"),
]


@pytest.mark.parametrize("role", [Role.SEA_TEAM, Role.LEA_COORDINATOR, Role.VENDOR_CONTACT])
def test_query_count_does_not_grow_with_rows(client, world, role):
    client.force_login(world.users[role])
    _grow(world, 2)
    small = {i: _queries(client, url(world)) for i, url in enumerate(URLS)}
    _grow(world, 6)
    large = {i: _queries(client, URLS[i](world)) for i in small}
    assert large == small
