"""What a reconciliation run reads, and what either way of comparing leaves for the writer.

The columnar engine (``parallel.columnar``) and the SQL path (``parallel.services.reconcile``)
take the same :class:`Inputs` and leave the same :class:`Outcome`: three staging tables that
one writer stores in the run's single transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from parallel.importers.legacy_csv import LegacyFile


@dataclass(frozen=True)
class Inputs:
    """What a run reads, resolved and checked to exist by the caller."""

    definition: object
    snapshot: date
    legacy: list[LegacyFile]
    edfi: dict[str, Path]  # endpoint → file, for each resource the derivation reads
    edfi_names: dict[str, str]  # endpoint → the file's name as uploaded
    lea_ids: list[str]
    crosswalk: dict[str, dict[str, str]]
    known: dict[str, set[str]]


@dataclass
class Outcome:
    """The staging tables a comparison leaves (differences, differing cells, records per LEA)
    and what the run reports beside them."""

    diff: str
    cells: str
    counts: str
    cells_differing: int
    missing: list[dict]
    outside_cycle: int
