"""The review and approval workflow of planning documents.

draft → in stakeholder review → revised → in leadership review → approved; leadership may
return a document (→ revised); an approved document is reopened as a new version (→ draft) or
presented to new leadership (→ in leadership review, same version). Every refused transition
raises :class:`WorkflowError` with a message for the user.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from rolloutplanner.review import check_approver
from rolloutplanner.roles import UNRESTRICTED_ROLES, Role, role_of
from usecases.models import (
    Approval,
    ApprovalKind,
    CommentResolution,
    DocumentKind,
    DocumentSection,
    DocumentStatus,
    DocumentVersion,
    PlanningDocument,
    SectionComment,
    Stakeholder,
    ensure_editable,
)
from usecases.services.notifications import notify
from usecases.templates_data import section_templates

S = DocumentStatus


class WorkflowError(ValidationError):
    """A transition the document's state or the user's role does not allow."""


def _require_team(user) -> None:
    if role_of(user) not in UNRESTRICTED_ROLES:
        raise PermissionDenied("Only the SEA project team edits and routes planning documents.")


def _require_leadership(user) -> None:
    if role_of(user) not in (Role.LEADERSHIP, Role.ADMINISTRATOR):
        raise PermissionDenied("Only leadership approves or returns planning documents.")


def _require_status(document: PlanningDocument, *allowed: str, action: str) -> None:
    if document.status not in allowed:
        names = " or ".join(S(status).label.lower() for status in allowed)
        raise WorkflowError(
            f"Cannot {action}: “{document}” is {document.get_status_display().lower()}, "
            f"not {names}."
        )


def _require_no_open_comments(document: PlanningDocument) -> None:
    open_count = SectionComment.objects.filter(
        section__document=document, resolution=CommentResolution.OPEN
    ).count()
    if open_count:
        raise WorkflowError(f"Resolve the {open_count} open comment(s) first.")


def _locked(document: PlanningDocument) -> PlanningDocument:
    """Lock the row, then refresh the caller's instance in place so it sees the new state."""
    list(PlanningDocument.objects.select_for_update().filter(pk=document.pk).values("pk"))
    document.refresh_from_db()
    return document


def snapshot(document: PlanningDocument) -> list[dict]:
    """The document's content, section by section, as text (structured rows rendered)."""
    sections = [
        {"key": s.key, "heading": s.heading, "body": s.body}
        for s in document.sections.order_by("position")
    ]
    if document.kind == DocumentKind.USE_CASE:
        sections += [
            _rows(
                "data_rows",
                "Data required (rows)",
                document.data_requirements.all(),
                lambda r: f"{r.source_label}: {r.elements}",
            ),
            _rows(
                "stakeholder_rows",
                "Stakeholder impact (rows)",
                document.stakeholder_impacts.select_related("stakeholder"),
                lambda r: f"{r.stakeholder.name}: {r.impact} (access: {r.data_access or '—'})",
            ),
            _rows(
                "risk_rows",
                "Risks (rows)",
                document.risks.select_related("owner"),
                lambda r: (
                    f"{r.description} [likelihood {r.likelihood}, impact {r.impact}; "
                    f"owner {r.owner.name if r.owner else 'none'}] mitigation: {r.mitigation}"
                ),
            ),
        ]
    else:
        sections.append(
            _rows(
                "scope_rows",
                "Scope items",
                document.scope_items.all(),
                lambda r: f"{r.get_category_display()}: {r.text}",
            )
        )
    return sections


def _rows(key: str, heading: str, rows: Iterable, render) -> dict:
    return {"key": key, "heading": heading, "body": "\n".join(f"- {render(r)}" for r in rows)}


def _record_version(document: PlanningDocument) -> DocumentVersion:
    version, _ = DocumentVersion.objects.update_or_create(
        document=document,
        number=document.version,
        defaults={
            "sections": snapshot(document),
            "status": document.status,
            "recorded_at": timezone.now(),
        },
    )
    return version


def _save(document: PlanningDocument, reason: str) -> PlanningDocument:
    document._change_reason = reason
    document.save()
    _record_version(document)
    return document


