"""The parallel-year part of the demo: a child-count cycle over the pilot LEAs, two finished
reconciliation runs of small synthetic files (the second after districts fixed part of what
the first found) and the second run's discrepancies in triage.

The runs are reconciled in this process by the service the job calls. Reconciliation
bulk-loads with PostgreSQL's COPY, so on SQLite the cycle is created without runs and
:func:`seed_parallel_story` says so. Idempotent: a cycle that exists is left as it is.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from django.core.files import File
from django.db import connection

from parallel.definitions import load_shipped_definitions
from parallel.models import (
    CollectionCycle,
    DiscrepancyGroup,
    ReportDefinition,
    ResponsibleParty,
    Side,
    TriageStatus,
)
from parallel.services.reconcile import run_reconciliation
from parallel.services.runs import start_reconciliation
from parallel.services.triage import triage_group
from parallel.services.uploads import upload_submission
from parallel.synthetic import generate
from rolloutplanner.demo import demo_step

CYCLE_NAME = "Child count (parallel year)"
DEFINITION_CODE = "idea-child-count-school-age"
STUDENTS = 300  # small: seeding stays well under 30 s
# (seed, share of students with an injected difference) per run: fewer after the fixes.
RUNS = [(11, 0.12), (11, 0.05)]


def seed_parallel_story(*, today: date, pilot_leas: Sequence, sea_user, mapping_plan=None) -> str:
    """Create the cycle (and on PostgreSQL its two runs); returns a note for the operator."""
    if CollectionCycle.objects.filter(name=CYCLE_NAME).exists():
        return ""
    load_shipped_definitions(ReportDefinition)
    definition = ReportDefinition.objects.get(code=DEFINITION_CODE)
    snapshot = date(today.year if today.month >= 10 else today.year - 1, 10, 1)
    cycle = CollectionCycle.objects.create(
        name=CYCLE_NAME,
        school_year=f"{snapshot.year}-{str(snapshot.year + 1)[2:]}",
        report_definition=definition,
        snapshot_date=snapshot,
        legacy_due_date=today - timedelta(days=20),
        edfi_due_date=today - timedelta(days=10),
        mapping_plan=mapping_plan,
    )
    cycle.leas.set(pilot_leas)
    if connection.vendor != "postgresql":
        return (
            "Parallel-year runs skipped: reconciliation needs PostgreSQL (set DATABASE_URL); "
            "the cycle was created without runs."
        )
    lea_ids = [lea.state_lea_id for lea in pilot_leas]
    shape = {
        "crosswalk": definition.crosswalk,
        "columns": definition.columns,
        "population": definition.population,
    }
    with tempfile.TemporaryDirectory(prefix="demo-parallel-") as folder:
        for number, (seed, rate) in enumerate(RUNS, start=1):
            files = generate(
                directory=Path(folder) / f"run-{number}",
                definition=shape,
                students=STUDENTS,
                rate=rate,
                seed=seed,
                snapshot=snapshot,
                lea_ids=lea_ids,
            )
            _upload(cycle, sea_user, files.legacy, Side.LEGACY)
            for path in files.edfi_files.values():
                _upload(cycle, sea_user, path, Side.EDFI)
            run = start_reconciliation(cycle=cycle, user=sea_user, queue=False)
            run_reconciliation(run=run)
    _triage(cycle, sea_user)
    return ""


def _upload(cycle, user, path: Path, side: str) -> None:
    with path.open("rb") as handle:
        upload_submission(cycle=cycle, user=user, side=side, uploaded=File(handle, name=path.name))


def _triage(cycle, user) -> None:
    """Triage about half of the latest run's groups; the rest stay open for the districts."""
    latest = cycle.runs.order_by("-number").first()
    groups = list(
        DiscrepancyGroup.objects.filter(run=latest, status=TriageStatus.OPEN).order_by(
            "lea__state_lea_id", "kind", "field"
        )
    )
    decisions = [
        (
            TriageStatus.EXPLAINED,
            "Students moved in after the snapshot date.",
            ResponsibleParty.LEA,
        ),
        (TriageStatus.FIXED_AT_SOURCE, "The SIS export was corrected.", ResponsibleParty.VENDOR),
        (TriageStatus.ACCEPTED, "Legacy rule differs; accepted by the SEA.", ResponsibleParty.SEA),
    ]
    for index, group in enumerate(groups[::2]):
        status, notes, party = decisions[index % len(decisions)]
        vendor = group.lea.sis_vendor if party == ResponsibleParty.VENDOR else None
        if party == ResponsibleParty.VENDOR and vendor is None:
            party = ResponsibleParty.LEA
        triage_group(
            group=group,
            user=user,
            status=status,
            notes=notes,
            responsible_party=party,
            responsible_vendor=vendor,
        )


@demo_step(90)
def seed_parallel_step(world: dict) -> None:
    world["note"] = seed_parallel_story(
        today=world["today"],
        pilot_leas=world["pilot"],
        sea_user=world["users"]["sea"],
        mapping_plan=world["mapping_plan"],
    )
