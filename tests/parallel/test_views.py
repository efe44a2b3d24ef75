"""Pages a person uses: dashboard, cycle (upload, run), run, LEA drill-down, triage, exports."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from parallel.models import DiscrepancyGroup, ReconciliationRun, SubmissionFile
from parallel.services.reconcile import run_reconciliation
from rolloutplanner.roles import Role
from tests.parallel.factories import DiscrepancyFactory, DiscrepancyGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reconciled(make_collection):
    collection = make_collection(students=200, rate=0.15)
    run = collection.new_run()
    run_reconciliation(run=run)
    run.refresh_from_db()
    return collection, run


def test_upload_through_the_page_and_errors_shown(client, make_collection):
    collection = make_collection(students=5, rate=0, upload=False)
    client.force_login(collection.user)
    url = reverse("parallel:cycle-upload", args=[collection.cycle.pk])

    good = client.post(
        url,
        {
            "side": "legacy",
            "file": SimpleUploadedFile("fall.csv", collection.data.legacy.read_bytes()),
        },
    )
    bad = client.post(
        url,
        {"side": "legacy", "file": SimpleUploadedFile("bad.csv", b"LEA_ID,NAME\n1,x\n")},
        follow=True,
    )

    assert good.status_code == 302
    assert SubmissionFile.objects.get().original_name == "fall.csv"
    html = bad.content.decode()
    assert "NAME" not in html  # a column the layout does not name is ignored, not an error
    assert "missing column(s) STUDENT_ID" in html


def test_dashboard_lists_leas_worst_first_and_filters_by_stratum(client, world, reconciled):
    collection, run = reconciled
    world.own_lea.urbanicity = "rural"
    world.own_lea.save()
    client.force_login(world.users[Role.SEA_TEAM])

    page = client.get(reverse("parallel:dashboard"), {"cycle": collection.cycle.pk})
    rural = client.get(
        reverse("parallel:dashboard"), {"cycle": collection.cycle.pk, "urbanicity": "rural"}
    )

    rates = [s.match_rate for s in page.context["summaries"]]
    assert rates == sorted(rates) and len(rates) == 2
    assert [s.lea for s in rural.context["summaries"]] == [world.own_lea]
    assert "Production readiness" in page.content.decode()


def test_coordinator_sees_only_own_lea_on_dashboard_and_drill_down(client, world, reconciled):
    _, run = reconciled
    client.force_login(world.users[Role.LEA_COORDINATOR])

    page = client.get(reverse("parallel:dashboard"))
    own = client.get(reverse("parallel:lea-results", args=[run.pk, world.own_lea.pk]))
    other = client.get(reverse("parallel:lea-results", args=[run.pk, world.other_lea.pk]))

    assert [s.lea for s in page.context["summaries"]] == [world.own_lea]
    assert own.status_code == 200 and own.context["student_rows_allowed"]
    assert own.context["page_obj"].paginator.count > 0
    assert other.status_code == 404


def test_leadership_sees_aggregates_but_no_student_rows(client, world, reconciled):
    _, run = reconciled
    client.force_login(world.users[Role.LEADERSHIP])

    page = client.get(reverse("parallel:lea-results", args=[run.pk, world.own_lea.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Counts that differ" in html and "Discrepancy groups" in html
    assert "Record pairs that differ" not in html
    assert page.context["page_obj"].paginator.count == 0
    assert "shown to the SEA team and this LEA" in html


def test_run_page_shows_input_problems(client, world, make_collection):
    collection = make_collection(students=5, rate=0)
    run = ReconciliationRun.objects.create(
        cycle=collection.cycle, number=1, state="failed", errors=["legacy.csv row 3: bad"]
    )
    client.force_login(world.users[Role.SEA_TEAM])

    html = client.get(run.get_absolute_url()).content.decode()

    assert "The run failed; nothing was compared" in html and "legacy.csv row 3: bad" in html


def test_triage_through_the_page_records_history(client, world, reconciled):
    _, run = reconciled
    group = DiscrepancyGroup.objects.filter(run=run, lea=world.own_lea).first()
    client.force_login(world.users[Role.SEA_TEAM])

    response = client.post(
        reverse("parallel:discrepancygroup-edit", args=[group.pk]),
        {"responsible_party": "vendor", "responsible_vendor": world.own_vendor.pk,
         "status": "explained", "notes": "SIS maps setting codes wrongly."},
    )  # fmt: skip

    group.refresh_from_db()
    assert response.status_code == 302
    assert group.responsible_vendor == world.own_vendor and group.status == "explained"
    assert group.history.first().history_change_reason == "triage: Explained"
    history = client.get(reverse("parallel:discrepancygroup-history", args=[group.pk]))
    assert history.status_code == 200


def test_vendor_party_needs_a_vendor(client, world):
    group = DiscrepancyGroupFactory(lea=world.own_lea)
    client.force_login(world.users[Role.SEA_TEAM])

    response = client.post(
        reverse("parallel:discrepancygroup-edit", args=[group.pk]),
        {"responsible_party": "vendor", "status": "open", "notes": ""},
    )

    assert response.status_code == 200
    assert "Name the vendor responsible." in response.content.decode()


def test_xlsx_export_of_a_drill_down_is_logged_and_neutralised(client, world):
    record = DiscrepancyFactory(
        group=DiscrepancyGroupFactory(lea=world.own_lea), legacy_value="=cmd|'/c calc'!A1"
    )
    client.force_login(world.users[Role.LEA_COORDINATOR])

    response = client.get(
        reverse("parallel:export", args=[record.run_id, "xlsx"]), {"lea": world.own_lea.pk}
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:2] == ["LEA_ID", "STUDENT_ID"]
    assert sheet["E2"].value == "'=cmd|'/c calc'!A1"
    assert "attachment;" in response["Content-Disposition"]
    log = world.users[Role.LEA_COORDINATOR]
    from parallel.models import DownloadLog

    assert DownloadLog.objects.get().user == log


def test_definition_pages_show_layout_and_crosswalk(client, world):
    client.force_login(world.users[Role.LEADERSHIP])
    from tests.parallel.factories import shipped_definition

    definition = shipped_definition()
    listing = client.get(reverse("parallel:reportdefinition-list"))
    detail = client.get(definition.get_absolute_url()).content.decode()

    assert definition.name in listing.content.decode()
    assert "ENGLISH_LEARNER_STATUS" in detail and "Autism Spectrum Disorders" in detail
    assert "CSE" in detail


def test_production_readiness_counts_consecutive_cycles_within_tolerance(client, world):
    import datetime

    from tests.parallel.factories import (
        CollectionCycleFactory,
        LEARunSummaryFactory,
        ReconciliationRunFactory,
    )

    for year, own_ok, other_ok in [(2024, False, True), (2025, True, True), (2026, True, False)]:
        cycle = CollectionCycleFactory(snapshot_date=datetime.date(year, 10, 1))
        run = ReconciliationRunFactory(cycle=cycle, number=1)
        LEARunSummaryFactory(run=run, lea=world.own_lea, within_tolerance=own_ok)
        LEARunSummaryFactory(run=run, lea=world.other_lea, within_tolerance=other_ok)
    client.force_login(world.users[Role.LEADERSHIP])

    two = client.get(reverse("parallel:dashboard"), {"consecutive": 2}).context["readiness"]
    three = client.get(reverse("parallel:dashboard"), {"consecutive": 3}).context["readiness"]

    by_lea = {row["lea"]: (row["streak"], row["ready"]) for row in two}
    assert by_lea == {world.own_lea: (2, True), world.other_lea: (0, False)}
    assert not any(row["ready"] for row in three)
