"""Permission table for the parallel-year models: every role, allowed and denied.

Cycles and report definitions are full CRUD and use the shared matrix harness (pages and API).
Results are read-only and student-level rows are narrower still, so they get their own table:
role × object → expected status of the API detail and (where there is one) the page.
"""

import pytest
from django.urls import reverse

from parallel.models import DownloadLog, ResponsibleParty, TriageStatus
from rolloutplanner.roles import Role
from tests.parallel.factories import (
    CollectionCycleFactory,
    DiscrepancyFactory,
    DiscrepancyGroupFactory,
    LEARunSummaryFactory,
    shipped_definition,
)
from tests.support.permission_matrix import ALL, Target, check_case, matrix_cases

SEA, LEAD, COORD, VENDOR, ADMIN = (
    Role.SEA_TEAM,
    Role.LEADERSHIP,
    Role.LEA_COORDINATOR,
    Role.VENDOR_CONTACT,
    Role.ADMINISTRATOR,
)
UNRESTRICTED = {SEA: ALL, ADMIN: ALL}
EVERYONE_VIEWS = {**UNRESTRICTED, LEAD: "V", COORD: "V", VENDOR: "V"}


def _cycle_form(world, cycle=None):
    return {
        "name": "Renamed cycle" if cycle else "Child count 2026",
        "school_year": "2026-27",
        "report_definition": shipped_definition().pk,
        "snapshot_date": "2026-10-01",
        "leas": [world.own_lea.pk],
    }


def _definition_payload(world, definition=None):
    base = shipped_definition()
    return {
        "code": definition.code if definition else "state-child-count",
        "name": "Edited" if definition else "State child count",
        "derivation": base.derivation,
        "columns": base.columns,
        "record_key": base.record_key,
        "compared_fields": base.compared_fields,
        "category_sets": base.category_sets,
        "crosswalk": base.crosswalk,
        "tolerance_absolute": 1,
        "tolerance_percent": "2.00",
    }


def _definition(world):
    data = _definition_payload(world)
    from parallel.models import ReportDefinition

    return ReportDefinition.objects.create(
        **{**data, "code": f"copy-{ReportDefinition.objects.count()}"}
    )


TARGETS = [
    Target(
        name="cycle",
        make=lambda w: CollectionCycleFactory(),
        api_basename="collectioncycle",
        change_payload=_cycle_form,
        create_payload=_cycle_form,
        allowed=EVERYONE_VIEWS,
    ),
    Target(
        name="definition",
        make=_definition,
        api_basename="reportdefinition",
        change_payload=_definition_payload,
        create_payload=_definition_payload,
        allowed=EVERYONE_VIEWS,
        has_pages=False,  # its page posts JSON as text: tests/parallel/test_definition_editing.py
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("target", "role", "action", "allowed"), matrix_cases(TARGETS))
def test_permission_matrix(client, api_client, world, target, role, action, allowed):
    check_case(client, api_client, world, target, role, action, allowed)


def _summary(world, lea):
    return LEARunSummaryFactory(lea=lea)


def _group(world, lea, vendor=None):
    return DiscrepancyGroupFactory(
        lea=lea,
        responsible_party=ResponsibleParty.VENDOR if vendor else "",
        responsible_vendor=vendor,
    )


def _record(world, lea):
    return DiscrepancyFactory(group=_group(world, lea))


# (name, make(world), API basename, page URL(obj) or None, {role: status of a GET})
READ_TABLE = [
    ("own-lea-summary", lambda w: _summary(w, w.own_lea), "learunsummary",
     lambda o: reverse("parallel:lea-results", args=[o.run_id, o.lea_id]),
     {SEA: 200, ADMIN: 200, LEAD: 200, COORD: 200, VENDOR: 404}),
    ("other-lea-summary", lambda w: _summary(w, w.other_lea), "learunsummary",
     lambda o: reverse("parallel:lea-results", args=[o.run_id, o.lea_id]),
     {SEA: 200, ADMIN: 200, LEAD: 200, COORD: 404, VENDOR: 404}),
    ("own-lea-group", lambda w: _group(w, w.own_lea), "discrepancygroup",
     lambda o: reverse("parallel:discrepancygroup-detail", args=[o.pk]),
     {SEA: 200, ADMIN: 200, LEAD: 200, COORD: 200, VENDOR: 404}),
    ("other-lea-group-assigned-to-vendor", lambda w: _group(w, w.other_lea, w.own_vendor),
     "discrepancygroup", lambda o: reverse("parallel:discrepancygroup-detail", args=[o.pk]),
     {SEA: 200, ADMIN: 200, LEAD: 200, COORD: 404, VENDOR: 200}),
    ("other-lea-group", lambda w: _group(w, w.other_lea, w.other_vendor), "discrepancygroup",
     lambda o: reverse("parallel:discrepancygroup-detail", args=[o.pk]),
     {SEA: 200, ADMIN: 200, LEAD: 200, COORD: 404, VENDOR: 404}),
    # Student-level rows: SEA team and the LEA's own coordinators only; never leadership.
    ("own-lea-student-row", lambda w: _record(w, w.own_lea), "discrepancy", None,
     {SEA: 200, ADMIN: 200, LEAD: 404, COORD: 200, VENDOR: 404}),
    ("other-lea-student-row", lambda w: _record(w, w.other_lea), "discrepancy", None,
     {SEA: 200, ADMIN: 200, LEAD: 404, COORD: 404, VENDOR: 404}),
]  # fmt: skip


def _read_cases():
    return [
        pytest.param(name, make, basename, page, role, status, id=f"{name}-{role}")
        for name, make, basename, page, expected in READ_TABLE
        for role, status in expected.items()
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "make", "basename", "page", "role", "status"), _read_cases())
def test_read_table(client, api_client, world, name, make, basename, page, role, status):
    obj = make(world)
    user = world.users[role]
    client.force_login(user)
    api_client.force_authenticate(user)

    api = api_client.get(reverse(f"api:{basename}-detail", args=[obj.pk]))

    assert api.status_code == status
    if page:
        assert client.get(page(obj)).status_code == status
    listed = api_client.get(reverse(f"api:{basename}-list")).json()["results"]
    assert (obj.pk in [row["id"] for row in listed]) is (status == 200)


