"""Vendor inventory and engagement pages."""

import pytest
from django.urls import reverse

from rolloutplanner.roles import Role
from tests.vendors.factories import (
    DeploymentTimelineFactory,
    FollowUpFactory,
    MarketEventFactory,
    TouchpointFactory,
)

pytestmark = pytest.mark.django_db


def test_inventory_lists_lea_counts_and_filters_by_product_type(client, world, sea_user):
    world.own_vendor.edfi_experience = "state_level"
    world.own_vendor.save()
    client.force_login(sea_user)
    response = client.get(reverse("vendors:vendor-list"), {"product_type": "sis"})
    assert response.status_code == 200
    own = next(v for v in response.context["object_list"] if v == world.own_vendor)
    assert own.lea_count == 1
    assert b"State-level deployments" in response.content


def test_vendor_contact_keeps_own_timeline_and_follow_ups_on_the_vendor_page(client, world):
    timeline = DeploymentTimelineFactory(vendor=world.own_vendor, lea=world.own_lea)
    follow_up = FollowUpFactory(touchpoint=TouchpointFactory(vendor=world.own_vendor))
    MarketEventFactory(vendor=world.own_vendor, affected_leas=[world.own_lea])
    client.force_login(world.users[Role.VENDOR_CONTACT])
    page = client.get(world.own_vendor.get_absolute_url())
    assert page.status_code == 200
    assert reverse("vendors:deploymenttimeline-edit", args=[timeline.pk]).encode() in page.content
    assert reverse("vendors:followup-edit", args=[follow_up.pk]).encode() in page.content
    response = client.post(
        reverse("vendors:deploymenttimeline-edit", args=[timeline.pk]),
        {"development_on": "2026-11-01", "qa_on": "2026-10-01"},
    )
    assert response.status_code == 200  # QA before development is refused
    assert b"Dates must run development, then QA, then deployment" in response.content
    assert client.get(world.other_vendor.get_absolute_url()).status_code == 404


def test_lea_coordinator_sees_timeline_for_their_lea_read_only(client, world):
    timeline = DeploymentTimelineFactory(vendor=world.own_vendor, lea=world.own_lea)
    client.force_login(world.users[Role.LEA_COORDINATOR])
    page = client.get(world.own_vendor.get_absolute_url())
    assert page.status_code == 200
    assert str(world.own_lea).encode() in page.content
    edit = reverse("vendors:deploymenttimeline-edit", args=[timeline.pk])
    assert edit.encode() not in page.content
    assert client.post(edit, {}).status_code == 403


def test_vendor_page_lists_leas_using_the_product(client, world, sea_user):
    world.other_lea.source_systems.add(world.own_vendor)
    client.force_login(sea_user)
    page = client.get(world.own_vendor.get_absolute_url())
    assert [lea.name for lea in page.context["leas_using"]] == ["Other District", "Own District"]
    client.force_login(world.users[Role.VENDOR_CONTACT])
    page = client.get(world.own_vendor.get_absolute_url())
    assert len(page.context["leas_using"]) == 2  # both run the vendor's product