def _users_of(stakeholders: Iterable[Stakeholder]) -> list:
    return [s.user for s in stakeholders if s.user_id]


def _leaders() -> list:
    return list(get_user_model().objects.filter(profile__role=Role.LEADERSHIP, is_active=True))


@transaction.atomic
def create_document(*, kind: str, title: str, user, timeline_phase: str = "") -> PlanningDocument:
    """A new draft with the template's sections (headings and guidance from the toolkit)."""
    _require_team(user)
    document = PlanningDocument.objects.create(
        kind=kind, title=title, timeline_phase=timeline_phase
    )
    for position, template in enumerate(section_templates(kind)):
        DocumentSection.objects.create(
            document=document,
            key=template["key"],
            heading=template["heading"],
            guidance=template["guidance"],
            position=position,
        )
    _record_version(document)
    return document


@transaction.atomic
def edit_section(*, section: DocumentSection, user, body: str, heading: str | None = None):
    """Save one section's text; refused while the document is under review or approved."""
    _require_team(user)
    ensure_editable(section.document)
    section.body = body
    if heading:
        section.heading = heading
    section._change_reason = f"edited in v{section.document.version}"
    section.save()
    return section


@transaction.atomic
def send_for_stakeholder_review(
    *, document: PlanningDocument, user, reviewers: Iterable[Stakeholder], due: datetime.date
) -> PlanningDocument:
    """draft → in stakeholder review, with named reviewers and a due date; reviewers notified."""
    _require_team(user)
    document = _locked(document)
    _require_status(document, S.DRAFT, action="send for stakeholder review")
    reviewers = list(reviewers)
    if not reviewers:
        raise WorkflowError("Name at least one reviewer.")
    if due < timezone.localdate():
        raise WorkflowError("The review due date cannot be in the past.")
    document.status = S.STAKEHOLDER_REVIEW
    document.review_due = due
    _save(document, f"sent for stakeholder review (v{document.version})")
    document.reviewers.set(reviewers)
    notify(
        users=_users_of(reviewers),
        document=document,
        message=f"Please review “{document}” v{document.version} by {due:%Y-%m-%d}.",
    )
    return document


def can_comment(user, document: PlanningDocument) -> bool:
    """SEA team always; leadership during leadership review; others when named reviewers."""
    role = role_of(user)
    if role in UNRESTRICTED_ROLES:
        return True
    if role == Role.LEADERSHIP:
        return document.status == S.LEADERSHIP_REVIEW
    return document.status == S.STAKEHOLDER_REVIEW and document.reviewers.filter(user=user).exists()


@transaction.atomic
def add_comment(*, section: DocumentSection, user, body: str) -> SectionComment:
    """A comment on one section by a named reviewer (or the team / leadership in its review)."""
    document = section.document
    if not can_comment(user, document):
        raise PermissionDenied(
            "You can comment on this document only as a named reviewer while it is in review."
        )
    if not body.strip():
        raise WorkflowError("A comment needs some text.")
    comment = SectionComment.objects.create(
        section=section, version=document.version, author=user, body=body.strip()
    )
    return comment


@transaction.atomic
def resolve_comment(
    *, comment: SectionComment, user, resolution: str, reason: str = ""
) -> SectionComment:
    """The author accepts or declines a comment; declining needs a reason."""
    _require_team(user)
    if comment.resolution != CommentResolution.OPEN:
        raise WorkflowError("This comment is already resolved.")
    if resolution not in (CommentResolution.ACCEPTED, CommentResolution.DECLINED):
        raise WorkflowError("Resolve a comment as accepted or declined.")
    if resolution == CommentResolution.DECLINED and not reason.strip():
        raise WorkflowError("Give the reason for declining the comment.")
    comment.resolution = resolution
    comment.resolution_reason = reason.strip()
    comment.resolved_by = user
    comment.resolved_at = timezone.now()
    comment.save()
    if comment.author_id != user.pk:
        notify(
            users=[comment.author],
            document=comment.section.document,
            message=f"Your comment on “{comment.section.heading}” was {resolution}.",
        )
    return comment


