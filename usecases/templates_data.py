"""Section headings and guidance of the planning documents, from the CIID toolkit data.

Read from ``usecases/data/ciid_toolkit.json`` (copied into the project; see data/README.md).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# Use-case sections: the key, the toolkit heading it takes its guidance from (None: ours).
_USE_CASE_SECTIONS = [
    ("summary", "Use Case Summary"),
    ("need", "Need(s) Statement(s) or Associated Question(s)"),
    ("goals", None),
    ("data_required", "Data Required"),
    ("stakeholders", "Stakeholder Impact and Data Access"),
    ("timing", "Timing and Calendar Related Considerations"),
    ("risks", "Risks and Mitigations"),
]
_GOALS = {
    "heading": "Goals, Expected Outcomes and Benefits",
    "guidance": (
        "State what the integration should achieve and how stakeholders within the SEA benefit "
        "(toolkit activity 1.1.1: demonstrate the benefits of data integration to critical "
        "stakeholders; establish the general scope for the project)."
    ),
}
_SCOPE_SECTIONS = [
    (
        "objectives",
        "Objectives and Projected Timeline",
        "The EDFacts files and outcomes this project covers and when each is expected.",
    ),
    (
        "self_assessment",
        "Self-Assessment Takeaways",
        "What the self-assessment showed about readiness, and what it means for scope.",
    ),
    (
        "architecture",
        "Enterprise Architecture Takeaways",
        "What the data-system inventory showed; systems and flows the project changes.",
    ),
    (
        "commitments",
        "Support Commitments",
        "What the SEA and partners commit (staff, time, infrastructure).",
    ),
    (
        "exclusions",
        "Scope Exclusions and Parking Lot",
        "What is explicitly out of scope now, and ideas kept for later.",
    ),
]


@cache
def toolkit() -> dict:
    return json.loads((DATA_DIR / "ciid_toolkit.json").read_text(encoding="utf-8"))


def _use_case_guidance() -> dict[str, dict]:
    return {s["heading"]: s for s in toolkit()["templates"]["use_case"]["sections"]}


def section_templates(kind: str) -> list[dict]:
    """[{key, heading, guidance}] for a new document of ``kind`` ("use_case" or "scope")."""
    if kind == "scope":
        return [{"key": k, "heading": h, "guidance": g} for k, h, g in _SCOPE_SECTIONS]
    by_heading = _use_case_guidance()
    templates = []
    for key, source in _USE_CASE_SECTIONS:
        if source is None:
            templates.append({"key": key, **_GOALS})
            continue
        section = by_heading[source]
        example = "; ".join(f"{k}: {v}" for k, v in section.get("example", {}).items())
        guidance = section["instructions"] + (f"\n\nExample — {example}" if example else "")
        templates.append({"key": key, "heading": source, "guidance": guidance})
    return templates


def checklist_rows() -> list[dict]:
    """The toolkit's steps → tasks → activities, flattened in order with parent numbers."""
    rows = []
    for step in toolkit()["steps"]:
        rows.append(
            {
                "number": str(step["number"]),
                "level": "step",
                "title": step["title"],
                "parent": None,
                "guidance": "",
            }
        )
        for task in step["tasks"]:
            resources = ", ".join(task.get("resources", []))
            rows.append(
                {
                    "number": task["number"],
                    "level": "task",
                    "title": task["title"],
                    "parent": str(step["number"]),
                    "guidance": f"Resources: {resources}" if resources else "",
                }
            )
            for activity in task["activities"]:
                rows.append(
                    {
                        "number": activity["number"],
                        "level": "activity",
                        "title": activity["title"],
                        "parent": task["number"],
                        "guidance": "\n".join(activity.get("bullets", [])),
                    }
                )
    return rows


def default_instrument() -> dict:
    return json.loads((DATA_DIR / "self_assessment_instrument.json").read_text(encoding="utf-8"))


def preplanning_decisions() -> list[dict]:
    return json.loads((DATA_DIR / "decisions.json").read_text(encoding="utf-8"))["decisions"]
