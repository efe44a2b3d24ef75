"""Pages: every planning page renders for every role, and the workflow runs through forms."""

import datetime

import pytest
from django.urls import reverse

from rolloutplanner.roles import Role
from tests.usecases import factories as f
from usecases import models as m
from usecases.services import documents as wf

ROLES = [
    Role.SEA_TEAM,
    Role.LEADERSHIP,
    Role.LEA_COORDINATOR,
    Role.VENDOR_CONTACT,
    Role.ADMINISTRATOR,
]


@pytest.fixture
def planning(world):
    document = f.PlanningDocumentFactory(title="State reporting via Ed-Fi")
    f.RiskFactory(document=document, owner=None)
    f.DataRequirementFactory(document=document, data_system=None, source_name="Discipline")
    flow = f.DataFlowFactory()
    item = f.AssessmentItemFactory()
    round_ = f.AssessmentRoundFactory(instrument=item.dimension.instrument)
    comm = f.CommunicationItemFactory(next_date=datetime.date.today() - datetime.timedelta(days=2))
    return {
        "document": document,
        "flow": flow,
        "round": round_,
        "comm": comm,
        "scope": f.ScopeItemFactory().document,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_planning_pages_render_for_every_role(client, world, planning, role):
    client.force_login(world.users[role])
    urls = [
        reverse("usecases:index"),
        reverse("usecases:planningdocument-list"),
        planning["document"].get_absolute_url(),
        planning["scope"].get_absolute_url(),
        reverse("usecases:planningdocument-diff", args=[planning["document"].pk]),
        reverse("usecases:datasystem-diagram"),
        reverse("usecases:coherence"),
        reverse("usecases:assessmentround-compare"),
        planning["round"].get_absolute_url(),
        planning["comm"].get_absolute_url(),
        reverse("usecases:decision-list"),
        reverse("usecases:checklisttask-list"),
        reverse("usecases:notification-list"),
        reverse("usecases:stakeholder-list"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.django_db
def test_index_surfaces_overdue_communications(client, world, planning):
    client.force_login(world.users[Role.LEADERSHIP])
    body = client.get(reverse("usecases:index")).content.decode()
    assert "Overdue communications" in body
    assert planning["comm"].audience in body


@pytest.mark.django_db
def test_document_workflow_through_pages(client, world):
    team, leader = world.users[Role.SEA_TEAM], world.users[Role.LEADERSHIP]
    coordinator = world.users[Role.LEA_COORDINATOR]
    reviewer = f.StakeholderFactory(user=coordinator)
    client.force_login(team)
    response = client.post(
        reverse("usecases:planningdocument-add"),
        {"kind": "use_case", "title": "Local operational use"},
    )
    document = m.PlanningDocument.objects.get(title="Local operational use")
    assert response.url == document.get_absolute_url()
    section = document.sections.get(key="need")
    response = client.post(
        reverse("usecases:documentsection-edit", args=[section.pk]),
        {"heading": section.heading, "body": "Teachers need timely IEP data."},
    )
    assert response.status_code == 302

    def step(action, data=None, user=team):
        client.force_login(user)
        return client.post(
            reverse("usecases:planningdocument-transition", args=[document.pk, action]),
            data or {},
            follow=True,
        )

    refused = step("leadership")
    assert "Cannot send for leadership review" in refused.content.decode()
    due = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    step("review", {"reviewers": [reviewer.pk], "due": due})
    document.refresh_from_db()
    assert document.status == m.DocumentStatus.STAKEHOLDER_REVIEW

    client.force_login(coordinator)
    page = client.get(document.get_absolute_url()).content.decode()
    assert f'action="{reverse("usecases:documentsection-comment", args=[section.pk])}"' in page
    client.post(
        reverse("usecases:documentsection-comment", args=[section.pk]),
        {"body": "Mention related services."},
    )
    comment = m.SectionComment.objects.get()
    client.force_login(team)
    client.post(
        reverse("usecases:sectioncomment-resolve", args=[comment.pk]),
        {"resolution": "declined", "reason": "Out of scope for v1."},
    )
    comment.refresh_from_db()
    assert comment.resolution == "declined"
    step("revised")
    step("leadership")
    page = step("approve", {"comment": ""}, user=leader).content.decode()
    assert "Approved." in page
    document.refresh_from_db()
    assert document.status == m.DocumentStatus.APPROVED
    step("reopen")
    client.post(
        reverse("usecases:documentsection-edit", args=[section.pk]),
        {"heading": section.heading, "body": "Teachers need timely IEP and 504 data."},
    )
    diff = client.get(
        reverse("usecases:planningdocument-diff", args=[document.pk]), {"from": 1, "to": 2}
    ).content.decode()
    assert "Teachers need timely IEP and 504 data." in diff
    assert "removed: </span>Teachers need timely IEP data." in diff


@pytest.mark.django_db
def test_section_edit_refused_while_in_review(client, world):
    team = world.users[Role.SEA_TEAM]
    document = f.PlanningDocumentFactory()
    wf.send_for_stakeholder_review(
        document=document, user=team, reviewers=[f.StakeholderFactory()], due=datetime.date.today()
    )
    client.force_login(team)
    section = document.sections.first()
    response = client.post(
        reverse("usecases:documentsection-edit", args=[section.pk]),
        {"heading": section.heading, "body": "sneaky edit"},
    )
    assert response.status_code == 200
    assert "in stakeholder review" in response.content.decode()
    section.refresh_from_db()
    assert section.body == ""


@pytest.mark.django_db
def test_vendor_contact_cannot_run_workflow_steps(client, world):
    document = f.PlanningDocumentFactory()
    client.force_login(world.users[Role.VENDOR_CONTACT])
    response = client.post(
        reverse("usecases:planningdocument-transition", args=[document.pk, "review"]),
        {"reviewers": [f.StakeholderFactory().pk], "due": datetime.date.today().isoformat()},
    )
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.status == m.DocumentStatus.DRAFT


@pytest.mark.django_db
def test_rating_form_records_my_rating_and_the_agreed_one(client, world):
    team = world.users[Role.SEA_TEAM]
    item = f.AssessmentItemFactory()
    round_ = f.AssessmentRoundFactory(instrument=item.dimension.instrument)
    client.force_login(team)
    url = reverse("usecases:assessmentround-rate", args=[round_.pk])
    client.post(url, {"mode": "mine", f"item-{item.pk}": "3"})
    client.post(url, {"mode": "agreed", f"item-{item.pk}": "2", f"rationale-{item.pk}": "Gaps"})
    assert m.Rating.objects.get(round=round_, rater=team).level == 3
    assert m.AgreedRating.objects.get(round=round_).rationale == "Gaps"
    client.force_login(world.users[Role.LEADERSHIP])
    assert client.post(url, {"mode": "mine", f"item-{item.pk}": "4"}).status_code == 403


@pytest.mark.django_db
def test_record_communication_sent(client, world):
    item = f.CommunicationItemFactory(frequency="")
    client.force_login(world.users[Role.SEA_TEAM])
    client.post(
        reverse("usecases:communicationitem-sent", args=[item.pk]),
        {"sent_on": item.next_date.isoformat(), "summary": "Webinar held"},
    )
    item.refresh_from_db()
    assert item.log.get().summary == "Webinar held"
    assert item.next_date is None  # a one-off communication is done once sent


@pytest.mark.django_db
def test_registry_pages_show_reviews_dependencies_and_my_ratings(client, world):
    team = world.users[Role.SEA_TEAM]
    stakeholder = f.StakeholderFactory(name="Dana Director")
    system = f.DataSystemFactory(name="Statewide IEP")
    document = f.PlanningDocumentFactory(title="Exiting use case")
    document.reviewers.add(stakeholder)
    document.data_systems.add(system)
    flow = f.DataFlowFactory(source=system, data="IEP events")
    client.force_login(world.users[Role.VENDOR_CONTACT])
    page = client.get(stakeholder.get_absolute_url()).content.decode()
    assert "Documents they review" in page and "Exiting use case" in page
    page = client.get(system.get_absolute_url()).content.decode()
    assert "Exiting use case" in page and flow.data in page

    item = f.AssessmentItemFactory()
    round_ = f.AssessmentRoundFactory(instrument=item.dimension.instrument)
    client.force_login(team)
    client.post(
        reverse("usecases:assessmentround-rate", args=[round_.pk]),
        {"mode": "mine", f"item-{item.pk}": "3"},
    )
    page = client.get(round_.get_absolute_url()).content.decode()
    assert f'name="item-{item.pk}" value="3" checked' in page


@pytest.mark.django_db
def test_overdue_communications_tag_for_the_home_page(rf, world):
    from django.template import Context, Template

    overdue = f.CommunicationItemFactory(
        audience="Superintendents", next_date=datetime.date.today() - datetime.timedelta(days=1)
    )
    f.CommunicationItemFactory(audience="Not yet due")
    f.CommunicationItemFactory(audience="Paused", active=False, next_date=datetime.date(2020, 1, 1))
    request = rf.get("/")
    request.user = world.users[Role.LEA_COORDINATOR]
    html = Template("{% load planning %}{% overdue_communications %}").render(
        Context({"request": request})
    )
    assert overdue.audience in html
    assert "Not yet due" not in html and "Paused" not in html
