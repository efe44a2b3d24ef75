"""Four eyes on planning documents: whoever sent a version to leadership does not approve it.

Only an administrator both routes (as the team) and approves (as leadership), so the rule is
proved with one, against a leader who approves as usual.
"""

import pytest
from django.urls import reverse

from rolloutplanner.review import SelfApprovalRefused
from rolloutplanner.roles import Role
from tests.usecases.factories import PlanningDocumentFactory
from usecases import models as m
from usecases.services import documents as wf

pytestmark = pytest.mark.django_db

REFUSED = "someone else must approve"
EXPLANATION = "you cannot approve it yourself"


@pytest.fixture
def admin(world):
    return world.users[Role.ADMINISTRATOR]


@pytest.fixture
def leader(world):
    return world.users[Role.LEADERSHIP]


@pytest.fixture
def document(admin):
    """A revised document the administrator has sent to leadership."""
    document = PlanningDocumentFactory()
    m.PlanningDocument.objects.filter(pk=document.pk).update(status=m.DocumentStatus.REVISED)
    document.refresh_from_db()
    return wf.send_for_leadership_review(document=document, user=admin)


def _status(document) -> str:
    document.refresh_from_db()
    return document.status


def test_sending_to_leadership_records_who_sent_it(document, admin):
    assert document.submitted_by == admin


def test_the_sender_cannot_approve_through_the_service(document, admin):
    with pytest.raises(SelfApprovalRefused, match=REFUSED):
        wf.approve(document=document, user=admin)

    assert _status(document) == m.DocumentStatus.LEADERSHIP_REVIEW
    assert not document.approvals.exists()


def test_leadership_approves_what_the_team_sent(document, leader):
    approval = wf.approve(document=document, user=leader)

    assert approval.decided_by == leader
    assert _status(document) == m.DocumentStatus.APPROVED


def test_whoever_presents_to_new_leadership_cannot_approve_it_again(document, admin, leader):
    wf.approve(document=document, user=leader)
    wf.present_to_new_leadership(document=document, user=admin)

    with pytest.raises(SelfApprovalRefused):
        wf.approve(document=document, user=admin)
    assert wf.approve(document=document, user=leader).kind == "re_approved"


def test_the_page_offers_the_sender_no_approve_button_and_says_why(client, document, admin, leader):
    client.force_login(admin)
    own = client.get(document.get_absolute_url()).content.decode()
    client.force_login(leader)
    other = client.get(document.get_absolute_url()).content.decode()

    assert "Approve version 1" not in own and EXPLANATION in own
    assert "Return with comments" in own
    assert "Approve version 1" in other and EXPLANATION not in other


def test_the_page_refuses_an_approval_posted_by_the_sender(client, document, admin):
    client.force_login(admin)

    response = client.post(
        reverse("usecases:planningdocument-transition", args=[document.pk, "approve"]),
        {"comment": ""},
        follow=True,
    )

    assert REFUSED in response.content.decode()
    assert _status(document) == m.DocumentStatus.LEADERSHIP_REVIEW


def test_the_api_answers_the_sender_403_with_the_reason(api_client, document, admin, leader):
    url = reverse("api:planningdocument-approve", args=[document.pk])
    api_client.force_authenticate(admin)
    shown = api_client.get(reverse("api:planningdocument-detail", args=[document.pk]))
    refused = api_client.post(url, {}, format="json")
    api_client.force_authenticate(leader)
    approved = api_client.post(url, {"comment": "Go ahead"}, format="json")

    assert shown.data["submitted_by"] == admin.pk
    assert refused.status_code == 403
    assert refused.data["error"]["code"] == "permission_denied"
    assert REFUSED in refused.data["error"]["detail"]
    assert approved.status_code == 200 and approved.data["decided_by"] == leader.pk


def test_a_role_refusal_in_the_api_keeps_its_message(api_client, document, world):
    api_client.force_authenticate(world.users[Role.SEA_TEAM])

    refused = api_client.post(
        reverse("api:planningdocument-approve", args=[document.pk]), {}, format="json"
    )

    assert refused.status_code == 403
    assert refused.data["error"]["detail"] == (
        "Only leadership approves or returns planning documents."
    )


def test_the_setting_lets_a_one_person_team_approve_what_it_sent(settings, client, document, admin):
    settings.REVIEW_ALLOW_SELF_APPROVAL = True
    client.force_login(admin)

    page = client.get(document.get_absolute_url()).content.decode()
    approval = wf.approve(document=document, user=admin)

    assert "Approve version 1" in page and EXPLANATION not in page
    assert approval.decided_by == admin
