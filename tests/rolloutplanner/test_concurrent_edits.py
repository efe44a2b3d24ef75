"""Two people saving the same object from the same version: the second is told, not lost."""

import re

import pytest
from django.urls import reverse

from rolloutplanner.roles import Role
from tests.factories import VendorFactory, make_user

pytestmark = pytest.mark.django_db


def _vendor_form(vendor, **changes):
    return {
        "name": vendor.name,
        "product_name": vendor.product_name,
        "product_type": "sis",
        "website": "https://vendor.example.org",
        **changes,
    }


def _opened_version(client, vendor) -> str:
    page = client.get(reverse("vendors:vendor-edit", args=[vendor.pk])).content.decode()
    return re.search(r'name="_version" value="([^"]+)"', page).group(1)


@pytest.fixture
def editors(world, client):
    from django.test import Client

    ana = make_user(Role.SEA_TEAM, username="ana")
    ana.first_name, ana.last_name = "Ana", "Ruiz"
    ana.save()
    ben = make_user(Role.SEA_TEAM, username="ben")
    first, second = client, Client()
    first.force_login(ana)
    second.force_login(ben)
    return first, second


def test_a_stale_form_save_is_refused_with_who_changed_what(editors):
    ana, ben = editors
    vendor = VendorFactory(name="Acme SIS", product_name="Acme Classic")
    url = reverse("vendors:vendor-edit", args=[vendor.pk])
    ana_version, ben_version = _opened_version(ana, vendor), _opened_version(ben, vendor)

    first = ana.post(
        url, {**_vendor_form(vendor, product_name="Acme Cloud"), "_version": ana_version}
    )
    second = ben.post(
        url, {**_vendor_form(vendor, product_name="Acme Next"), "_version": ben_version}
    )

    assert first.status_code == 302
    assert second.status_code == 409
    page = second.content.decode()
    assert "Ana Ruiz changed this vendor since you opened it" in page
    assert "Product name: “Acme Classic” → “Acme Cloud”" in page
    assert "Nothing was saved" in page
    vendor.refresh_from_db()
    assert vendor.product_name == "Acme Cloud"
    # Ben's values are kept in the form, which now carries the current version.
    assert 'value="Acme Next"' in page
    assert _opened_version(ana, vendor) in page


def test_saving_again_after_the_refusal_goes_through(editors):
    ana, ben = editors
    vendor = VendorFactory(name="Acme SIS", product_name="Acme Classic")
    url = reverse("vendors:vendor-edit", args=[vendor.pk])
    stale = _opened_version(ben, vendor)
    ana.post(url, {**_vendor_form(vendor, product_name="Acme Cloud"), "_version": stale})
    refused = ben.post(url, {**_vendor_form(vendor, product_name="Acme Next"), "_version": stale})
    current = re.search(r'name="_version" value="([^"]+)"', refused.content.decode()).group(1)

    again = ben.post(url, {**_vendor_form(vendor, product_name="Acme Next"), "_version": current})

    assert again.status_code == 302
    vendor.refresh_from_db()
    assert vendor.product_name == "Acme Next"


def _api(api_client, world):
    api_client.force_authenticate(world.users[Role.SEA_TEAM])
    return api_client


def test_api_detail_carries_an_etag_that_changes_with_the_object(api_client, world):
    vendor = VendorFactory(name="Acme SIS")
    url = reverse("api:vendor-detail", args=[vendor.pk])
    client = _api(api_client, world)

    before = client.get(url)["ETag"]
    client.patch(url, {"product_name": "Acme Cloud"}, format="json")
    after = client.get(url)["ETag"]

    assert before.startswith('"') and after.startswith('"') and before != after


def test_api_put_with_a_matching_if_match_succeeds_and_returns_the_new_etag(api_client, world):
    vendor = VendorFactory(name="Acme SIS")
    url = reverse("api:vendor-detail", args=[vendor.pk])
    client = _api(api_client, world)
    etag = client.get(url)["ETag"]

    response = client.put(
        url, _vendor_form(vendor, product_name="Acme Cloud"), format="json", HTTP_IF_MATCH=etag
    )

    assert response.status_code == 200
    assert response["ETag"] == client.get(url)["ETag"] != etag


def test_the_second_of_two_stale_api_puts_is_412_and_changes_nothing(api_client, world):
    vendor = VendorFactory(name="Acme SIS", product_name="Acme Classic")
    url = reverse("api:vendor-detail", args=[vendor.pk])
    client = _api(api_client, world)
    etag = client.get(url)["ETag"]

    first = client.put(url, _vendor_form(vendor, product_name="Acme Cloud"), format="json",
                       HTTP_IF_MATCH=etag)  # fmt: skip
    second = client.put(url, _vendor_form(vendor, product_name="Acme Next"), format="json",
                        HTTP_IF_MATCH=etag)  # fmt: skip

    assert first.status_code == 200
    assert second.status_code == 412
    error = second.json()["error"]
    assert error["status"] == 412 and error["code"] == "precondition_failed"
    assert "changed this vendor since you opened it" in error["detail"]
    assert "Product name: “Acme Classic” → “Acme Cloud”" in error["detail"]
    vendor.refresh_from_db()
    assert vendor.product_name == "Acme Cloud"


def test_a_stale_api_patch_is_412_too(api_client, world):
    vendor = VendorFactory(name="Acme SIS")
    url = reverse("api:vendor-detail", args=[vendor.pk])
    client = _api(api_client, world)
    etag = client.get(url)["ETag"]
    client.patch(url, {"product_name": "Acme Cloud"}, format="json")

    response = client.patch(url, {"product_name": "Acme Next"}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 412


def test_api_put_without_if_match_still_works_for_existing_clients(api_client, world):
    vendor = VendorFactory(name="Acme SIS")
    url = reverse("api:vendor-detail", args=[vendor.pk])
    client = _api(api_client, world)

    response = client.put(url, _vendor_form(vendor, product_name="Acme Cloud"), format="json")

    assert response.status_code == 200
    vendor.refresh_from_db()
    assert vendor.product_name == "Acme Cloud"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_from_one_version_cannot_both_pass():
    """The check locks the row: the second waits for the first to commit, then sees it."""
    import threading

    from django.db import connection, transaction

    from rolloutplanner import versioning
    from vendors.models import Vendor

    vendor = VendorFactory(name="Acme SIS", product_name="Acme Classic")
    opened = versioning.version_of(vendor)
    first_locked, outcomes = threading.Event(), {}

    def first_save():
        try:
            with transaction.atomic():
                current = versioning.lock_and_check(vendor, opened)
                first_locked.set()
                threading.Event().wait(0.5)  # the second save arrives while this one holds the row
                current.product_name = "Acme Cloud"
                current.save()
            outcomes["first"] = "saved"
        finally:
            connection.close()

    def second_save():
        first_locked.wait(5)
        try:
            with transaction.atomic():
                versioning.lock_and_check(Vendor.objects.get(pk=vendor.pk), opened)
            outcomes["second"] = "saved"
        except versioning.StaleVersion as stale:
            outcomes["second"] = stale.message
        finally:
            connection.close()

    threads = [threading.Thread(target=first_save), threading.Thread(target=second_save)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert outcomes["first"] == "saved"
    assert "changed this vendor since you opened it" in outcomes["second"]
