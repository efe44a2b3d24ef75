"""Each role's home page: what it shows, what it never shows, and that every count on it
is the number of rows of the list it links to."""

from __future__ import annotations

import pypdfium2
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rolloutplanner.roles import Role
from tests.factories import LEAFactory, UserFactory
from tests.support.rollout_state import ROLES, add_lea_checklist, build_rollout

pytestmark = pytest.mark.django_db


@pytest.fixture
def rollout(world):
    return build_rollout(world)


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def tiles_of(response) -> dict:
    return {tile.key: tile for tile in response.context["tiles"]}


def counts_of(tile) -> dict[str, int]:
    return {item.label: item.count for item in tile.counts}


def linked_counts(tiles):
    """(what, count, url) of every count and heat-map cell on the page."""
    for tile in tiles:
        for item in tile.counts:
            yield f"{tile.key}: {item.label}", item.count, item.url
        if tile.heat_map:
            for label, cells in tile.heat_map.rows:
                for column, cell in zip(tile.heat_map.columns, cells, strict=True):
                    yield f"{tile.key}: {label} × {column}", cell.count, cell.url


def test_sea_team_home_shows_the_rollout_at_a_glance(client, world, rollout):
    tiles = tiles_of(home(client, world.users[Role.SEA_TEAM]))

    assert list(tiles) == [
        "current-phase",
        "toolkit-checklist",
        "milestones-due",
        "late-at-risk",
        "pilot-cohorts",
        "readiness-heat-map",
        "documents-in-review",
        "mapping-reviews",
        "certification-progress",
        "parallel-match-rate",
    ]
    assert tiles["current-phase"].title == "Current phase: 2. Pilot"
    assert counts_of(tiles["current-phase"]) == {"Milestones in this phase": 6, "Not done yet": 6}
    assert counts_of(tiles["milestones-due"]) == {"Due in the next 30 days": 5}
    assert counts_of(tiles["late-at-risk"])["Late"] == 1
    assert counts_of(tiles["pilot-cohorts"]) == {
        "LEAs in Pilot cohort 2026": 1,
        "Open readiness items in Pilot cohort 2026": 3,
    }
    heat = tiles["readiness-heat-map"].heat_map
    assert [label for label, _ in heat.rows] == ["Pilot cohort 2026", "All LEAs"]
    pilot_cells = dict(zip(heat.columns, heat.rows[0][1], strict=True))
    assert pilot_cells["Phase 2 – Planning: prepare"].text == "1 of 1 done (100%), all done"
    assert pilot_cells["Phase 3 – Pilot: connect"].text == "0 of 3 done (0%), nothing done"
    assert pilot_cells["Phase 3 – Pilot: connect"].level == "none"
    assert counts_of(tiles["documents-in-review"]) == {"In stakeholder review": 1}
    assert counts_of(tiles["mapping-reviews"]) == {
        "Mapping rows in review": 1,
        "Feedback not answered": 1,
    }
    assert counts_of(tiles["certification-progress"])["Certified"] == 1
    assert counts_of(tiles["certification-progress"])["In progress"] == 1
    match = tiles["parallel-match-rate"]
    # matched / found on either side, over both LEAs: 180/218 then 196/202.
    assert match.title == "Parallel year: 97.0% of records match"
    assert "82.6% → 97.0% (+14.4 points)" in match.summary
    assert counts_of(match) == {"Open discrepancy groups in the latest run": 4}


def test_leadership_home_is_the_dashboard_with_approvals_first(client, world, rollout):
    response = home(client, world.users[Role.LEADERSHIP])

    tiles = response.context["tiles"]
    assert [tile.key for tile in tiles] == ["approvals-waiting"]
    assert counts_of(tiles[0]) == {"In leadership review": 1}
    assert [entry.label for entry in tiles[0].entries] == ["Ed-Fi scope"]
    charts = [chart.key for chart in response.context["charts"]]
    assert "phase-progress" in charts and "parallel-match-rate" in charts
    page = response.content.decode()
    assert page.index("Approvals waiting for you") < page.index("Phase progress")
    assert reverse("rolloutplanner:timeline-dashboard-pdf") in page
    assert b"Recompute the statewide LEA summary" not in response.content


def test_coordinator_home_shows_what_is_asked_of_the_district(client, world, rollout):
    response = home(client, world.users[Role.LEA_COORDINATOR])
    tiles = tiles_of(response)

    assert list(tiles) == [
        "milestones-due",
        "readiness-due",
        "discrepancies-assigned",
        "people-to-confirm",
        "date-changes",
        "calendar-feed",
    ]
    assert counts_of(tiles["readiness-due"]) == {
        "Open in Phase 2 – Planning: prepare": 0,
        "Open in Phase 3 – Pilot: connect": 3,
        "Open in Phase 3 – Pilot: send and validate": 0,
        "Open in Phase 4 – Parallel": 0,
        "Blocked": 1,
    }
    assert counts_of(tiles["discrepancies-assigned"]) == {
        "Open discrepancy groups assigned to you": 1
    }
    assert counts_of(tiles["people-to-confirm"]) == {"People recorded as in post": 1}
    assert [e.label for e in tiles["people-to-confirm"].entries] == ["Ada Steward"]
    assert counts_of(tiles["date-changes"]) == {"Date changes in the last 30 days": 1}
    # Statewide milestones due, and the district's own; never another district's.
    due = [e.label for e in tiles["milestones-due"].entries]
    assert any("Own District data load" in label for label in due)
    assert tiles["calendar-feed"].more_url == reverse("rolloutplanner:calendar-feeds")
    assert world.own_lea.get_absolute_url().encode() in response.content


