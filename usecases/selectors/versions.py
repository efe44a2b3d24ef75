from __future__ import annotations

import difflib
from dataclasses import dataclass

from usecases.models import PlanningDocument


@dataclass
class SectionDiff:
    heading: str
    status: str  # "unchanged", "changed", "added", "removed"
    lines: list[tuple[str, str]]  # (kind, text): kind in " ", "-", "+"


def version_sections(document: PlanningDocument, number: int) -> list[dict]:
    """A version's sections; the current version is read live (it may have unsaved edits)."""
    from usecases.services.documents import snapshot

    if number == document.version:
        return snapshot(document)
    version = document.versions.filter(number=number).first()
    if version is None:
        raise LookupError(f"Version {number} of “{document}” does not exist.")
    return version.sections


def diff_versions(document: PlanningDocument, older: int, newer: int) -> list[SectionDiff]:
    """Section-by-section differences between two versions, line by line."""
    old = {s["key"]: s for s in version_sections(document, older)}
    new = {s["key"]: s for s in version_sections(document, newer)}
    keys = list(new) + [k for k in old if k not in new]
    diffs = []
    for key in keys:
        before, after = old.get(key), new.get(key)
        heading = (after or before)["heading"]
        old_lines = before["body"].splitlines() if before else []
        new_lines = after["body"].splitlines() if after else []
        if before is None:
            status = "added"
        elif after is None:
            status = "removed"
        else:
            status = "unchanged" if old_lines == new_lines else "changed"
        lines = []
        for line in difflib.ndiff(old_lines, new_lines):
            if line.startswith("?"):
                continue
            lines.append((line[0], line[2:]))
        diffs.append(SectionDiff(heading=heading, status=status, lines=lines))
    return diffs
