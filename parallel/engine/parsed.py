"""A record parsed once into the shape of its Ed-Fi API contract, for the pass over every record.

Objects the contract describes are parsed into STRUCTs at once (a reference is not parsed again
for each member read from it or checked), scalars stay raw JSON text so that their JSON type can
be told from their first character, and each top-level array of objects is parsed once into a
list of STRUCTs (``items``), shared by the check and by the member paths read from it.

DuckDB's ``from_json`` does not fail on a value of another JSON type: it reads an object, a
string or an array where an object is expected alike, as an object whose members are all
absent. So the check here is sound, not exact: a record it passes keeps the contract; a record
it fails is looked at again, alone, by the exact check (``contract.problems_sql``), which names
its reasons or finds none (an empty object where one is allowed, say).
"""

from __future__ import annotations

import json

from parallel import contract
from parallel.engine.sql import Params, constant, quote


def _is_object(spec: dict) -> bool:
    return spec.get("type") == "object" and bool(spec.get("properties"))


def _is_object_array(spec: dict) -> bool:
    return spec.get("type") == "array" and _is_object(spec.get("items", {}))


def _shape(spec: dict) -> dict:
    members = {
        name: _shape(member) if _is_object(member) else "JSON"
        for name, member in spec.get("properties", {}).items()
    }
    return members or {"_": "JSON"}


def structure(spec: dict) -> str:
    """The from_json structure of a record: contract objects as STRUCTs, the rest raw JSON."""
    return constant(json.dumps(_shape(spec)))


def record_type(spec: dict) -> str:
    """The DuckDB type a record known to keep ``spec`` is read into by ``read_json``: objects
    as STRUCTs, arrays of objects as lists of them, scalars and arrays of scalars as text
    (DuckDB's JSON reader gives a scalar's text as ``json_extract_string`` does); anything
    else (an object the contract leaves open) as raw JSON. :func:`path_sql` with
    ``typed=True`` reads it."""
    if _is_object(spec):
        members = ", ".join(
            f"{quote(name)} {record_type(member)}" for name, member in spec["properties"].items()
        )
        return f"STRUCT({members})"
    if _is_object_array(spec):
        return record_type(spec["items"]) + "[]"
    if _is_scalar_array(spec):
        return "VARCHAR[]"
    return "VARCHAR" if _is_scalar(spec) else "JSON"


def _is_scalar(spec: dict) -> bool:
    return spec.get("type") in ("string", "integer", "number", "boolean")


def _is_scalar_array(spec: dict) -> bool:
    return spec.get("type") == "array" and _is_scalar(spec.get("items", {}))


def object_arrays(spec: dict) -> list[str]:
    """The top-level members that are arrays of objects (each parsed once: :func:`items_sql`)."""
    return [n for n, m in spec.get("properties", {}).items() if _is_object_array(m)]


def items_sql(spec: dict, record: str, name: str) -> str:
    """The items of array member ``name`` as a list of STRUCTs (NULL unless an array)."""
    member = f"{record}.{quote(name)}"
    each = constant("[" + json.dumps(_shape(spec["properties"][name]["items"])) + "]")
    return f"CASE WHEN starts_with({member}::VARCHAR, '[') THEN from_json({member}, {each}) END"


def ok_sql(spec: dict, value: str, params: Params, items: dict[str, str] | None = None,
           depth: int = 0) -> str:  # fmt: skip
    """True only when the parsed object ``value`` keeps ``spec`` (see the module's note);
    ``items``: the parsed top-level arrays of objects by member name."""
    members = spec.get("properties", {})
    parts = [f"{value}.{quote(name)} IS NOT NULL" for name in spec.get("required", [])]
    if not spec.get("required") and members:
        # An object with none of its members may be another JSON value read as an object.
        parts.append("(" + " OR ".join(f"{value}.{quote(n)} IS NOT NULL" for n in members) + ")")
    for name, member_spec in members.items():
        member = f"{value}.{quote(name)}"
        if _is_object(member_spec):
            check = ok_sql(member_spec, member, params, depth=depth + 1)
        elif _is_object_array(member_spec):
            parsed = (items or {}).get(name) or items_sql(spec, value, name)
            each = f"o{depth}"
            inner = ok_sql(member_spec["items"], each, params, depth=depth + 1)
            check = (
                f"CASE WHEN starts_with({member}::VARCHAR, '[') THEN coalesce(list_bool_and("
                f"list_transform({parsed}, lambda {each}: {each} IS NOT NULL AND {inner})), true) "
                "ELSE false END"
            )
        else:
            check = contract.scalar_ok_sql(member, member_spec, params)
        if check:
            parts.append(f"({member} IS NULL OR {check})")
    return "(" + " AND ".join(parts) + ")" if parts else "true"


def path_sql(spec: dict, record: str, segments: list[str], items: dict[str, str] | None = None,
             depth: int = 0, *, typed: bool = False) -> str:  # fmt: skip
    """The text at a member path (``segments``: ``vocabulary.segments``) of a parsed record;
    a list of text through an array. As ``vocabulary.path_sql`` reads it from raw JSON.
    ``typed``: the record was read as :func:`record_type` says, its scalars already text."""
    name, rest = segments[0], segments[1:]
    member_spec = spec.get("properties", {}).get(name)
    member = f"{record}.{quote(name)}"
    if member_spec is None:
        raise KeyError(name)
    if rest and rest[0] == "[]":
        each = f"x{depth}"
        if typed and _is_scalar_array(member_spec):
            # (A path into a scalar reads nothing, as from raw JSON.)
            return member if not rest[1:] else f"list_transform({member}, lambda {each}: NULL)"
        if _is_object_array(member_spec):
            parsed = member if typed else (items or {}).get(name) or items_sql(spec, record, name)
            inner = path_sql(member_spec["items"], each, rest[1:], depth=depth + 1, typed=typed)
        else:
            parsed = f"from_json({member}, '[\"JSON\"]')"
            inner = _text(each, rest[1:])
        return f"list_transform({parsed}, lambda {each}: {inner})"
    if rest and _is_object(member_spec):
        return path_sql(member_spec, member, rest, depth=depth + 1, typed=typed)
    if typed and _is_scalar(member_spec):
        return member if not rest else "NULL::VARCHAR"
    return _text(member, rest)


def _text(value: str, rest: list[str]) -> str:
    path = constant("$" + "".join(f'."{m}"' for m in rest))
    return f"json_extract_string({value}, {path})"


def readable(spec: dict, segments: list[str]) -> bool:
    """Whether :func:`path_sql` can read the path (every member on the way in the contract)."""
    try:
        path_sql(spec, "r", segments)
    except KeyError:
        return False
    return True


def narrowed(spec: dict, paths: list[list[str]]) -> dict:
    """The part of ``spec`` that the member ``paths`` (``vocabulary.segments``) go through:
    a record already known to keep its contract is parsed into this shape alone."""
    through: dict[str, list[list[str]]] = {}
    for segments in paths:
        through.setdefault(segments[0], []).append(segments[1:])
    members = {}
    for name, rests in through.items():
        member = spec.get("properties", {}).get(name)
        if member is None:
            raise KeyError(name)
        members[name] = _narrowed_member(member, rests)
    return {"type": "object", "properties": members}


def _narrowed_member(member: dict, rests: list[list[str]]) -> dict:
    if not all(rests):  # the member itself is read: whole
        return member
    if _is_object_array(member) and all(rest[0] == "[]" for rest in rests):
        return {**member, "items": narrowed(member["items"], [rest[1:] for rest in rests])}
    if _is_object(member) and all(rest[0] != "[]" for rest in rests):
        return narrowed(member, rests)
    return member
