"""iCalendar feeds: private revocable keys, and nothing of another LEA or vendor leaks."""

from datetime import timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from rolloutplanner.roles import Role
from rolloutplanner.timeline import services
from rolloutplanner.timeline.models import CalendarFeedToken
from tests.rolloutplanner.factories import (
    LEAMilestoneFactory,
    MilestoneFactory,
    VendorMilestoneFactory,
    WaveFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    wave = WaveFactory(name="Pilot wave")
    wave.leas.add(world.own_lea)
    other_wave = WaveFactory(name="Later wave")
    other_wave.leas.add(world.other_lea)
    return {
        "statewide": MilestoneFactory(name="Statewide go-live"),
        "own": LEAMilestoneFactory(lea=world.own_lea, name="Own district onboarding"),
        "other": LEAMilestoneFactory(lea=world.other_lea, name="Other district onboarding"),
        "own_wave": MilestoneFactory(scope="wave", wave=wave, name="Pilot wave loads"),
        "other_wave": MilestoneFactory(scope="wave", wave=other_wave, name="Later wave loads"),
        "own_vendor": VendorMilestoneFactory(vendor=world.own_vendor, name="Own vendor cert"),
        "other_vendor": VendorMilestoneFactory(vendor=world.other_vendor, name="Other vendor cert"),
    }


def _summaries(response) -> set[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(event["summary"]).split(" [")[0] for event in calendar.walk("VEVENT")}


def _names(plan, *keys) -> set[str]:
    return {str(plan[key]) for key in keys}


def test_lea_coordinator_feeds_hold_statewide_and_own_milestones_only(client, world, plan):
    _, key = services.create_feed_token(user=world.users[Role.LEA_COORDINATOR])
    mine = client.get(reverse("rolloutplanner:feed-mine", args=[key]))
    assert _summaries(mine) == _names(plan, "statewide", "own", "own_wave")
    lea = client.get(reverse("rolloutplanner:feed-lea", args=[key, world.own_lea.pk]))
    assert _summaries(lea) == _names(plan, "statewide", "own", "own_wave")
    statewide = client.get(reverse("rolloutplanner:feed-statewide", args=[key]))
    assert _summaries(statewide) == _names(plan, "statewide")
    body = mine.content.decode()
    for hidden in ("Other district", "Later wave", "vendor cert"):
        assert hidden not in body
    other = client.get(reverse("rolloutplanner:feed-lea", args=[key, world.other_lea.pk]))
    assert other.status_code == 404
    other_vendor = client.get(
        reverse("rolloutplanner:feed-vendor", args=[key, world.other_vendor.pk])
    )
    assert other_vendor.status_code == 404


def test_vendor_contact_feed_holds_statewide_and_own_vendor_only(client, world, plan):
    _, key = services.create_feed_token(user=world.users[Role.VENDOR_CONTACT])
    feed = client.get(reverse("rolloutplanner:feed-vendor", args=[key, world.own_vendor.pk]))
    assert _summaries(feed) == _names(plan, "statewide", "own_vendor")
    # The vendor may see the LEA running its SIS, but not that LEA's milestones.
    lea = client.get(reverse("rolloutplanner:feed-lea", args=[key, world.own_lea.pk]))
    assert _summaries(lea) == _names(plan, "statewide")


def test_sea_team_lea_feed_is_that_lea_only(client, world, plan):
    _, key = services.create_feed_token(user=world.users[Role.SEA_TEAM])
    feed = client.get(reverse("rolloutplanner:feed-lea", args=[key, world.other_lea.pk]))
    assert _summaries(feed) == _names(plan, "statewide", "other", "other_wave")


def test_revoked_or_unknown_key_is_not_found(client, world, plan):
    token, key = services.create_feed_token(user=world.users[Role.LEA_COORDINATOR])
    url = reverse("rolloutplanner:feed-mine", args=[key])
    assert client.get(url).status_code == 200
    services.revoke_feed_token(token=token)
    assert client.get(url).status_code == 404
    assert client.get(reverse("rolloutplanner:feed-mine", args=["not-a-key"])).status_code == 404
    assert not CalendarFeedToken.objects.filter(digest=key).exists()  # only the digest is stored


def test_a_date_change_reaches_the_feed(client, world, plan):
    _, key = services.create_feed_token(user=world.users[Role.LEA_COORDINATOR])
    milestone = plan["own"]
    new_end = milestone.planned_end + timedelta(days=21)
    services.update_milestone(
        milestone=milestone,
        user=world.users[Role.SEA_TEAM],
        changes={"planned_end": new_end},
        reason="Rostering fix",
    )
    calendar = Calendar.from_ical(
        client.get(reverse("rolloutplanner:feed-mine", args=[key])).content
    )
    event = next(e for e in calendar.walk("VEVENT") if str(milestone) in str(e["summary"]))
    assert event.decoded("dtend") == new_end + timedelta(days=1)  # DTEND is exclusive


def test_calendar_page_creates_shows_once_and_revokes_keys(client, world):
    client.force_login(world.users[Role.LEA_COORDINATOR])
    page = client.post(reverse("rolloutplanner:calendar-feeds"))
    token = CalendarFeedToken.objects.get(user=world.users[Role.LEA_COORDINATOR])
    assert f"/lea/{world.own_lea.pk}.ics" in page.content.decode()
    assert token.prefix in page.content.decode()
    listing = client.get(reverse("rolloutplanner:calendar-feeds")).content.decode()
    assert ".ics" not in listing  # the full key is shown only right after creation
    client.post(reverse("rolloutplanner:calendar-feed-revoke", args=[token.pk]))
    token.refresh_from_db()
    assert not token.is_active
    client.force_login(world.users[Role.VENDOR_CONTACT])
    other = client.post(reverse("rolloutplanner:calendar-feed-revoke", args=[token.pk]))
    assert other.status_code == 404
