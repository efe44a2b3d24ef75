"""What an export prints: one structure feeds both the PDF and the DOCX writer."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from usecases import models as m
from usecases.selectors.assessment import rater_count, round_results


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class Block:
    heading: str
    text: str = ""
    tables: list[Table] = field(default_factory=list)


@dataclass
class ExportContent:
    title: str
    subtitle: str
    status_line: str
    blocks: list[Block]
    filename: str


def _approval_line(document: m.PlanningDocument) -> str:
    latest = (
        document.approvals.filter(version=document.version)
        .exclude(kind=m.ApprovalKind.RETURNED)
        .select_related("decided_by")
        .last()
    )
    line = f"Version {document.version} · Status: {document.get_status_display()}"
    if latest:
        who = latest.decided_by.get_full_name() or latest.decided_by.get_username()
        line += f" · {latest.get_kind_display()} by {who} on {latest.decided_at:%Y-%m-%d}"
    return line


def _use_case_tables(document: m.PlanningDocument) -> dict[str, Table]:
    """The structured rows of a use case, keyed by the section they belong under."""
    return {
        "data_required": Table(
            "Data required",
            ["Data source or collection", "Data elements", "State elements"],
            [
                [r.source_label, r.elements, r.state_element_names]
                for r in document.data_requirements.select_related("data_system").prefetch_related(
                    "state_elements__collection"
                )
            ],
        ),
        "stakeholders": Table(
            "Stakeholders",
            ["Stakeholder", "Impact", "How will they access the data?"],
            [
                [r.stakeholder.name, r.impact, r.data_access]
                for r in document.stakeholder_impacts.select_related("stakeholder")
            ],
        ),
        "risks": Table(
            "Risks",
            ["Risk", "Likelihood", "Impact", "Mitigation", "Owner"],
            [
                [
                    r.description,
                    r.get_likelihood_display(),
                    r.get_impact_display(),
                    r.mitigation,
                    r.owner.name if r.owner else "none",
                ]
                for r in document.risks.select_related("owner")
            ],
        ),
    }


def document_content(document: m.PlanningDocument) -> ExportContent:
    tables = _use_case_tables(document) if document.kind == m.DocumentKind.USE_CASE else {}
    blocks = [
        Block(
            s.heading,
            s.body if s.body or s.key in tables else "(not written yet)",
            [tables[s.key]] if s.key in tables else [],
        )
        for s in document.sections.all()
    ]
    if document.kind == m.DocumentKind.SCOPE:
        for category, label in m.ScopeCategory.choices:
            items = document.scope_items.filter(category=category).prefetch_related("use_cases")
            rows = [
                [i.text, ", ".join(u.title for u in i.use_cases.all()) or "none"] for i in items
            ]
            blocks.append(Block(label, tables=[Table(label, ["Item", "Serves use cases"], rows)]))
    return ExportContent(
        title=document.title,
        subtitle=document.get_kind_display(),
        status_line=_approval_line(document),
        blocks=blocks,
        filename=f"{document.get_kind_display().lower().replace(' ', '-')}-{document.pk}"
        f"-v{document.version}",
    )


def round_content(round_: m.AssessmentRound) -> ExportContent:
    instrument = round_.instrument
    scale = "; ".join(f"{n} = {instrument.level_label(n)}" for n in (1, 2, 3, 4))
    blocks = [Block("Rating scale", scale)]
    for dim in round_results(round_):
        blocks.append(
            Block(
                dim.dimension.title,
                f"Agreed mean level: {dim.agreed_mean or '—'}",
                tables=[
                    Table(
                        dim.dimension.title,
                        ["Item", "Raters' levels", "Spread", "Agreed level"],
                        [
                            [
                                r.item.text,
                                ", ".join(map(str, r.levels)) or "—",
                                "—" if r.spread is None else str(r.spread),
                                str(r.agreed) if r.agreed else "—",
                            ]
                            for r in dim.items
                        ],
                    )
                ],
            )
        )
    return ExportContent(
        title=f"Self-assessment: {round_.name}",
        subtitle=round_.instrument.name,
        status_line=f"Held on {round_.held_on:%Y-%m-%d} · {_raters(round_)} · "
        f"exported {timezone.localdate():%Y-%m-%d}",
        blocks=blocks,
        filename=f"self-assessment-{round_.pk}",
    )


def _raters(round_: m.AssessmentRound) -> str:
    count = rater_count(round_)
    return f"{count} rater{'s' if count != 1 else ''}"
