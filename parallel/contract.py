"""The Ed-Fi API contract of a resource: what the Ed-Fi API checks of a record's structure.

``data/edfi_contract.json`` (built from Ed-Fi's OpenAPI specification by
``data/build_contract.py``) gives, per resource, its members' JSON types, required members,
string lengths and date formats, through references and collections. A record is checked
against it twice over, with the same rules and messages: record by record here
(:func:`record_problems`, the path that names each problem's line) and column-wise over Arrow
batches (:func:`check_batch`, which only says whether a batch is clean).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

CONTRACT_FILE = Path(__file__).parent / "data" / "edfi_contract.json"
# A date as both paths accept it (years 1900–2099): record by record, and for Arrow (RE2).
DATE = re.compile(r"(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", re.ASCII).fullmatch
DATE_PATTERN = r"^(19|20)[0-9][0-9]-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
}
JSON_TYPES = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
}
ARTICLES = {"integer": "an integer", "array": "an array", "object": "an object"}


@cache
def contract() -> dict[str, dict]:
    return json.loads(CONTRACT_FILE.read_text())


def spec_of(endpoint: str) -> dict | None:
    return contract().get(endpoint)


# Record by record -------------------------------------------------------------------------


def record_problems(record: dict, spec: dict, prefix: str = "") -> list[str]:
    """Every way ``record`` (a JSON object) breaks ``spec``, as readable reasons."""
    problems = []
    for name in spec.get("required", []):
        if record.get(name) is None:
            problems.append(f"required member {prefix}{name} is missing")
    for name, member in spec.get("properties", {}).items():
        value = record.get(name)
        if value is not None:
            problems += _value_problems(value, member, f"{prefix}{name}")
    return problems


def _value_problems(value, spec: dict, path: str) -> list[str]:
    kind = spec["type"]
    expected = JSON_TYPES.get(kind, ())
    if not isinstance(value, expected) or (kind != "boolean" and isinstance(value, bool)):
        return [f"{path} is not {ARTICLES.get(kind, 'a ' + kind)}"]
    if kind == "string":
        return _string_problems(value, spec, path)
    if kind == "object" and "properties" in spec:
        return record_problems(value, spec, f"{path}.")
    if kind == "array" and "items" in spec:
        problems = []
        for item in value:
            if not isinstance(item, dict):
                problems.append(f"{path}[] is not an object")
            else:
                problems += record_problems(item, spec["items"], f"{path}[].")
        return list(dict.fromkeys(problems))
    return []


def _string_problems(value: str, spec: dict, path: str) -> list[str]:
    problems = []
    if len(value) < spec.get("minLength", 0):
        problems.append(f"{path} is shorter than {spec['minLength']} character(s)")
    if "maxLength" in spec and len(value) > spec["maxLength"]:
        problems.append(f"{path} is longer than {spec['maxLength']} characters")
    if spec.get("format") == "date" and DATE(value) is None:
        problems.append(f"{path} is not a date between 1900 and 2099")
    return problems


# Column-wise --------------------------------------------------------------------------------


def arrow_type(spec: dict) -> pa.DataType | None:
    """The Arrow type that parses a member as the contract types it (None: not read)."""
    kind = spec["type"]
    if kind in ARROW_TYPES:
        return ARROW_TYPES[kind]
    if kind == "object" and spec.get("properties"):
        fields = [(n, t) for n, m in spec["properties"].items() if (t := arrow_type(m))]
        return pa.struct(fields) if fields else None
    if kind == "array" and "items" in spec:
        items = arrow_type(spec["items"])
        return pa.list_(items) if items else None
    return None


def arrow_schema(spec: dict) -> pa.Schema:
    """Every member the contract types, nested as the API nests them."""
    return pa.schema(list(arrow_type(spec)))


def all_true(mask: pa.Array) -> bool:
    """Whether no value of a boolean column is false (nulls and empty columns pass)."""
    return bool(pc.all(pc.fill_null(mask, True), min_count=0).as_py())


def check_batch(batch: pa.RecordBatch, spec: dict) -> bool:
    """Whether every record of ``batch`` keeps ``spec`` (Arrow already checked the types)."""
    return _members_ok(dict(zip(batch.schema.names, batch.columns, strict=True)), None, spec)


def _children(structs: pa.Array) -> dict[str, pa.Array]:
    """A struct array's members, each null where the struct itself is null."""
    return {
        name: pc.struct_field(structs, [index]) for index, name in enumerate(structs.type.names)
    }


def _members_ok(columns: dict[str, pa.Array], present: pa.Array | None, spec: dict) -> bool:
    """``present``: where the enclosing object exists (None: everywhere)."""
    for name in spec.get("required", []):
        values = columns.get(name)
        if values is None:
            return present is not None and not pc.any(present, min_count=0).as_py()
        if present is None:
            if values.null_count:
                return False
        elif pc.any(pc.and_(present, pc.is_null(values)), min_count=0).as_py():
            return False
    for name, member in spec.get("properties", {}).items():
        values = columns.get(name)
        # Most members are absent from most extracts: nothing to check in an all-null column.
        present = values is not None and values.null_count < len(values)
        if present and not _column_ok(values, member):
            return False
    return True


def _column_ok(values: pa.Array, spec: dict) -> bool:
    kind = spec["type"]
    if kind == "string":
        lengths = pc.utf8_length(values)
        if spec.get("minLength") and not all_true(pc.greater_equal(lengths, spec["minLength"])):
            return False
        if "maxLength" in spec and not all_true(pc.less_equal(lengths, spec["maxLength"])):
            return False
        is_date = spec.get("format") == "date"
        return not is_date or all_true(pc.match_substring_regex(values, DATE_PATTERN))
    if kind == "object" and spec.get("properties") and pa.types.is_struct(values.type):
        return _members_ok(_children(values), pc.is_valid(values), spec)
    if kind == "array" and "items" in spec and pa.types.is_list(values.type):
        items = values.flatten()
        if items.null_count:
            return False
        return _members_ok(_children(items), None, spec["items"])
    return True
