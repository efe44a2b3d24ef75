"""Which evidence completes which task of the toolkit checklist (issue 17), as data.

Keyed by checklist number (``ChecklistTask.number``: tasks "1.1" and activities "1.1.1").
A number without a rule is completed only by a person marking it done. A step is met when
every task under it is. The kinds are registered by the apps that hold the evidence
(``<app>/evidence.py``); ``tests/usecases/test_checklist_evidence.py`` checks that each kind
named here is registered.
"""

from __future__ import annotations

from rolloutplanner.evidence import EvidenceRule

USE_CASE = {"kind": "use_case"}
SCOPE = {"kind": "scope"}

# The toolkit asks for "substantial" coverage before ETL; 80% is the SEA team's working bar.
COVERAGE_PERCENT = 80

CHECKLIST_EVIDENCE: dict[str, EvidenceRule] = {
    # Step 1: define goals for integration
    "1.1": EvidenceRule("document_approved", USE_CASE),
    "1.1.1": EvidenceRule("document_reviewed", USE_CASE),
    "1.1.2": EvidenceRule("document_approved", USE_CASE),
    "1.2": EvidenceRule("assessment_round_closed"),
    "1.2.1": EvidenceRule("assessment_round_closed"),
    "1.2.2": EvidenceRule("data_flows_documented", {"minimum": 1}),
    "1.3": EvidenceRule("document_approved", SCOPE),
    "1.3.1": EvidenceRule("document_reviewed", SCOPE),
    "1.3.2": EvidenceRule("document_approved", SCOPE),
    # Step 2: project plan and structure
    "2.1": EvidenceRule("stakeholders_listed", {"minimum": 1, "category": "data_steward"}),
    "2.1.1": EvidenceRule("stakeholders_listed", {"minimum": 3}),
    "2.1.2": EvidenceRule("stakeholders_listed", {"minimum": 1, "category": "data_steward"}),
    "2.2": EvidenceRule("communication_plan", {"minimum": 1}),
    "2.2.2": EvidenceRule("communication_plan", {"minimum": 1}),
    "2.4": EvidenceRule("pilot_cohort_saved"),
    "2.4.1": EvidenceRule("pilot_cohort_saved"),
    # Step 3: map source data elements
    "3.1": EvidenceRule("coverage_above", {"percent": COVERAGE_PERCENT}),
    "3.1.1": EvidenceRule("data_requirements_listed", {"minimum": 1}),
    "3.1.2": EvidenceRule("coverage_above", {"percent": COVERAGE_PERCENT}),
    # Step 4: ETL, compared with the legacy collection
    "4.2": EvidenceRule("parallel_run_within_tolerance", {"percent": 100}),
    "4.2.3": EvidenceRule("parallel_run_within_tolerance", {"percent": 100}),
}