def test_coordinator_home_never_shows_another_leas_items(client, world, rollout):
    page = home(client, world.users[Role.LEA_COORDINATOR]).content.decode()

    for other in ("Other District", "Other Person", "Other SIS Co", "Other District moved"):
        assert other not in page


def test_vendor_home_shows_its_follow_ups_dates_certification_and_leas(client, world, rollout):
    tiles = tiles_of(home(client, world.users[Role.VENDOR_CONTACT]))

    assert list(tiles) == [
        "follow-ups-due",
        "milestones-due",
        "deployment-dates",
        "discrepancies-assigned",
        "leas-using-product",
        "certification-progress",
        "date-changes",
        "calendar-feed",
    ]
    follow_ups = tiles["follow-ups-due"]
    assert list(counts_of(follow_ups).values()) == [1, 2]
    assert follow_ups.entries[0].label == "Own SIS Co sends QA schedule"
    deployment = tiles["deployment-dates"].entries
    assert [(e.label, e.note) for e in deployment] == [
        ("Own District", "development 2026-11-01, QA 2026-12-01, deployment not set")
    ]
    assert counts_of(tiles["certification-progress"])["Certified"] == 1
    assert counts_of(tiles["certification-progress"])["In progress"] == 0
    assert counts_of(tiles["leas-using-product"]) == {"LEAs using your product": 1}
    assert counts_of(tiles["discrepancies-assigned"]) == {
        "Open discrepancy groups assigned to you": 1
    }
    assert counts_of(tiles["date-changes"]) == {"Date changes in the last 30 days": 1}


def test_vendor_home_never_shows_another_vendors_items(client, world, rollout):
    page = home(client, world.users[Role.VENDOR_CONTACT]).content.decode()

    for other in ("Other SIS Co", "Other District", "Other SIS Co task"):
        assert other not in page


@pytest.mark.parametrize("role", ROLES)
def test_every_count_on_the_home_is_the_number_of_rows_its_link_lists(client, world, rollout, role):
    user = world.users[role]
    tiles = home(client, user).context["tiles"]
    checked = 0
    for what, count, url in linked_counts(tiles):
        listed = client.get(url)
        assert listed.status_code == 200, (what, url)
        assert listed.context["paginator"].count == count, (what, url)
        checked += 1
    assert checked >= 1


def _home_queries(client, user) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        home(client, user)
    return len(queries)


@pytest.mark.parametrize("role", ROLES)
def test_home_reads_a_bounded_number_of_queries_whatever_the_number_of_leas(
    client, world, rollout, role, django_assert_max_num_queries
):
    user = world.users[role]
    client.force_login(user)
    home(client, user)  # the plan's fingerprint is memoised after the first rendering
    few = _home_queries(client, user)
    for _ in range(25):
        lea = LEAFactory(sis_vendor=world.own_vendor)
        add_lea_checklist(lea)
        rollout.pilot.versions.get().leas.add(lea)

    many = _home_queries(client, user)

    assert many == few
    cache.clear()
    # Measured 30 (scoped roles) to 65 (SEA team: a count per tile line, the heat map's 3, and
    # the toolkit checklist's 13 evidence rules, each judged once whatever the number of tasks).
    with django_assert_max_num_queries(75):
        client.get(reverse("home"))


def test_home_of_a_user_without_a_role_shows_no_tiles(client, world, rollout):
    response = home(client, UserFactory())

    assert response.context["tiles"] == []
    assert b"Other District" not in response.content


def test_leadership_pdf_starts_with_the_approvals_waiting(client, world, rollout):
    client.force_login(world.users[Role.LEADERSHIP])

    response = client.get(reverse("rolloutplanner:timeline-dashboard-pdf"))

    assert response.content.startswith(b"%PDF")
    assert [tile.key for tile in response.context["tiles"]] == ["approvals-waiting"]
    first_page = pypdfium2.PdfDocument(response.content)[0].get_textpage().get_text_range()
    text = " ".join(first_page.split())
    assert text.index("Approvals waiting for you") < text.index("Phase progress")
    assert "Ed-Fi scope" in text


def test_sea_team_pdf_is_the_dashboard_alone(client, world, rollout):
    client.force_login(world.users[Role.SEA_TEAM])

    response = client.get(reverse("rolloutplanner:timeline-dashboard-pdf"))

    assert response.content.startswith(b"%PDF") and response.context["tiles"] == []
