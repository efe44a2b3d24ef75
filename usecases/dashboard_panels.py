"""The planning tiles on the home pages: reviews waiting for the SEA team, approvals waiting
for leadership, and the toolkit checklist's progress."""

from __future__ import annotations

from django.urls import reverse

from rolloutplanner.home import (
    LEADERSHIP_HOME,
    SEA_HOME,
    Tile,
    TileCount,
    TileEntry,
    counted,
    home_tile,
)
from usecases.filtersets import DocumentFilterSet
from usecases.models import ChecklistLevel, DocumentStatus, PlanningDocument
from usecases.selectors.checklist import checklist_progress

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


@home_tile("toolkit-checklist", order=15, roles=SEA_HOME)
def toolkit_checklist(user) -> Tile:
    """The toolkit tasks done (by evidence, by hand or by their parts) and the next ones open.

    The counts link to the checklist page filtered the same way (``show`` and ``level``), so
    the number on the tile is the number of rows that page lists.
    """
    rows = checklist_progress(user=user)
    tasks = [row for row in rows if row.task.level == ChecklistLevel.TASK]
    done = [row for row in tasks if row.done]
    page = reverse("usecases:checklisttask-list")
    return Tile(
        key="toolkit-checklist",
        title="Toolkit checklist",
        summary="Tasks complete themselves when their evidence appears in the planner.",
        counts=(
            TileCount("Tasks done", len(done), f"{page}?show=done&level=task"),
            TileCount("Tasks open", len(tasks) - len(done), f"{page}?show=open&level=task"),
        ),
        entries=tuple(
            TileEntry(
                label=f"{row.task.number} {row.task.title}",
                url=f"{page}#task-{row.task.pk}",
                note=row.evidence.asked if row.evidence else "marked done by hand",
            )
            for row in tasks
            if not row.done
        )[:5],
        more_url=page,
        more_label="The whole checklist with its evidence",
    )