@transaction.atomic
def mark_revised(*, document: PlanningDocument, user) -> PlanningDocument:
    """in stakeholder review → revised, once every comment of this version is resolved."""
    _require_team(user)
    document = _locked(document)
    _require_status(document, S.STAKEHOLDER_REVIEW, action="mark as revised")
    _require_no_open_comments(document)
    document.status = S.REVISED
    return _save(document, f"revised after stakeholder review (v{document.version})")


@transaction.atomic
def send_for_leadership_review(*, document: PlanningDocument, user) -> PlanningDocument:
    """revised → in leadership review; leadership notified."""
    _require_team(user)
    document = _locked(document)
    _require_status(document, S.REVISED, action="send for leadership review")
    _require_no_open_comments(document)
    document.status = S.LEADERSHIP_REVIEW
    document.representation = False
    document.submitted_by = user
    _save(document, f"sent for leadership review (v{document.version})")
    notify(
        users=_leaders(),
        document=document,
        message=f"“{document}” v{document.version} awaits your approval.",
    )
    return document


@transaction.atomic
def approve(*, document: PlanningDocument, user, comment: str = "") -> Approval:
    """in leadership review → approved; records who, when and which version.

    Refused (SelfApprovalRefused) to whoever sent the version to leadership (four eyes).
    """
    _require_leadership(user)
    document = _locked(document)
    _require_status(document, S.LEADERSHIP_REVIEW, action="approve")
    check_approver(user=user, author_id=document.submitted_by_id, what=f"“{document}”")
    if SectionComment.objects.filter(
        section__document=document, resolution=CommentResolution.OPEN
    ).exists():
        raise WorkflowError("Open comments remain; return the document instead.")
    kind = ApprovalKind.RE_APPROVED if document.representation else ApprovalKind.APPROVED
    document.status = S.APPROVED
    document.representation = False
    _save(document, f"approved v{document.version}")
    approval = Approval.objects.create(
        document=document, version=document.version, kind=kind, decided_by=user, comment=comment
    )
    notify(
        users=_team_members(),
        document=document,
        message=f"“{document}” v{document.version} was approved by {user.get_full_name() or user}.",
    )
    return approval


@transaction.atomic
def return_to_author(*, document: PlanningDocument, user, comment: str) -> Approval:
    """in leadership review → revised, with leadership's comments."""
    _require_leadership(user)
    document = _locked(document)
    _require_status(document, S.LEADERSHIP_REVIEW, action="return the document")
    if not comment.strip():
        raise WorkflowError("Say why the document is returned.")
    document.status = S.REVISED
    document.representation = False
    _save(document, f"returned by leadership (v{document.version})")
    approval = Approval.objects.create(
        document=document,
        version=document.version,
        kind=ApprovalKind.RETURNED,
        decided_by=user,
        comment=comment.strip(),
    )
    notify(users=_team_members(), document=document, message=f"“{document}” was returned.")
    return approval


@transaction.atomic
def reopen(*, document: PlanningDocument, user) -> PlanningDocument:
    """approved → draft as a new version; the approved version stays recorded."""
    _require_team(user)
    document = _locked(document)
    _require_status(document, S.APPROVED, action="reopen")
    document.version += 1
    document.status = S.DRAFT
    document.review_due = None
    # Reviewers stay named: they are the default reviewers of the next round.
    return _save(document, f"reopened as v{document.version}")


@transaction.atomic
def present_to_new_leadership(*, document: PlanningDocument, user) -> PlanningDocument:
    """approved → in leadership review for the same version, when leadership changes."""
    _require_team(user)
    document = _locked(document)
    _require_status(document, S.APPROVED, action="present to new leadership")
    document.status = S.LEADERSHIP_REVIEW
    document.representation = True
    document.submitted_by = user
    _save(document, f"presented to new leadership (v{document.version})")
    notify(
        users=_leaders(),
        document=document,
        message=f"“{document}” v{document.version} is presented to you for approval.",
    )
    return document


def _team_members() -> list:
    return list(get_user_model().objects.filter(profile__role=Role.SEA_TEAM, is_active=True))
