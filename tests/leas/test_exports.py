"""CSV/XLSX exports of the registry, readiness and vendor inventory: scoped and formula-safe."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from leas.services import ensure_readiness_checklist
from rolloutplanner.roles import Role
from tests.factories import LEAFactory
from tests.vendors.factories import CertificationFactory

pytestmark = pytest.mark.django_db


def _csv_rows(response):
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def test_registry_csv_is_scoped_and_safe(client, world):
    world.own_lea.name = "=cmd|' /C calc'!A0"
    world.own_lea.save()
    client.force_login(world.users[Role.LEA_COORDINATOR])
    response = client.get(reverse("leas:lea-export"), {"format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="lea-registry.csv"'
    rows = _csv_rows(response)
    assert rows[0][:2] == ["state_lea_id", "name"]
    assert [row[1] for row in rows[1:]] == ["'=cmd|' /C calc'!A0"]


def test_registry_xlsx_round_trips_through_the_import_columns(client, world, sea_user):
    LEAFactory(name="@risky")
    client.force_login(sea_user)
    response = client.get(reverse("leas:lea-export"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "state_lea_id"
    names = {row[1] for row in values[1:]}
    assert "'@risky" in names and "Own District" in names
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_registry_shows_choice_labels_that_import_back_as_the_same_codes(client, sea_user):
    from leas.models import LEA
    from leas.services.registry import import_leas

    lea = LEAFactory(poverty_level="very_high", urbanicity="city", capacity="low")
    client.force_login(sea_user)
    response = client.get(reverse("leas:lea-export"), {"format": "csv"})
    rows = _csv_rows(response)
    row = next(r for r in rows[1:] if r[0] == lea.state_lea_id)
    assert "Very high (over 30%)" in row and "City" in row
    assert "very_high" not in row and "city" not in row

    LEA.objects.filter(pk=lea.pk).update(poverty_level="", urbanicity="", capacity="")
    content = "\n".join(",".join(f'"{cell}"' for cell in r) for r in rows).encode()
    import_leas(file_name="lea-registry.csv", content=content)

    lea.refresh_from_db()
    assert (lea.poverty_level, lea.urbanicity, lea.capacity) == ("very_high", "city", "low")


def test_readiness_export(client, world, sea_user):
    ensure_readiness_checklist(leas=[world.own_lea])
    client.force_login(sea_user)
    rows = _csv_rows(client.get(reverse("leas:readinessitem-export")))
    assert len(rows) == 1 + 9
    assert rows[1][0] == world.own_lea.state_lea_id


def test_vendor_inventory_export_counts_leas(client, world, sea_user):
    CertificationFactory(vendor=world.own_vendor, version="Data Standard 5.2")
    world.other_lea.source_systems.add(world.own_vendor)
    client.force_login(sea_user)
    rows = _csv_rows(client.get(reverse("vendors:vendor-export"), {"format": "csv"}))
    header, body = rows[0], rows[1:]
    own = next(row for row in body if row[1] == "Own SIS Co")
    record = dict(zip(header, own, strict=True))
    assert (record["leas_using_as_sis"], record["leas_using_other"]) == ("1", "1")
    assert "Data Standard 5.2" in record["certifications"]
