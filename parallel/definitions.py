"""The report definitions shipped with the app (``parallel/data/definitions.json``)."""

from __future__ import annotations

import json
from pathlib import Path

DEFINITIONS_FILE = Path(__file__).resolve().parent / "data" / "definitions.json"
FIELDS = [
    "name", "file_specs", "derivation", "columns", "record_key", "compared_fields",
    "category_sets", "crosswalk", "population", "tolerance_absolute", "tolerance_percent",
    "source",
]  # fmt: skip


def shipped_definitions() -> list[dict]:
    return json.loads(DEFINITIONS_FILE.read_text(encoding="utf-8"))


def load_shipped_definitions(model, *, overwrite: bool = False) -> int:
    """Create the shipped definitions (update them too when ``overwrite``); returns how many."""
    count = 0
    for data in shipped_definitions():
        values = {name: data[name] for name in FIELDS}
        if overwrite:
            model.objects.update_or_create(code=data["code"], defaults=values)
            count += 1
        else:
            _, created = model.objects.get_or_create(code=data["code"], defaults=values)
            count += created
    return count
