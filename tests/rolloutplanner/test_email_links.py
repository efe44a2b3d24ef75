"""Every e-mail links to the app with absolute addresses built from SITE_URL, and production
says so when SITE_URL is missing."""

import datetime
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from rolloutplanner.checks import site_url_check, site_url_deploy_check
from rolloutplanner.emails import absolute_url
from rolloutplanner.roles import Role
from rolloutplanner.timeline import services as timeline_services
from rolloutplanner.timeline.models import ChangeNotice
from tests.rolloutplanner.factories import LEAMilestoneFactory, MilestoneFactory
from tests.usecases.factories import PlanningDocumentFactory
from tests.vendors.factories import APICredentialFactory
from usecases.services.notifications import notify
from vendors import services as vendor_services

SITE = "https://planner.example.gov"
# A link that does not start with a scheme and host: what a mail client cannot open.
RELATIVE_LINK = re.compile(r"(?:^|\s)/[a-z]")


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    return SITE


def test_absolute_url_joins_site_url_and_a_path_or_an_object(settings, site):
    assert absolute_url("/usecases/documents/1/") == f"{SITE}/usecases/documents/1/"
    assert absolute_url() == f"{SITE}/"
    settings.SITE_URL = f"{SITE}/planner/"
    assert absolute_url("/timeline/") == f"{SITE}/planner/timeline/"
    settings.SITE_URL = ""
    with pytest.raises(ImproperlyConfigured, match="SITE_URL"):
        absolute_url("/timeline/")


@pytest.mark.django_db
def test_document_notification_links_to_the_document_absolutely(
    site, world, django_capture_on_commit_callbacks
):
    document = PlanningDocumentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[world.users[Role.SEA_TEAM]], document=document, message="Please review")
    (message,) = mail.outbox
    assert f"{SITE}{document.get_absolute_url()}" in message.body
    assert not RELATIVE_LINK.search(message.body), message.body


@pytest.mark.django_db
def test_credential_rotation_email_links_to_the_credential(
    site, django_capture_on_commit_callbacks
):
    credential = APICredentialFactory(
        expires_on=datetime.date(2027, 6, 20), owner_email="it@lea.example.org"
    )
    with django_capture_on_commit_callbacks(execute=True):
        vendor_services.flag_credentials_for_rotation(today=datetime.date(2027, 6, 10))
    (message,) = mail.outbox
    assert f"{SITE}{credential.get_absolute_url()}" in message.body
    assert not RELATIVE_LINK.search(message.body), message.body


@pytest.mark.django_db
def test_change_notice_digest_lists_each_change_with_its_link(site, world):
    milestones = [
        LEAMilestoneFactory(lea=world.own_lea, name="Own onboarding"),
        LEAMilestoneFactory(lea=world.own_lea, name="Own loads"),
    ]
    for days, milestone in enumerate(milestones, start=3):
        timeline_services.update_milestone(
            milestone=milestone,
            user=None,
            changes={"planned_end": milestone.planned_end + timedelta(days=days)},
            reason="Vendor patch late",
        )
    assert timeline_services.send_change_notice_digests() == 1
    (message,) = mail.outbox
    assert message.to == [world.users[Role.LEA_COORDINATOR].email]
    notices = ChangeNotice.objects.filter(milestone__in=milestones).order_by("pk")
    assert notices.count() == 2
    for notice in notices:
        item = message.body.split(f"- {notice.milestone}", 1)[1].split("\n- ", 1)[0]
        assert f"{SITE}{notice.get_absolute_url()}" in item
    assert f"{SITE}{reverse('rolloutplanner:timeline-gantt')}" in message.body
    assert not RELATIVE_LINK.search(message.body), message.body


@pytest.mark.django_db
def test_digest_is_not_sent_without_site_url_and_stays_pending(settings, world):
    settings.SITE_URL = ""
    milestone = MilestoneFactory()
    timeline_services.update_milestone(
        milestone=milestone,
        user=None,
        changes={"planned_end": milestone.planned_end + timedelta(days=2)},
        reason="Moved",
    )
    with pytest.raises(ImproperlyConfigured):
        timeline_services.send_change_notice_digests()
    assert mail.outbox == []
    assert ChangeNotice.objects.pending_email().count() == 1


def test_production_warns_and_the_deploy_check_fails_without_site_url(settings):
    settings.IS_PRODUCTION = True
    settings.SITE_URL = ""
    assert [w.id for w in site_url_check()] == ["rolloutplanner.W001"]
    assert [e.id for e in site_url_deploy_check()] == ["rolloutplanner.E002"]
    settings.SITE_URL = "http://planner.example.gov"
    assert site_url_check() == []
    assert [e.id for e in site_url_deploy_check()] == ["rolloutplanner.E002"]
    settings.SITE_URL = SITE
    assert site_url_check() == [] and site_url_deploy_check() == []
    settings.IS_PRODUCTION = False
    settings.SITE_URL = ""
    assert site_url_check() == [] and site_url_deploy_check() == []
