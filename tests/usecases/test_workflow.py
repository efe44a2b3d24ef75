"""The review and approval workflow, through its services: allowed and refused transitions."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from rolloutplanner.roles import Role
from tests.factories import make_user
from tests.usecases.factories import PlanningDocumentFactory, StakeholderFactory, section_of
from usecases import models as m
from usecases.selectors.versions import diff_versions
from usecases.services import documents as wf
from usecases.services.documents import WorkflowError

TOMORROW = datetime.date.today() + datetime.timedelta(days=1)
S = m.DocumentStatus


@pytest.fixture
def team(world):
    return world.users[Role.SEA_TEAM]


@pytest.fixture
def leader(world):
    return world.users[Role.LEADERSHIP]


@pytest.fixture
def reviewer(world):
    """The LEA coordinator, named in the registry as a stakeholder with an account."""
    user = world.users[Role.LEA_COORDINATOR]
    return StakeholderFactory(name="Own District coordinator", user=user, lea=world.own_lea)


def _approved(document, team, leader, reviewer):
    wf.send_for_stakeholder_review(document=document, user=team, reviewers=[reviewer], due=TOMORROW)
    wf.mark_revised(document=document, user=team)
    wf.send_for_leadership_review(document=document, user=team)
    return wf.approve(document=document, user=leader)


@pytest.mark.django_db
def test_create_document_preloads_toolkit_sections(team):
    document = wf.create_document(kind="use_case", title="IDEA Part B integration", user=team)
    headings = list(document.sections.values_list("heading", flat=True))
    assert headings[0] == "Use Case Summary"
    assert "Risks and Mitigations" in headings
    assert "Goals, Expected Outcomes and Benefits" in headings
    need = section_of(document, "need")
    assert "List the need statements" in need.guidance
    assert document.versions.get().number == 1


@pytest.mark.django_db
def test_full_cycle_with_comments_approval_reopen_and_diff(team, leader, reviewer, world):
    document = PlanningDocumentFactory()
    wf.edit_section(section=section_of(document), user=team, body="IDEA data are scrutinised.")
    wf.send_for_stakeholder_review(document=document, user=team, reviewers=[reviewer], due=TOMORROW)
    assert document.status == S.STAKEHOLDER_REVIEW
    coordinator = world.users[Role.LEA_COORDINATOR]
    assert m.Notification.objects.filter(recipient=coordinator, document=document).exists()

    accepted = wf.add_comment(section=section_of(document), user=coordinator, body="Add exiting.")
    declined = wf.add_comment(section=section_of(document, "goals"), user=coordinator, body="Drop")
    with pytest.raises(WorkflowError, match="open comment"):
        wf.mark_revised(document=document, user=team)
    wf.resolve_comment(comment=accepted, user=team, resolution="accepted")
    with pytest.raises(WorkflowError, match="reason"):
        wf.resolve_comment(comment=declined, user=team, resolution="declined")
    wf.resolve_comment(comment=declined, user=team, resolution="declined", reason="Core goal.")
    wf.mark_revised(document=document, user=team)
    wf.edit_section(
        section=section_of(document),
        user=team,
        body="IDEA data are scrutinised.\nExiting data must be timely.",
    )
    wf.send_for_leadership_review(document=document, user=team)
    approval = wf.approve(document=document, user=leader, comment="Go ahead")
    document.refresh_from_db()
    assert document.status == S.APPROVED
    assert (approval.version, approval.decided_by, approval.kind) == (1, leader, "approved")

    wf.reopen(document=document, user=team)
    document.refresh_from_db()
    assert (document.status, document.version) == (S.DRAFT, 2)
    wf.edit_section(
        section=section_of(document),
        user=team,
        body="IDEA data are scrutinised.\nExiting and discipline data must be timely.",
    )
    diffs = {d.heading: d for d in diff_versions(document, 1, 2)}
    need = diffs["Need(s) Statement(s) or Associated Question(s)"]
    assert need.status == "changed"
    assert ("-", "Exiting data must be timely.") in need.lines
    assert ("+", "Exiting and discipline data must be timely.") in need.lines
    assert diffs["Use Case Summary"].status == "unchanged"
    # The approved version's content is kept as approved.
    v1 = document.versions.get(number=1)
    assert v1.status == S.APPROVED
    assert (
        "Exiting data must be timely." in next(s for s in v1.sections if s["key"] == "need")["body"]
    )


@pytest.mark.django_db
def test_present_to_new_leadership_records_a_new_approval_round(team, leader, reviewer):
    document = PlanningDocumentFactory()
    _approved(document, team, leader, reviewer)
    wf.present_to_new_leadership(document=document, user=team)
    document.refresh_from_db()
    assert document.status == S.LEADERSHIP_REVIEW and document.version == 1
    new_leader = make_user(Role.LEADERSHIP, username="new-superintendent")
    approval = wf.approve(document=document, user=new_leader)
    assert approval.kind == m.ApprovalKind.RE_APPROVED
    assert list(document.approvals.values_list("kind", "version")) == [
        ("approved", 1),
        ("re_approved", 1),
    ]


@pytest.mark.django_db
def test_leadership_can_return_with_comments(team, leader, reviewer):
    document = PlanningDocumentFactory()
    wf.send_for_stakeholder_review(document=document, user=team, reviewers=[reviewer], due=TOMORROW)
    wf.mark_revised(document=document, user=team)
    wf.send_for_leadership_review(document=document, user=team)
    with pytest.raises(WorkflowError, match="why"):
        wf.return_to_author(document=document, user=leader, comment=" ")
    leader_comment = wf.add_comment(section=section_of(document), user=leader, body="Budget?")
    wf.return_to_author(document=document, user=leader, comment="Add a budget risk.")
    document.refresh_from_db()
    assert document.status == S.REVISED
    assert document.approvals.get().kind == m.ApprovalKind.RETURNED
    with pytest.raises(WorkflowError, match="open comment"):
        wf.send_for_leadership_review(document=document, user=team)
    wf.resolve_comment(comment=leader_comment, user=team, resolution="accepted")
    wf.send_for_leadership_review(document=document, user=team)
    assert wf.approve(document=document, user=leader).version == 1


@pytest.mark.django_db
class TestRefusedTransitions:
    def test_cannot_approve_a_draft(self, leader):
        document = PlanningDocumentFactory()
        with pytest.raises(WorkflowError, match="Cannot approve"):
            wf.approve(document=document, user=leader)

    def test_cannot_skip_stakeholder_review(self, team):
        document = PlanningDocumentFactory()
        with pytest.raises(WorkflowError, match="not revised"):
            wf.send_for_leadership_review(document=document, user=team)

    def test_review_needs_reviewers_and_a_future_due_date(self, team, reviewer):
        document = PlanningDocumentFactory()
        with pytest.raises(WorkflowError, match="reviewer"):
            wf.send_for_stakeholder_review(document=document, user=team, reviewers=[], due=TOMORROW)
        with pytest.raises(WorkflowError, match="past"):
            wf.send_for_stakeholder_review(
                document=document,
                user=team,
                reviewers=[reviewer],
                due=datetime.date.today() - datetime.timedelta(days=1),
            )
        document.refresh_from_db()
        assert document.status == S.DRAFT

    def test_cannot_reopen_unless_approved(self, team):
        with pytest.raises(WorkflowError, match="Cannot reopen"):
            wf.reopen(document=PlanningDocumentFactory(), user=team)

    def test_cannot_present_a_draft_to_new_leadership(self, team):
        with pytest.raises(WorkflowError):
            wf.present_to_new_leadership(document=PlanningDocumentFactory(), user=team)

    def test_sections_frozen_during_review_and_after_approval(self, team, leader, reviewer):
        document = PlanningDocumentFactory()
        wf.send_for_stakeholder_review(
            document=document, user=team, reviewers=[reviewer], due=TOMORROW
        )
        with pytest.raises(m.documents.ValidationError, match="in stakeholder review"):
            wf.edit_section(section=section_of(document), user=team, body="changed")
        wf.mark_revised(document=document, user=team)
        wf.send_for_leadership_review(document=document, user=team)
        wf.approve(document=document, user=leader)
        with pytest.raises(m.documents.ValidationError, match="approved"):
            wf.edit_section(section=section_of(document), user=team, body="changed")

    def test_leadership_approves_but_does_not_edit_or_route(self, leader):
        document = PlanningDocumentFactory()
        with pytest.raises(PermissionDenied):
            wf.edit_section(section=section_of(document), user=leader, body="x")
        with pytest.raises(PermissionDenied):
            wf.reopen(document=document, user=leader)

    def test_team_cannot_approve(self, team, reviewer):
        document = PlanningDocumentFactory()
        wf.send_for_stakeholder_review(
            document=document, user=team, reviewers=[reviewer], due=TOMORROW
        )
        wf.mark_revised(document=document, user=team)
        wf.send_for_leadership_review(document=document, user=team)
        with pytest.raises(PermissionDenied):
            wf.approve(document=document, user=team)

    def test_only_named_reviewers_comment(self, team, reviewer, world):
        document = PlanningDocumentFactory()
        wf.send_for_stakeholder_review(
            document=document, user=team, reviewers=[reviewer], due=TOMORROW
        )
        vendor_contact = world.users[Role.VENDOR_CONTACT]
        with pytest.raises(PermissionDenied):
            wf.add_comment(section=section_of(document), user=vendor_contact, body="Hi")
        with pytest.raises(PermissionDenied):  # leadership comments only in its own review
            wf.add_comment(
                section=section_of(document), user=world.users[Role.LEADERSHIP], body="Hi"
            )

    def test_reviewer_cannot_comment_on_a_draft(self, reviewer, world):
        document = PlanningDocumentFactory()
        document.reviewers.add(reviewer)
        with pytest.raises(PermissionDenied):
            wf.add_comment(
                section=section_of(document), user=world.users[Role.LEA_COORDINATOR], body="Early"
            )

    def test_approval_refused_while_comments_are_open(self, team, leader, reviewer):
        document = PlanningDocumentFactory()
        wf.send_for_stakeholder_review(
            document=document, user=team, reviewers=[reviewer], due=TOMORROW
        )
        wf.mark_revised(document=document, user=team)
        wf.send_for_leadership_review(document=document, user=team)
        wf.add_comment(section=section_of(document), user=leader, body="Unclear goal")
        with pytest.raises(WorkflowError, match="Open comments"):
            wf.approve(document=document, user=leader)

    def test_resolving_twice_is_refused(self, team):
        document = PlanningDocumentFactory()
        comment = wf.add_comment(section=section_of(document), user=team, body="Typo")
        wf.resolve_comment(comment=comment, user=team, resolution="accepted")
        with pytest.raises(WorkflowError, match="already"):
            wf.resolve_comment(comment=comment, user=team, resolution="declined", reason="x")


@pytest.mark.django_db(transaction=True)
def test_reviewers_and_leaders_are_emailed(team, leader, reviewer, world):
    world.users[Role.LEA_COORDINATOR].email = "coordinator@example.org"
    world.users[Role.LEA_COORDINATOR].save()
    document = PlanningDocumentFactory()
    mail.outbox.clear()
    wf.send_for_stakeholder_review(document=document, user=team, reviewers=[reviewer], due=TOMORROW)
    assert mail.outbox[-1].to == ["coordinator@example.org"]
    assert "Please review" in mail.outbox[-1].subject
    wf.mark_revised(document=document, user=team)
    wf.send_for_leadership_review(document=document, user=team)
    assert leader.email in mail.outbox[-1].to
    assert m.Notification.objects.filter(recipient=leader, document=document).count() == 1
