"""Date changes: history with reasons, change notices for affected LEAs and vendors, and the
daily batched e-mail."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from rolloutplanner.roles import Role
from rolloutplanner.timeline import services
from rolloutplanner.timeline.models import ChangeNotice
from rolloutplanner.timeline.tasks import send_change_notice_digests
from tests.factories import make_user
from tests.rolloutplanner.factories import (
    LEAMilestoneFactory,
    MilestoneDependencyFactory,
    MilestoneFactory,
    VendorMilestoneFactory,
    WaveFactory,
)
from tests.support.celery_worker import wait_for


def _move(milestone, days: int, reason: str = "Vendor patch late", user=None):
    return services.update_milestone(
        milestone=milestone,
        user=user,
        changes={
            "planned_start": milestone.planned_start + timedelta(days=days),
            "planned_end": milestone.planned_end + timedelta(days=days),
        },
        reason=reason,
    )


@pytest.mark.django_db
def test_moving_a_milestone_notifies_everyone_after_it(world):
    statewide = MilestoneFactory()
    wave = WaveFactory()
    wave.leas.add(world.own_lea, world.other_lea)
    lea_step = LEAMilestoneFactory(lea=world.own_lea)
    vendor_step = VendorMilestoneFactory(vendor=world.own_vendor)
    wave_step = MilestoneFactory(scope="wave", wave=wave)
    MilestoneDependencyFactory(predecessor=statewide, successor=lea_step)
    MilestoneDependencyFactory(predecessor=lea_step, successor=vendor_step)  # transitive
    MilestoneDependencyFactory(predecessor=statewide, successor=wave_step)
    unrelated = LEAMilestoneFactory()
    _move(statewide, 14, user=world.users[Role.SEA_TEAM])
    owners = set(ChangeNotice.objects.values_list("lea_id", "vendor_id"))
    assert owners == {
        (None, None),
        (world.own_lea.pk, None),
        (world.other_lea.pk, None),
        (None, world.own_vendor.pk),
    }
    assert unrelated.lea_id not in {lea for lea, _ in owners}
    notice = ChangeNotice.objects.get(lea=world.own_lea)
    assert notice.days_moved == 14 and notice.reason == "Vendor patch late"
    record = statewide.history.first()
    assert record.history_change_reason == "Vendor patch late"
    assert record.history_user == world.users[Role.SEA_TEAM]


@pytest.mark.django_db
def test_edits_that_do_not_move_dates_create_no_notice():
    milestone = LEAMilestoneFactory()
    services.update_milestone(
        milestone=milestone, user=None, changes={"name": "Clearer name"}, reason=""
    )
    assert not ChangeNotice.objects.exists()
    assert milestone.history.first().history_change_reason == "Edited"


@pytest.mark.django_db
def test_edit_page_asks_for_a_reason_when_dates_move(client, world):
    milestone = LEAMilestoneFactory(lea=world.own_lea)
    client.force_login(world.users[Role.SEA_TEAM])
    url = reverse("rolloutplanner:milestone-edit", args=[milestone.pk])
    form = {
        "phase": milestone.phase_id,
        "code": milestone.code,
        "name": milestone.name,
        "kind": milestone.kind,
        "scope": "lea",
        "lea": world.own_lea.pk,
        "planned_start": milestone.planned_start.isoformat(),
        "planned_end": (milestone.planned_end + timedelta(days=7)).isoformat(),
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "Say why the planned dates moved." in refused.content.decode()
    assert client.post(url, {**form, "change_reason": "Board decision"}).status_code == 302
    assert ChangeNotice.objects.get().reason == "Board decision"
    history = client.get(reverse("rolloutplanner:milestone-history", args=[milestone.pk]))
    assert "Board decision" in history.content.decode()


@pytest.mark.django_db
def test_notices_are_listed_for_the_lea_they_concern(client, world):
    _move(LEAMilestoneFactory(lea=world.own_lea, name="Own onboarding"), 3)
    _move(LEAMilestoneFactory(lea=world.other_lea, name="Other onboarding"), 3)
    client.force_login(world.users[Role.LEA_COORDINATOR])
    page = client.get(reverse("rolloutplanner:changenotice-list"), {"lea": world.own_lea.pk})
    body = page.content.decode()
    assert "Own onboarding" in body and "Other onboarding" not in body
    everything = client.get(reverse("rolloutplanner:changenotice-list")).content.decode()
    assert "Other onboarding" not in everything


@pytest.mark.django_db
def test_daily_digest_sends_one_message_per_contact_once(world):
    coordinator = world.users[Role.LEA_COORDINATOR]
    vendor_contact = world.users[Role.VENDOR_CONTACT]
    other_coordinator = make_user(Role.LEA_COORDINATOR, username="other-co", leas=[world.other_lea])
    _move(LEAMilestoneFactory(lea=world.own_lea, name="Own onboarding"), 5)
    _move(LEAMilestoneFactory(lea=world.own_lea, name="Own loads"), 9)
    _move(VendorMilestoneFactory(vendor=world.own_vendor, name="Vendor certification"), 2)
    assert services.send_change_notice_digests() == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {coordinator.email, vendor_contact.email}
    own = by_recipient[coordinator.email].body
    assert "Own onboarding" in own and "Own loads" in own and "Vendor certification" not in own
    assert other_coordinator.email not in by_recipient
    assert not ChangeNotice.objects.pending_email().exists()
    assert services.send_change_notice_digests() == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_statewide_change_is_mailed_to_every_contact(world):
    _move(MilestoneFactory(name="Statewide cut-over"), 7)
    assert services.send_change_notice_digests() == 2
    assert all("Statewide cut-over" in message.body for message in mail.outbox)


def test_digest_is_scheduled_daily_by_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["timeline-change-notice-digests"]
    assert entry["task"] == send_change_notice_digests.name
    assert entry["schedule"].hour == {6} and entry["schedule"].minute == {0}


@pytest.mark.celery_worker
def test_digest_task_runs_in_a_real_worker(celery_worker):
    milestone = LEAMilestoneFactory()
    _move(milestone, 4)
    send_change_notice_digests.delay()
    wait_for(
        lambda: not ChangeNotice.objects.pending_email().exists(),
        message=f"digest did not run:\n{celery_worker.log()}",
    )


@pytest.mark.django_db
def test_notices_tag_lists_an_organisations_notices_for_its_home_page(rf, world):
    from django.template import Context, Template

    _move(LEAMilestoneFactory(lea=world.own_lea, name="Own onboarding"), 3)
    _move(LEAMilestoneFactory(lea=world.other_lea, name="Other onboarding"), 3)
    request = rf.get("/")
    request.user = world.users[Role.LEA_COORDINATOR]
    html = Template("{% load timeline %}{% timeline_notices lea %}").render(
        Context({"request": request, "lea": world.own_lea})
    )
    assert "Date changes that concern Own District" in html
    assert "Own onboarding" in html and "Other onboarding" not in html
