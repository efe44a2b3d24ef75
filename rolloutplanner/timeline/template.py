"""The rollout template: five phases and their steps, loaded by ``load_timeline_template``.

Written for this project from the phases an Ed-Fi statewide rollout goes through (pre-planning,
planning, pilot, parallel year, production). Each step: (code, name, offset in weeks from the
template start, duration in weeks, codes of the steps it follows finish-to-start). Every step
starts on or after the week its predecessors end (their start plus their weeks), so the plan as
loaded forecasts no delay of its own.
"""

from __future__ import annotations

from typing import NamedTuple


class TemplateStep(NamedTuple):
    code: str
    name: str
    start_week: int
    weeks: int
    after: tuple[str, ...] = ()


class TemplatePhase(NamedTuple):
    number: int
    name: str
    description: str
    steps: tuple[TemplateStep, ...]


ROLLOUT_TEMPLATE: tuple[TemplatePhase, ...] = (
    TemplatePhase(
        1,
        "Pre-planning",
        "Decide the scope, governance and funding of the rollout.",
        (
            TemplateStep("1.1", "Establish governance and steering committee", 0, 4),
            TemplateStep("1.2", "Inventory collections and use cases", 4, 6, ("1.1",)),
            TemplateStep("1.3", "Survey LEA and vendor readiness", 4, 6, ("1.1",)),
            TemplateStep("1.4", "Approve scope, budget and timeline", 10, 2, ("1.2", "1.3")),
        ),
    ),
    TemplatePhase(
        2,
        "Planning",
        "Map the state's collections to Ed-Fi and prepare the platform.",
        (
            TemplateStep("2.1a", "Data model mapping", 12, 8, ("1.4",)),
            TemplateStep("2.1b", "Descriptor mapping", 14, 8, ("1.4",)),
            TemplateStep("2.2", "Extensions and data standard decisions", 20, 4, ("2.1a",)),
            TemplateStep("2.3", "Validation rules and business rules", 24, 4, ("2.2",)),
            TemplateStep("2.4", "Select pilot LEAs and vendors", 16, 4, ("1.4",)),
            TemplateStep("2.5", "Stand up the ODS / API environments", 18, 8, ("1.4",)),
        ),
    ),
    TemplatePhase(
        3,
        "Pilot",
        "Pilot LEAs and their vendors send data to the state's Ed-Fi API.",
        (
            TemplateStep("3.1", "Vendor certification", 28, 8, ("2.3", "2.5")),
            TemplateStep("3.2", "Pilot LEA onboarding", 30, 6, ("2.4", "2.5")),
            TemplateStep("3.3", "Pilot data loads and validation", 36, 8, ("3.1", "3.2")),
            TemplateStep("3.4", "Training and support materials", 32, 8, ("2.4",)),
            TemplateStep("3.5", "Key/secret management", 30, 4, ("2.5",)),
        ),
    ),
    TemplatePhase(
        4,
        "Parallel",
        "Legacy collection and Ed-Fi run side by side; results are compared.",
        (
            TemplateStep("4.1", "Statewide LEA onboarding", 44, 8, ("3.3",)),
            TemplateStep("4.2", "Parallel-year collection", 52, 16, ("4.1",)),
            TemplateStep("4.3", "Match-rate reconciliation", 68, 4, ("4.2",)),
            TemplateStep("4.4", "Go / no-go decision", 72, 2, ("4.3",)),
        ),
    ),
    TemplatePhase(
        5,
        "Production",
        "Ed-Fi becomes the system of record; the legacy collection is retired.",
        (
            TemplateStep("5.1", "Production cut-over", 74, 4, ("4.4",)),
            TemplateStep("5.2", "Retire legacy collection", 78, 8, ("5.1",)),
            TemplateStep("5.3", "Production go-live", 86, 1, ("5.2",)),
        ),
    ),
)

# The step whose finish is "the production date" for critical-path questions.
PRODUCTION_STEP_CODE = "5.3"