# Triage: who may change a group (API PATCH and page POST), and what.
TRIAGE_TABLE = [
    ("own-lea-group", SEA, TriageStatus.ACCEPTED, 200),
    ("own-lea-group", ADMIN, TriageStatus.ACCEPTED, 200),
    ("own-lea-group", COORD, TriageStatus.EXPLAINED, 200),
    ("own-lea-group", COORD, TriageStatus.FIXED_AT_SOURCE, 200),
    ("own-lea-group", COORD, TriageStatus.ACCEPTED, 400),  # only explain or mark fixed
    ("own-lea-group", COORD, TriageStatus.VERIFIED, 400),
    ("own-lea-group", LEAD, TriageStatus.EXPLAINED, 403),
    ("own-lea-group", VENDOR, TriageStatus.EXPLAINED, 404),
    ("vendor-group", VENDOR, TriageStatus.EXPLAINED, 403),  # sees, may not change
    ("other-lea-group", COORD, TriageStatus.EXPLAINED, 404),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("which", "role", "status", "expected"), TRIAGE_TABLE)
def test_triage_table(client, api_client, world, which, role, status, expected):
    group = {
        "own-lea-group": lambda: _group(world, world.own_lea),
        "vendor-group": lambda: _group(world, world.other_lea, world.own_vendor),
        "other-lea-group": lambda: _group(world, world.other_lea),
    }[which]()
    user = world.users[role]
    api_client.force_authenticate(user)
    client.force_login(user)
    url = reverse("api:discrepancygroup-detail", args=[group.pk])

    api = api_client.patch(url, {"status": status, "notes": "Checked."}, format="json")

    assert api.status_code == expected, api.data
    group.refresh_from_db()
    assert (group.status == status) is (expected == 200)
    page = client.post(
        reverse("parallel:discrepancygroup-edit", args=[group.pk]),
        {"status": status, "notes": "Checked again.", "responsible_party": ""},
    )
    assert page.status_code == {200: 302, 400: 200}.get(expected, expected)


@pytest.mark.django_db
def test_coordinator_may_not_assign_responsibility(api_client, world):
    group = _group(world, world.own_lea)
    api_client.force_authenticate(world.users[COORD])

    response = api_client.patch(
        reverse("api:discrepancygroup-detail", args=[group.pk]),
        {"status": "explained", "responsible_party": "vendor",
         "responsible_vendor": world.own_vendor.pk},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    group.refresh_from_db()
    assert group.responsible_party == "" and group.status == TriageStatus.OPEN


# Exports of student-level rows: who may download, and that every download is logged.
EXPORT_TABLE = [
    (SEA, None, 200, 2),
    (ADMIN, None, 200, 2),
    (COORD, "own", 200, 1),
    (COORD, None, 200, 1),  # only their own LEA's rows
    (COORD, "other", 404, 0),
    (LEAD, None, 403, 0),
    (LEAD, "own", 403, 0),
    (VENDOR, None, 403, 0),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "lea", "status", "rows"), EXPORT_TABLE)
def test_export_table(client, world, role, lea, status, rows):
    own = _record(world, world.own_lea)
    other = DiscrepancyFactory(group=DiscrepancyGroupFactory(run=own.run, lea=world.other_lea))
    client.force_login(world.users[role])
    query = {"own": f"?lea={world.own_lea.pk}", "other": f"?lea={world.other_lea.pk}"}
    url = reverse("parallel:export", args=[own.run_id, "csv"]) + query.get(lea, "")

    response = client.get(url)

    assert response.status_code == status
    if status == 200:
        body = b"".join(response.streaming_content).decode()
        assert (own.student_id in body) and ((other.student_id in body) is (rows == 2))
        log = DownloadLog.objects.get()
        assert log.user == world.users[role] and log.row_count == rows
    else:
        assert not DownloadLog.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [(SEA, 200), (ADMIN, 200), (LEAD, 404), (COORD, 404), (VENDOR, 404)],
)
def test_download_log_is_for_the_sea_team(client, world, role, status):
    log = DownloadLog.objects.create(user=world.users[SEA], what="x", file_format="csv")
    client.force_login(world.users[role])

    listed = client.get(reverse("parallel:downloadlog-list"))

    assert listed.status_code == 200
    assert (str(log) in listed.content.decode()) is (status == 200)
