"""Dashboard panels from the LEA, vendor and mapping apps: counts, links, scope, query counts."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leas.models import ReadinessStatus, RolloutPhase, Urbanicity
from rolloutplanner.dashboard import dashboard_charts
from rolloutplanner.roles import Role
from tests.factories import LEAFactory, VendorFactory
from tests.leas.factories import ReadinessItemFactory
from tests.mapping.factories import CoverageRunFactory, MappingPlanFactory
from tests.vendors.factories import APICredentialFactory, CertificationFactory

pytestmark = pytest.mark.django_db

DONE, OPEN, NA = ReadinessStatus.DONE, ReadinessStatus.IN_PROGRESS, ReadinessStatus.NOT_APPLICABLE


def chart(user, key):
    charts = {chart.key: chart for chart in dashboard_charts(user)}
    return charts.get(key)


def values(chart):
    return {bar.label: bar.value for bar in chart.bars}


def readiness(lea, *items):
    for phase, status in items:
        ReadinessItemFactory(lea=lea, phase=phase, status=status)


def test_leas_by_readiness_stage_is_the_first_phase_with_open_items(world):
    readiness(world.own_lea, (RolloutPhase.PREPARE, DONE), (RolloutPhase.CONNECT, OPEN))
    readiness(world.other_lea, (RolloutPhase.PREPARE, DONE), (RolloutPhase.SEND, NA))
    readiness(LEAFactory(), (RolloutPhase.PREPARE, ReadinessStatus.BLOCKED))
    LEAFactory()  # no checklist

    leadership = values(chart(world.users[Role.LEADERSHIP], "leas-by-readiness"))
    assert leadership["Working on Phase 2 – Planning: prepare"] == 1
    assert leadership["Working on Phase 3 – Pilot: connect"] == 1
    assert leadership["Working on Phase 3 – Pilot: send and validate"] == 0
    assert leadership["Checklist complete"] == 1  # "not applicable" counts as closed
    assert leadership["No checklist yet"] == 1

    coordinator = chart(world.users[Role.LEA_COORDINATOR], "leas-by-readiness")
    assert values(coordinator)["Working on Phase 3 – Pilot: connect"] == 1
    assert values(coordinator)["Checklist complete"] == 0
    assert "No checklist yet" not in values(coordinator)
    assert "Working on Phase 3 – Pilot: connect: 1 LEAs" in coordinator.summary
    connect = next(bar for bar in coordinator.bars if "connect" in bar.label)
    assert connect.href == reverse("leas:readinessitem-list") + "?phase=connect"


def test_readiness_by_stratum_is_the_share_of_applicable_items_done(world):
    rural = LEAFactory(urbanicity=Urbanicity.RURAL)
    readiness(rural, (RolloutPhase.PREPARE, DONE), (RolloutPhase.CONNECT, OPEN))
    readiness(rural, (RolloutPhase.SEND, NA), (RolloutPhase.SEND, DONE))
    city = LEAFactory(urbanicity=Urbanicity.CITY)
    readiness(city, (RolloutPhase.PREPARE, OPEN))

    panel = chart(world.users[Role.SEA_TEAM], "readiness-by-stratum")
    shares = values(panel)
    assert shares[Urbanicity.RURAL.label] == pytest.approx(66.7)
    assert shares[Urbanicity.CITY.label] == 0
    assert f"{Urbanicity.RURAL.label}: 66.7% of 3 checklist items done" in panel.summary
    rural_bar = next(bar for bar in panel.bars if bar.label == Urbanicity.RURAL.label)
    assert rural_bar.href.endswith(f"?urbanicity={Urbanicity.RURAL.value}")
    assert rural_bar.display == "66.7%"

    # A coordinator's chart counts only their own LEA's checklist, which has none here.
    coordinator = values(chart(world.users[Role.LEA_COORDINATOR], "readiness-by-stratum"))
    assert set(coordinator.values()) == {0}


def test_vendors_by_edfi_readiness_ranks_certification_above_experience(world):
    CertificationFactory(vendor=world.own_vendor, status="certified")
    CertificationFactory(vendor=world.own_vendor, status="in_progress")
    CertificationFactory(vendor=world.other_vendor, status="in_progress")
    VendorFactory(edfi_experience="some")
    VendorFactory(edfi_experience="none")
    CertificationFactory(vendor=VendorFactory(edfi_experience="state_level"), status="lapsed")

    leadership = values(chart(world.users[Role.LEADERSHIP], "vendors-by-edfi-readiness"))
    assert leadership["Ed-Fi certified"] == 1
    assert leadership["Certification in progress"] == 1
    assert leadership["Not certified; experience: Some (other states or pilots)"] == 1
    assert leadership["Not certified; experience: None"] == 1
    assert leadership["Not certified; experience: State-level deployments"] == 1

    contact = values(chart(world.users[Role.VENDOR_CONTACT], "vendors-by-edfi-readiness"))
    assert contact["Ed-Fi certified"] == 1 and sum(contact.values()) == 1

    # A coordinator sees their LEA's SIS but not its certifications: ranked by experience.
    coordinator = values(chart(world.users[Role.LEA_COORDINATOR], "vendors-by-edfi-readiness"))
    assert coordinator["Ed-Fi certified"] == 0
    assert coordinator["Not certified; experience not recorded"] == 1
    assert sum(coordinator.values()) == 1


def test_credentials_expiring_counts_unrevoked_credentials_per_window(world):
    today = timezone.localdate()
    own = {"vendor": None, "leas": [world.own_lea]}
    APICredentialFactory(expires_on=today - timedelta(days=2), **own)
    APICredentialFactory(expires_on=today, **own)
    APICredentialFactory(expires_on=today + timedelta(days=29), vendor=world.other_vendor)
    APICredentialFactory(expires_on=today + timedelta(days=45), vendor=world.other_vendor)
    APICredentialFactory(expires_on=today + timedelta(days=120), vendor=world.other_vendor)
    APICredentialFactory(expires_on=today + timedelta(days=400), vendor=world.other_vendor)
    APICredentialFactory(expires_on=today + timedelta(days=3), revoked_on=today, **own)
    APICredentialFactory(expires_on=None, vendor=world.other_vendor)

    panel = chart(world.users[Role.SEA_TEAM], "credentials-expiring")
    assert values(panel) == {
        "Expired, not revoked": 1,
        "Expires within 30 days": 2,
        "In 31–90 days": 1,
        "In 91–180 days": 1,
    }
    expired = panel.bars[0]
    assert "revoked=false" in expired.href
    assert f"expires_before={today - timedelta(days=1)}" in expired.href

    coordinator = values(chart(world.users[Role.LEA_COORDINATOR], "credentials-expiring"))
    assert coordinator["Expired, not revoked"] == 1
    assert coordinator["Expires within 30 days"] == 1
    assert coordinator["In 31–90 days"] == 0


def test_mapping_coverage_trend_shows_the_latest_plans_runs_oldest_first(world):
    user = world.users[Role.LEADERSHIP]
    assert chart(user, "mapping-coverage") is None  # no runs yet: no panel

    older_plan = MappingPlanFactory(name="2025-26 plan")
    CoverageRunFactory(plan=older_plan, mapped_percent=90)
    plan = MappingPlanFactory(name="2026-27 plan")
    runs = [CoverageRunFactory(plan=plan, mapped_percent=p) for p in (40, 55.5, 61)]

    panel = chart(user, "mapping-coverage")
    assert "2026-27 plan" in panel.title
    assert [bar.value for bar in panel.bars] == [40, 55.5, 61]
    assert [bar.href for bar in panel.bars] == [run.get_absolute_url() for run in runs]
    assert panel.summary.startswith("From 40.0% to 61.0% (+21.0 points) over 3 runs")
    assert panel.detail_url == plan.get_absolute_url()


def test_dashboard_page_and_pdf_carry_the_new_panels_with_text_and_links(client, world):
    readiness(world.own_lea, (RolloutPhase.PREPARE, OPEN))
    CertificationFactory(vendor=world.own_vendor)
    APICredentialFactory(expires_on=date.today() + timedelta(days=5))
    CoverageRunFactory(mapped_percent=72)
    client.force_login(world.users[Role.LEADERSHIP])
    body = client.get(reverse("rolloutplanner:timeline-dashboard")).content.decode()
    for key, title in (
        ("leas-by-readiness", "LEAs by readiness stage"),
        ("readiness-by-stratum", "Readiness checklist done, by stratum"),
        ("vendors-by-edfi-readiness", "Vendor products by Ed-Fi readiness"),
        ("credentials-expiring", "API credentials expiring"),
        ("mapping-coverage", "Mapping coverage trend"),
    ):
        assert f'id="chart-{key}-desc"' in body  # text alternative inside the SVG
        assert f"<caption>{title}" in body  # and the data table
        assert f"Details behind “{title}" in body  # link to the detail page
    assert "Working on Phase 2 – Planning: prepare: 1 LEAs" in body
    assert "72%" in body  # values printed, not conveyed by bar length or colour alone

    response = client.get(reverse("rolloutplanner:timeline-dashboard-pdf"))
    assert response.content.startswith(b"%PDF")
    keys = {chart.key for chart in response.context["charts"]}
    assert {"leas-by-readiness", "vendors-by-edfi-readiness", "credentials-expiring"} <= keys
    assert "mapping-coverage" in keys


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("rolloutplanner:timeline-dashboard")).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("role", [Role.LEADERSHIP, Role.LEA_COORDINATOR, Role.VENDOR_CONTACT])
def test_dashboard_query_count_does_not_grow_with_rows(client, world, role):
    def add_rows():
        lea = LEAFactory(sis_vendor=world.own_vendor)
        readiness(lea, (RolloutPhase.PREPARE, DONE), (RolloutPhase.CONNECT, OPEN))
        readiness(world.own_lea, (RolloutPhase.SEND, OPEN))
        CertificationFactory(vendor=VendorFactory())
        APICredentialFactory(expires_on=date.today(), leas=[world.own_lea, lea])
        CoverageRunFactory(mapped_percent=50)

    client.force_login(world.users[role])
    add_rows()
    _dashboard_queries(client)  # warm: panel discovery, session
    before = _dashboard_queries(client)
    for _ in range(4):
        add_rows()
    assert _dashboard_queries(client) == before


def test_cached_timeline_panels_follow_plan_changes_and_never_reach_scoped_roles(client, world):
    from rolloutplanner.timeline import services
    from tests.rolloutplanner.factories import LEAMilestoneFactory, MilestoneFactory

    today = date.today()
    late = MilestoneFactory(planned_start=today - timedelta(9), planned_end=today - timedelta(1))
    LEAMilestoneFactory(lea=world.other_lea)
    url = reverse("rolloutplanner:timeline-dashboard")
    client.force_login(world.users[Role.LEADERSHIP])
    body = client.get(url).content.decode()
    assert "Late: 1" in body and "On track: 1" in body
    assert client.get(url).content.decode().count("Late: 1") == body.count("Late: 1")

    services.update_milestone(
        milestone=late, user=None, changes={"actual_end": today}, reason="Finished"
    )
    body = client.get(url).content.decode()
    assert "Late: 0" in body and "Done: 1" in body
    assert "50.0% done" in body or "50% done" in body

    # The coordinator does not see the other LEA's milestone, cached chart or not.
    client.force_login(world.users[Role.LEA_COORDINATOR])
    body = client.get(url).content.decode()
    assert "On track: 0" in body and "Done: 1" in body


def test_restricted_status_counts_agree_with_the_per_row_status(world):
    from rolloutplanner.timeline.models import Milestone
    from tests.rolloutplanner.factories import (
        LEAMilestoneFactory,
        MilestoneDependencyFactory,
        MilestoneFactory,
    )

    today = date.today()
    hidden_late = LEAMilestoneFactory(
        lea=world.other_lea, planned_start=today - timedelta(20), planned_end=today - timedelta(2)
    )
    blocked = LEAMilestoneFactory(lea=world.own_lea)  # on track by dates, blocked by a late one
    MilestoneDependencyFactory(predecessor=hidden_late, successor=blocked)
    LEAMilestoneFactory(lea=world.own_lea)
    MilestoneFactory(planned_start=today - timedelta(9), planned_end=today - timedelta(1))
    other_blocked = LEAMilestoneFactory(lea=world.other_lea)
    MilestoneDependencyFactory(predecessor=hidden_late, successor=other_blocked)

    visible = Milestone.objects.restrict(world.users[Role.LEA_COORDINATOR])
    per_row = [m.status for m in visible.with_status()]
    counts = visible.status_counts()
    for status in ("on_track", "at_risk", "late", "done"):
        assert counts[status] == per_row.count(status), status
    assert counts == {"total": 3, "done": 0, "late": 1, "at_risk": 1, "on_track": 1}
