"""What a vendor contact may change: its product's status and dates, never its identity."""

import pytest
from django.urls import reverse

from rolloutplanner.roles import Role
from tests.factories import LEAFactory
from vendors.models import DeploymentTimeline

pytestmark = pytest.mark.django_db


def _vendor_page_payload(vendor, **changes):
    values = {
        "name": vendor.name,
        "product_name": vendor.product_name,
        "product_type": vendor.product_type,
        "website": vendor.website,
        "planned_development": vendor.planned_development,
    }
    return {**values, **changes}


def test_vendor_contact_updates_status_but_the_edit_page_keeps_the_product_name(client, world):
    vendor = world.own_vendor
    client.force_login(world.users[Role.VENDOR_CONTACT])
    url = reverse("vendors:vendor-edit", args=[vendor.pk])

    form = client.get(url).context["form"]
    response = client.post(
        url,
        _vendor_page_payload(
            vendor,
            name="Renamed Co",
            product_name="Renamed",
            planned_development="Ed-Fi 5.2 in May",
        ),
    )

    assert {n for n, f in form.fields.items() if f.disabled} == {
        "name",
        "product_name",
        "product_type",
        "assistance_level",
    }
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert (vendor.name, vendor.product_name) == ("Own SIS Co", world.own_vendor.product_name)
    assert vendor.planned_development == "Ed-Fi 5.2 in May"


def test_vendor_contact_cannot_rename_its_product_through_the_api(api_client, world):
    vendor = world.own_vendor
    api_client.force_authenticate(world.users[Role.VENDOR_CONTACT])
    url = reverse("api:vendor-detail", args=[vendor.pk])

    refused = api_client.patch(
        url, {"product_name": "Renamed", "name": "Renamed Co"}, format="json"
    )
    allowed = api_client.patch(url, {"release_cadence": "Quarterly"}, format="json")

    assert refused.status_code == 403
    assert refused.json()["error"]["detail"] == (
        "You may not change the name, product name of this vendor."
    )
    assert allowed.status_code == 200
    vendor.refresh_from_db()
    assert vendor.name == "Own SIS Co" and vendor.release_cadence == "Quarterly"


def test_sea_team_renames_a_product_on_the_page_and_through_the_api(client, api_client, world):
    vendor = world.own_vendor
    client.force_login(world.users[Role.SEA_TEAM])
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    page = client.post(
        reverse("vendors:vendor-edit", args=[vendor.pk]),
        _vendor_page_payload(vendor, product_name="Campus SIS"),
    )
    api = api_client.patch(
        reverse("api:vendor-detail", args=[vendor.pk]), {"name": "Campus Co"}, format="json"
    )

    assert (page.status_code, api.status_code) == (302, 200)
    vendor.refresh_from_db()
    assert (vendor.name, vendor.product_name) == ("Campus Co", "Campus SIS")


def test_vendor_contact_enters_its_dates_for_an_lea_running_its_product(client, api_client, world):
    second_lea = LEAFactory(name="Second District", sis_vendor=world.own_vendor)
    contact = world.users[Role.VENDOR_CONTACT]
    client.force_login(contact)
    api_client.force_authenticate(contact)
    dates = {"development_on": "2026-11-01", "qa_on": "2026-12-01", "deployment_on": "2027-01-15"}

    page = client.post(
        reverse("vendors:deploymenttimeline-add"),
        {"vendor": world.own_vendor.pk, "lea": world.own_lea.pk, **dates},
    )
    api = api_client.post(
        reverse("api:deploymenttimeline-list"),
        {"vendor": world.own_vendor.pk, "lea": second_lea.pk, **dates},
        format="json",
    )

    assert page.status_code == 302
    assert api.status_code == 201, api.json()
    assert set(
        DeploymentTimeline.objects.filter(vendor=world.own_vendor).values_list(
            "lea", "qa_on__month"
        )
    ) == {(world.own_lea.pk, 12), (second_lea.pk, 12)}


def test_vendor_contact_cannot_enter_dates_at_an_lea_that_does_not_run_its_product(
    client, api_client, world
):
    contact = world.users[Role.VENDOR_CONTACT]
    client.force_login(contact)
    api_client.force_authenticate(contact)
    payload = {"vendor": world.own_vendor.pk, "lea": world.other_lea.pk, "qa_on": "2026-12-01"}

    page = client.post(reverse("vendors:deploymenttimeline-add"), payload)
    api = api_client.post(reverse("api:deploymenttimeline-list"), payload, format="json")
    other_vendor = api_client.post(
        reverse("api:deploymenttimeline-list"),
        {**payload, "vendor": world.other_vendor.pk, "lea": world.own_lea.pk},
        format="json",
    )

    assert page.status_code == 200 and "lea" in page.context["form"].errors
    assert api.status_code == 403
    assert api.json()["error"]["detail"] == "You may not enter a timeline for Other District."
    assert other_vendor.status_code == 403
    assert not DeploymentTimeline.objects.exists()


def test_vendor_contact_cannot_move_its_timeline_to_another_lea(api_client, world):
    timeline = DeploymentTimeline.objects.create(vendor=world.own_vendor, lea=world.own_lea)
    second_lea = LEAFactory(name="Second District", sis_vendor=world.own_vendor)
    api_client.force_authenticate(world.users[Role.VENDOR_CONTACT])

    response = api_client.patch(
        reverse("api:deploymenttimeline-detail", args=[timeline.pk]),
        {"lea": second_lea.pk, "qa_on": "2026-12-01"},
        format="json",
    )

    assert response.status_code in (400, 403)
    timeline.refresh_from_db()
    assert timeline.lea == world.own_lea and timeline.qa_on is None


def test_only_those_who_may_add_timelines_see_the_link_to_enter_dates(client, world):
    add = reverse("vendors:deploymenttimeline-add")

    client.force_login(world.users[Role.VENDOR_CONTACT])
    assert add in client.get(world.own_vendor.get_absolute_url()).content.decode()
    client.force_login(world.users[Role.LEA_COORDINATOR])
    assert add not in client.get(world.own_vendor.get_absolute_url()).content.decode()
