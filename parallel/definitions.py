"""The report definitions shipped with the app (``parallel/data/definitions.json``)."""

from __future__ import annotations

import json
from pathlib import Path

DEFINITIONS_FILE = Path(__file__).resolve().parent / "data" / "definitions.json"
FIELDS = [
    "name", "file_specs", "derivation", "columns", "record_key", "compared_fields",
    "category_sets", "crosswalk", "population", "tolerance_absolute", "tolerance_percent",
    "source", "edfi_source",
]  # fmt: skip


def shipped_definitions() -> list[dict]:
    return json.loads(DEFINITIONS_FILE.read_text(encoding="utf-8"))


def load_shipped_definitions(model, *, overwrite: bool = False) -> int:
    """Create the shipped definitions (update them too when ``overwrite``); returns how many."""
    count = 0
    # A migration's historical model has only the fields of its time.
    known = {f.name for f in model._meta.get_fields()}
    for data in shipped_definitions():
        values = {name: data[name] for name in FIELDS if name in known}
        if overwrite:
            model.objects.update_or_create(code=data["code"], defaults=values)
            count += 1
        else:
            _, created = model.objects.get_or_create(code=data["code"], defaults=values)
            count += created
    return count


def default_edfi_source(derivation: str) -> dict:
    """The Ed-Fi source of the first shipped definition with ``derivation``."""
    for data in shipped_definitions():
        if data["derivation"] == derivation:
            return data["edfi_source"]
    return {}


def edfi_source_of(definition) -> dict:
    """A definition's Ed-Fi source; one without its own uses its derivation's shipped one."""
    return definition.edfi_source or default_edfi_source(definition.derivation)
