"""Build ``edfi_contract.json``: the Ed-Fi API contract of the resources a reconciliation reads.

    python parallel/data/build_contract.py path/to/resources-ds-5.0.yaml

The source is Ed-Fi's published OpenAPI specification of the resources API (Apache-2.0, see
README.md). For each resource the file keeps what the Ed-Fi API itself checks of a record's
structure: required members, each member's JSON type, string lengths and date formats, with
references and collections resolved two levels deep (deeper members are left out).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

RESOURCES = {
    "students": "edFi_student",
    "studentEducationOrganizationAssociations": "edFi_studentEducationOrganizationAssociation",
    "studentSpecialEducationProgramAssociations": (
        "edFi_studentSpecialEducationProgramAssociation"
    ),
    "studentSchoolAssociations": "edFi_studentSchoolAssociation",
    "schools": "edFi_school",
}
DEPTH = 2
# Members the Ed-Fi API writes itself (resource id, links, change tracking): not the data's.
SERVER_MEMBERS = ("id", "link", "_etag", "_lastModifiedDate", "_ext")


def _resolve(schema: dict, schemas: dict) -> dict:
    while "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _spec(schema: dict, schemas: dict, depth: int) -> dict:
    schema = _resolve(schema, schemas)
    kind = schema.get("type", "object")
    spec: dict = {"type": kind}
    for key in ("maxLength", "minLength", "format"):
        if key in schema:
            spec[key] = schema[key]
    if kind == "object" and depth > 0 and "properties" in schema:
        spec["properties"] = {
            name: _spec(member, schemas, depth - 1)
            for name, member in schema["properties"].items()
            if name not in SERVER_MEMBERS
        }
        spec["required"] = list(schema.get("required", []))
    if kind == "array" and depth > 0 and "items" in schema:
        items = _spec(schema["items"], schemas, depth - 1)
        if items.get("properties"):
            spec["items"] = items
    return spec


def _readable(spec: dict) -> dict | None:
    """``spec`` keeping only what can be checked: objects with members, arrays of objects.

    Deeper than the contract is kept nothing is checked (neither its type nor whether a required
    member is there), by both the record-by-record and the column-wise path.
    """
    if spec["type"] == "object":
        readable = {name: _readable(member) for name, member in spec.get("properties", {}).items()}
        members = {name: member for name, member in readable.items() if member}
        if not members:
            return None
        required = [n for n in spec.get("required", []) if n in members]
        return {**spec, "properties": members, "required": required}
    if spec["type"] == "array":
        items = _readable(spec["items"]) if "items" in spec else None
        return {**spec, "items": items} if items else None
    return spec


def build(source: Path) -> dict:
    schemas = yaml.safe_load(source.read_text())["components"]["schemas"]
    return {
        endpoint: _readable(_spec(schemas[name], schemas, DEPTH + 1))
        for endpoint, name in RESOURCES.items()
    }


if __name__ == "__main__":
    target = Path(__file__).with_name("edfi_contract.json")
    target.write_text(json.dumps(build(Path(sys.argv[1])), indent=1, sort_keys=True) + "\n")
    print(f"wrote {target}")
