"""The planning documents' tiles on the home pages: reviews waiting for the SEA team, and
approvals waiting for leadership."""

from __future__ import annotations

from rolloutplanner.home import LEADERSHIP_HOME, SEA_HOME, Tile, TileEntry, counted, home_tile
from usecases.filtersets import DocumentFilterSet
from usecases.models import DocumentStatus, PlanningDocument

LISTED = 5


def _documents_in(user, status: DocumentStatus, *, key: str, title: str, summary: str) -> Tile:
    documents = PlanningDocument.objects.restrict(user)
    count = counted(
        status.label,
        "usecases:planningdocument-list",
        DocumentFilterSet,
        documents,
        user=user,
        status=status.value,
    )
    listed = documents.filter(status=status).order_by("review_due", "title", "pk")[:LISTED]
    return Tile(
        key=key,
        title=title,
        summary=summary,
        counts=(count,),
        entries=tuple(
            TileEntry(
                label=document.title,
                url=document.get_absolute_url(),
                note=f"{document.get_kind_display()}, version {document.version}"
                + (f", review due {document.review_due:%Y-%m-%d}" if document.review_due else ""),
            )
            for document in listed
        ),
    )


@home_tile("documents-in-review", order=50, roles=SEA_HOME)
def documents_in_review(user) -> Tile:
    return _documents_in(
        user,
        DocumentStatus.STAKEHOLDER_REVIEW,
        key="documents-in-review",
        title="Documents in stakeholder review",
        summary="Use cases and scope documents whose reviewers' comments the team is waiting for.",
    )


@home_tile("approvals-waiting", order=1, roles=LEADERSHIP_HOME)
def approvals_waiting(user) -> Tile:
    return _documents_in(
        user,
        DocumentStatus.LEADERSHIP_REVIEW,
        key="approvals-waiting",
        title="Approvals waiting for you",
        summary="Documents the SEA team has sent to leadership for approval.",
    )
