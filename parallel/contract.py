"""The Ed-Fi API contract of a resource: what the Ed-Fi API checks of a record's structure.

``data/edfi_contract.json`` (built from Ed-Fi's OpenAPI specification by
``data/build_contract.py``) gives, per resource, its members' JSON types, required members,
string lengths and date formats, through references and collections. A record is checked
against it once, in SQL: :func:`problems_sql` compiles the contract into a DuckDB expression
giving, per record, every reason it breaks the contract (the engine names each one's line).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from parallel.engine.sql import Params, constant, quote

CONTRACT_FILE = Path(__file__).parent / "data" / "edfi_contract.json"
# A date as the contract's "date" format accepts it (years 1900–2099).
DATE = re.compile(r"(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", re.ASCII).fullmatch
DATE_PATTERN = r"(19|20)[0-9][0-9]-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
QUOTED_DATE_PATTERN = f'"{DATE_PATTERN}"'
ARTICLES = {"integer": "an integer", "array": "an array", "object": "an object"}


@cache
def contract() -> dict[str, dict]:
    return json.loads(CONTRACT_FILE.read_text())


def spec_of(endpoint: str) -> dict | None:
    return contract().get(endpoint)


# In SQL -------------------------------------------------------------------------------------
#
# A record is parsed once into its top-level members as raw JSON text (DuckDB's from_json with
# JSON leaves); a member's JSON type is read from its first character, nested objects and array
# items are parsed again from their own (small) text.

_IS = {
    "string": "starts_with({v}::VARCHAR, '\"')",
    "boolean": "{v}::VARCHAR IN ('true', 'false')",
    "integer": "TRY_CAST({v}::VARCHAR AS HUGEINT) IS NOT NULL",
    "number": "TRY_CAST({v}::VARCHAR AS DOUBLE) IS NOT NULL",
    "object": "starts_with({v}::VARCHAR, '{{')",
    "array": "starts_with({v}::VARCHAR, '[')",
}


def structure(spec: dict) -> str:
    """The from_json structure reading every member of ``spec`` as raw JSON."""
    members = {name: "JSON" for name in spec.get("properties", {})}
    return json.dumps(members or {"_": "JSON"})


def ok_sql(spec: dict, value: str, params: Params, depth: int = 0) -> str:
    """SQL that is true when the parsed object ``value`` keeps ``spec``: the same checks as
    :func:`problems_sql` without building reasons, for the pass over every record (reasons
    are built for the few records that fail)."""
    parts = [f"{value}.{quote(name)} IS NOT NULL" for name in spec.get("required", [])]
    for name, member_spec in spec.get("properties", {}).items():
        member = f"{value}.{quote(name)}"
        check = _value_ok(member, member_spec, params, depth)
        if check:
            parts.append(f"({member} IS NULL OR {check})")
    return "(" + " AND ".join(parts) + ")" if parts else "true"


def scalar_ok_sql(v: str, spec: dict, params: Params) -> str | None:
    """SQL true when the raw JSON member ``v`` keeps ``spec``, for a member that is not an
    object or array of objects the contract describes (its JSON type from its first character,
    string lengths, date format)."""
    return _value_ok(v, spec, params)


def _value_ok(v: str, spec: dict, params: Params, depth: int = 0) -> str | None:
    kind = spec["type"]
    test = _IS.get(kind)
    if test is None:
        return None
    checks = [test.format(v=v)]
    # A nested object is parsed once and checked inside a lambda (``o<depth>``): written out
    # inline, each of its members would parse it again.
    name = f"o{depth}"
    if kind == "string":
        # On the raw JSON text ("…" with its quotes): a string without escapes is as long as its
        # text less two, and an escape is never shorter than the character it stands for; only
        # a text these cannot decide is decoded to be measured exactly. Its length in bytes
        # (known without reading it) is never less than its length in characters.
        raw = f"{v}::VARCHAR"
        text = f"json_extract_string({v}, '$')"
        if spec.get("minLength"):
            low = int(spec["minLength"])
            checks.append(
                f"CASE WHEN NOT contains({raw}, '\\') THEN length({raw}) - 2 >= {low} "
                f"ELSE length({text}) >= {low} END"
            )
        if "maxLength" in spec:
            high = int(spec["maxLength"])
            checks.append(
                f"CASE WHEN strlen({raw}) - 2 <= {high} THEN true ELSE length({text}) <= {high} END"
            )
        if spec.get("format") == "date":
            checks.append(f"regexp_full_match({raw}, {params.add(QUOTED_DATE_PATTERN)})")
    elif kind == "object" and spec.get("properties"):
        inner = ok_sql(spec, name, params, depth + 1)
        checks.append(
            f"list_transform([from_json({v}, {constant(structure(spec))})], "
            f"lambda {name}: {inner})[1]"
        )
    elif kind == "array" and spec.get("items", {}).get("type") == "object":
        items = spec["items"]
        inner = ok_sql(items, name, params, depth + 1)
        each = constant("[" + structure(items) + "]")
        checks.append(
            f"coalesce(list_bool_and(list_transform(from_json({v}, '[\"JSON\"]'), "
            f"lambda i: coalesce(starts_with(i::VARCHAR, '{{'), false))), true)"
        )
        checks.append(
            f"coalesce(list_bool_and(list_transform(from_json({v}, {each}), "
            f"lambda {name}: {inner})), true)"
        )
    # CASE keeps the nested checks from running on a value of the wrong type.
    return f"CASE WHEN {checks[0]} THEN {' AND '.join(checks[1:]) or 'true'} ELSE false END"


def problems_sql(spec: dict, value: str, params: Params, prefix: str = "") -> str:
    """SQL for the list of reasons the parsed object ``value`` breaks ``spec`` (may be empty).

    ``value`` is a STRUCT of raw JSON members (see :func:`structure`); the reasons and their
    order are those of the Ed-Fi API's own checks: required members first, then each member.
    """
    parts = []
    for name in spec.get("required", []):
        member = f"{value}.{quote(name)}"
        reason = params.add(f"required member {prefix}{name} is missing")
        parts.append(f"[CASE WHEN {member} IS NULL THEN {reason} END]")
    for name, member_spec in spec.get("properties", {}).items():
        member = f"{value}.{quote(name)}"
        checks = _value_sql(member, member_spec, params, f"{prefix}{name}")
        if checks:
            parts.append(f"CASE WHEN {member} IS NULL THEN [] ELSE {checks} END")
    if not parts:
        return "[]::VARCHAR[]"
    return f"list_filter(list_concat({', '.join(parts)}), lambda x: x IS NOT NULL)"


def _value_sql(v: str, spec: dict, params: Params, path: str) -> str | None:
    kind = spec["type"]
    test = _IS.get(kind)
    if test is None:
        return None
    wrong = params.add(f"{path} is not {ARTICLES.get(kind, 'a ' + kind)}")
    inner = None
    if kind == "string":
        text = f"json_extract_string({v}, '$')"
        checks = []
        if spec.get("minLength"):
            reason = params.add(f"{path} is shorter than {spec['minLength']} character(s)")
            checks.append(f"CASE WHEN length({text}) < {int(spec['minLength'])} THEN {reason} END")
        if "maxLength" in spec:
            reason = params.add(f"{path} is longer than {spec['maxLength']} characters")
            checks.append(f"CASE WHEN length({text}) > {int(spec['maxLength'])} THEN {reason} END")
        if spec.get("format") == "date":
            reason = params.add(f"{path} is not a date between 1900 and 2099")
            pattern = params.add(DATE_PATTERN)
            checks.append(f"CASE WHEN NOT regexp_full_match({text}, {pattern}) THEN {reason} END")
        inner = f"[{', '.join(checks)}]" if checks else None
    elif kind == "object" and spec.get("properties"):
        parsed = f"from_json({v}, {constant(structure(spec))})"
        inner = problems_sql(spec, parsed, params, f"{path}.")
    elif kind == "array" and "items" in spec:
        items = spec["items"]
        if items.get("type") == "object":
            not_object = params.add(f"{path}[] is not an object")
            each = problems_sql(items, f"from_json(i, {constant(structure(items))})", params,
                                f"{path}[].")  # fmt: skip
            inner = (
                f"list_distinct(flatten(list_transform(from_json({v}, '[\"JSON\"]'), lambda i: "
                f"CASE WHEN coalesce(left(i::VARCHAR, 1) <> '{{', true) THEN [{not_object}] "
                f"ELSE {each} END)))"
            )
    test = test.format(v=v)
    if inner is None:
        return f"CASE WHEN {test} THEN [] ELSE [{wrong}] END"
    return f"CASE WHEN {test} THEN {inner} ELSE [{wrong}] END"
