"""The Ed-Fi side: extracts of Ed-Fi API resources (JSON Lines or a JSON array) read by DuckDB.

Each file is read where it lies, a line (or an array element) at a time, and parsed once into its
top-level members; what the report reads is extracted by member path (``vocabulary.path_sql``),
and every record is checked against the Ed-Fi API contract (``contract.problems_sql``) and the
report's own needs (natural key present, descriptor URIs) in the same pass. The table keeps the
file's order, so a row's position is its line (JSON Lines) or record number (JSON array): every
problem names its line. Then duplicate natural keys, unresolved references and descriptor values
nobody knows are found set-wise.

When DuckDB cannot parse a file at all (invalid JSON, not UTF-8), the file is scanned record by
record (``importers.edfi_json``) only to say where and why; nothing is read from that scan.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from parallel import contract
from parallel.engine import parsed, vocabulary
from parallel.engine.sql import Params, constant, duplicate_keys_sql, quote
from parallel.errors import InputError
from parallel.importers import edfi_json

MAX_PROBLEMS = 50
# Raised when what :func:`contract_problems` checks changes: files checked before are checked
# again by the runs that read them. (2: descriptor URIs checked too.)
CONTRACT_CHECK_REVISION = 2
DESCRIPTOR_URI = r"(?s)[a-z]+://[^#]+/[A-Za-z]+Descriptor#.+"
# Records read for the descriptor namespaces a file uses (see ``_usual_namespaces``), and how
# many namespaces per descriptor path are tested as prefixes before the pattern.
NAMESPACE_SAMPLE = 1000
NAMESPACES_PER_PATH = 4
# JSON Lines are read as one text column: no quote or escape character, and a delimiter (SOH)
# that valid JSON never holds unescaped.
_LINES = (
    "read_csv({path}, columns={{'j': 'VARCHAR'}}, header=false, delim=chr(1), quote='', "
    "escape='', auto_detect=false, new_line='\\n', max_line_size=8388608, buffer_size=16777216, "
    "strict_mode=false, null_padding=false)"
)
_ARRAY = (
    "(SELECT json::VARCHAR AS j FROM read_json({path}, format='array', records=false, "
    "columns={{'json': 'JSON'}}, maximum_object_size=8388608))"
)


@dataclass(frozen=True)
class Loaded:
    endpoint: str
    path: Path
    name: str  # the file's name as uploaded
    table: str
    paths: tuple[str, ...]
    kept_contract: bool = False


def load(con: duckdb.DuckDBPyConnection, *, path, name: str, endpoint: str,
         paths: list[str], kept_contract: bool = False, one_record_per_line: bool = False,
         checked_only: list[str] = ()) -> Loaded:  # fmt: skip
    """Read one resource file into table ``edfi_<endpoint>`` with a column per member path.

    ``kept_contract``: the file is known to keep the Ed-Fi API contract, its natural keys
    present and unique, its descriptors URIs (:func:`contract_problems` found nothing when it
    was uploaded): only the members the report reads are parsed, and of the report's own
    checks only those the check at upload did not make.
    ``one_record_per_line`` besides (:func:`one_record_per_line`): the records are read by
    DuckDB's JSON reader straight into their shape, each one's position still its line.
    ``checked_only``: descriptor paths found URIs or not, but not kept as columns."""
    table = f"edfi_{endpoint}"
    resource = vocabulary.RESOURCES[endpoint]
    wanted = list(dict.fromkeys([*resource.key, *paths, *checked_only]))
    params = Params()
    reading = _reading(
        path=path, endpoint=endpoint, wanted=wanted, params=params,
        kept_contract=kept_contract, one_record_per_line=one_record_per_line,
    )  # fmt: skip
    # Each path is read once, raw (descriptor URIs whole): the report's own checks and the
    # stored column (a descriptor's code value) both read that one extraction.
    reads = {p: reading.read(p) for p in wanted}
    raws = [f"{reads[p]} AS {_raw(i)[2:]}" for i, p in enumerate(wanted)]
    columns = [
        f"{_stored(_raw(i), p)} AS {quote(p)}"
        for i, p in enumerate(wanted)
        if p not in checked_only or p in resource.key or p in paths
    ]
    # What the report needs of every record: its natural key present, its descriptors URIs;
    # on a file known to keep its contract, only what the check at upload did not look at.
    keys, descriptors = resource.key, [p for p in wanted if vocabulary.is_descriptor(p)]
    if reading.kept:
        checked = set(checked_descriptor_paths(endpoint))
        keys, descriptors = (), [p for p in descriptors if p not in checked]
    namespaces = _usual_namespaces(
        con, sample=reading.sample, params=params, read={p: reads[p] for p in descriptors}
    )
    own = _own_checks_on_raw(keys, descriptors, wanted, params, namespaces)
    # Every record is checked with booleans only; the text of the few that fail is kept so
    # that their reasons are spelled out afterwards (``_record_problems``). A file known to
    # keep its contract with nothing left to check has no record that can fail.
    failed, carried = "NULL::VARCHAR", ""
    if not (reading.kept and own == "true"):
        failed = (
            f"CASE WHEN x.blank OR (x.is_object AND x.contract_ok AND {own}) THEN NULL "
            f"ELSE {reading.failed_text} END"
        )
        carried = f"{reading.carried}, "
    sql = f"""
        CREATE OR REPLACE TABLE {quote(table)} AS
        SELECT x.is_object, x.blank, x.deep, {failed} AS failed, {", ".join(columns)}
        FROM (
          SELECT {carried}t.is_object, t.blank, t.deep,
                 {reading.contract_ok} AS contract_ok, {", ".join(raws)}
          FROM ({reading.records}) t
        ) x
    """
    try:
        con.execute(sql, params.values)
    except duckdb.OutOfMemoryException:
        raise  # the memory setting's limit, not the file's fault
    except duckdb.Error:
        if problem := _why_unreadable(path, name):
            raise InputError([problem]) from None
        raise  # not the file: a fault of the engine, reported as such
    deep = con.execute(f"SELECT bool_or(deep) FROM {quote(table)}").fetchone()[0]
    if deep and (problem := _why_unreadable(path, name)):
        raise InputError([problem])
    return Loaded(
        endpoint=endpoint, path=Path(path), name=name, table=table, paths=tuple(wanted),
        kept_contract=kept_contract,
    )  # fmt: skip


@dataclass(frozen=True)
class _Reading:
    """How a file's records are read: ``records`` gives each as ``r`` with the tests of what
    it is (``blank``, ``deep``, ``is_object``); ``sample`` the first ones as ``r``;
    ``read(path)`` the SQL of a member path of ``r``; ``contract_ok`` whether ``r`` keeps the
    contract; ``carried`` and ``failed_text`` keep a failing record's text."""

    records: str
    sample: str
    read: Callable[[str], str]
    contract_ok: str
    carried: str = "t.j"
    failed_text: str = "x.j"
    kept: bool = False  # read as known to keep its contract (see ``load``)


def _reading(*, path, endpoint: str, wanted: list[str], params: Params, kept_contract: bool,
             one_record_per_line: bool) -> _Reading:  # fmt: skip
    spec = contract.spec_of(endpoint) or {"properties": {}, "required": []}
    array = edfi_json.first_byte(path) == b"["
    path_value = params.add(str(path))
    source = (_ARRAY if array else _LINES).format(path=path_value)
    # Contract-shaped parse when every path the report reads is in the contract (the usual
    # case); else each member as raw JSON, parsed again where read (``contract.ok_sql``).
    shaped = bool(spec.get("properties")) and all(
        parsed.readable(spec, vocabulary.segments(p)) for p in wanted
    )
    if not shaped:
        structure = constant(contract.structure(spec))
        return _Reading(
            records=_records_by_line(source, structure),
            sample=_first_lines(source, structure),
            read=lambda p: vocabulary.path_sql("r", p, params, raw=True),
            contract_ok=contract.ok_sql(spec, "r", params),
        )
    if kept_contract:
        spec = parsed.narrowed(spec, [vocabulary.segments(p) for p in wanted])
    if kept_contract and one_record_per_line:
        records = _records_whole(path_value, array=array, spec=spec)
        return _Reading(
            records=records,
            sample=f"SELECT r FROM ({records}) LIMIT {NAMESPACE_SAMPLE}",
            read=lambda p: parsed.path_sql(spec, "r", vocabulary.segments(p), typed=True),
            contract_ok="true",
            carried="t.r",
            failed_text="to_json(x.r)::VARCHAR",
            kept=True,
        )
    arrays = parsed.object_arrays(spec)
    items = {name: f"items_{i}" for i, name in enumerate(arrays)}
    parse_items = "".join(
        f", {parsed.items_sql(spec, 'r', name)} AS {items[name]}" for name in arrays
    )
    structure = parsed.structure(spec)
    return _Reading(
        records=f"SELECT *{parse_items} FROM ({_records_by_line(source, structure)})",
        sample=f"SELECT *{parse_items} FROM ({_first_lines(source, structure)})",
        read=lambda p: parsed.path_sql(spec, "r", vocabulary.segments(p), items),
        contract_ok="true" if kept_contract else parsed.ok_sql(spec, "r", params, items),
        kept=kept_contract,
    )


def _first_lines(source: str, structure: str) -> str:
    return (
        f"SELECT from_json(j, {structure}) AS r FROM "
        f"(SELECT j FROM {source} WHERE starts_with(j, '{{') LIMIT {NAMESPACE_SAMPLE})"
    )


def _records_by_line(source: str, structure: str) -> str:
    """Each line of the file (or array element) as ``j``, parsed into ``r``, with the tests
    of what it is (a blank line, an object, nested deeper than an Ed-Fi record may be)."""
    return f"""
        SELECT j,
               -- Cheap tests first: most lines are records and long.
               CASE WHEN j IS NULL THEN true WHEN starts_with(j, '{{') THEN false
                    ELSE trim(j) = '' END AS blank,
               -- Ed-Fi records are shallow and short: a long line with many brackets is
               -- scanned as the Ed-Fi API would parse it (depth limit), below. (Lengths in
               -- bytes: known without reading the line, and brackets are one byte each.)
               CASE WHEN strlen(j) > 4096 THEN strlen(j) - strlen(replace(replace(j, '[', ''),
                    '{{', '')) > 256 ELSE false END AS deep,
               CASE WHEN starts_with(j, '{{') THEN true
                    ELSE coalesce(ltrim(j, chr(65279) || ' ')[1] = '{{', false) END
                   AS is_object,
               CASE WHEN starts_with(j, '{{') THEN from_json(j, {structure})
                    WHEN ltrim(j, chr(65279) || ' ')[1] = '{{'
                    THEN from_json(ltrim(j, chr(65279)), {structure})
               END AS r
        FROM {source}
    """


def _records_whole(path_value: str, *, array: bool, spec: dict) -> str:
    """The records of a file known to keep its contract, one per line (or array element),
    read by DuckDB's JSON reader straight into the (narrowed) contract's types
    (``parsed.record_type``): no line is held as text, no member parsed twice, and each
    record's position is still its line."""
    layout = "array" if array else "newline_delimited"
    return (
        "SELECT r, false AS blank, false AS deep, true AS is_object "
        f"FROM read_json({path_value}, format='{layout}', records=false, "
        f"columns={{'r': {constant(parsed.record_type(spec))}}}, maximum_object_size=8388608)"
    )


def one_record_per_line(con: duckdb.DuckDBPyConnection, path) -> bool:
    """Whether each line of a JSON Lines file is one record, starting at its first character
    (no blank line, no byte-order mark): true of a JSON array without a byte-order mark,
    whose elements are numbered."""
    with Path(path).open("rb") as handle:
        if handle.read(3) == "\ufeff".encode():  # read_csv drops it, DuckDB's JSON reader fails
            return False
    if edfi_json.first_byte(path) == b"[":
        return True
    p = Params()
    source = _LINES.format(path=p.add(str(path)))
    # A blank line is NULL.
    return bool(
        con.execute(
            f"SELECT coalesce(bool_and(coalesce(starts_with(j, '{{'), false)), true) "
            f"FROM {source}", p.values,
        ).fetchone()[0]
    )  # fmt: skip


def contract_version(endpoint: str) -> str:
    """What :func:`contract_problems` checks a resource's files against: a check made under
    another version (a newer contract, another natural key) no longer holds."""
    spec = contract.spec_of(endpoint) or {}
    parts = [CONTRACT_CHECK_REVISION, spec, vocabulary.RESOURCES[endpoint].key, DESCRIPTOR_URI]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def contract_problems(con: duckdb.DuckDBPyConnection, *, path, name: str,
                      endpoint: str) -> list[str]:  # fmt: skip
    """What is wrong with one resource file whatever report reads it, each naming its line:
    records breaking the Ed-Fi API contract, natural keys missing or held twice, descriptors
    that are not URIs (:func:`checked_descriptor_paths`)."""
    item = load(con, path=path, name=name, endpoint=endpoint, paths=[],
                checked_only=checked_descriptor_paths(endpoint))  # fmt: skip
    found = _record_problems(con, item) + _duplicates(con, item)
    con.execute(f"DROP TABLE {quote(item.table)}")
    if found and (problem := _why_unreadable(item.path, name)):
        return [problem]
    return found[:MAX_PROBLEMS]


def checked_descriptor_paths(endpoint: str) -> list[str]:
    """The descriptor members of a resource that :func:`contract_problems` finds URIs (those
    inside one array at most: every one the shipped reports read)."""
    return [p for p in _descriptor_paths(contract.spec_of(endpoint) or {}) if p.count("[]") <= 1]


def _descriptor_paths(spec: dict, prefix: str = "") -> list[str]:
    found = []
    for name, member in spec.get("properties", {}).items():
        items = member.get("items", {})
        if member.get("properties"):
            found += _descriptor_paths(member, f"{prefix}{name}.")
        elif member.get("type") == "array" and items.get("properties"):
            found += _descriptor_paths(items, f"{prefix}{name}[].")
        elif vocabulary.is_descriptor(name) and member.get("type") == "string":
            found.append(f"{prefix}{name}")
    return found


def _raw(number: int) -> str:
    return f"x.raw_{number}"


def _stored(raw: str, path: str) -> str:
    """The stored column of a path read raw: a descriptor's code value, else as read."""
    if not vocabulary.is_descriptor(path):
        return raw
    if "[]" in path:
        return f"list_transform({raw}, lambda u: split_part(u, '#', 2))"
    return f"split_part({raw}, '#', 2)"


def _usual_namespaces(con, *, sample: str, params: Params,
                      read: dict[str, str]) -> dict[str, list[str]]:  # fmt: skip
    """Per descriptor path, the namespaces (``uri://…/SexDescriptor#``) its values have in the
    file's first records, each a valid descriptor URI prefix.

    A file's descriptor values share a few namespaces: a value starting with one of them (and
    not ending there) is a descriptor URI without testing the pattern, which is most of the
    cost of the report's own checks. Any other value is still tested against the pattern, so
    the check is the same; a file the sample cannot read gets no shortcut.
    """
    if not read:
        return {}
    parts = []
    for number, (member, value) in enumerate(read.items()):
        each = f"unnest({value})" if "[]" in member else value
        parts.append(f"SELECT {number} AS n, split_part({each}, '#', 1) || '#' AS ns FROM sample")
    sql, values = params.used_in(
        f"WITH sample AS ({sample}) SELECT n, ns, count(*) FROM ({' UNION ALL '.join(parts)}) "
        "WHERE ns IS NOT NULL GROUP BY ALL ORDER BY n, count(*) DESC, ns"
    )
    try:
        rows = con.execute(sql, values).fetchall()
    except duckdb.Error:
        return {}
    paths = list(read)
    found: dict[str, list[str]] = {}
    for number, namespace, _ in rows:
        usual = found.setdefault(paths[number], [])
        if len(usual) < NAMESPACES_PER_PATH and re.fullmatch(DESCRIPTOR_URI, namespace + "x"):
            usual.append(namespace)
    return found


def _descriptor_uri_bad(value: str, pattern: str, namespaces: list[str], params: Params) -> str:
    """SQL true when ``value`` is not a descriptor URI: a value in one of ``namespaces`` with a
    code value after it is one; any other is tested against the pattern."""
    usual = " OR ".join(
        f"(starts_with({value}, {params.add(ns)}) AND strlen({value}) > {len(ns.encode())})"
        for ns in namespaces
    )
    if not usual:
        return f"NOT regexp_full_match({value}, {pattern})"
    return f"CASE WHEN {usual} THEN false ELSE NOT regexp_full_match({value}, {pattern}) END"


def _own_checks_on_raw(keys, descriptors: list[str], paths: list[str], params: Params,
                       namespaces: dict[str, list[str]] | None = None) -> str:  # fmt: skip
    """Whether a record passes the report's own checks (as :func:`_own_problems`): the natural
    ``keys`` present and the ``descriptors`` URIs, on the ``paths`` already read raw
    (``_raw``), not parsed again; ``namespaces``: see ``_usual_namespaces``."""
    tests = [f"coalesce({_raw(paths.index(k))}, '') <> ''" for k in keys]
    pattern = params.add(DESCRIPTOR_URI) if descriptors else None
    for path in descriptors:
        value = _raw(paths.index(path))
        usual = (namespaces or {}).get(path, [])
        if "[]" in path:
            each = f"lambda u: {_descriptor_uri_bad('u', pattern, usual, params)}"
            bad = f"list_bool_or(list_transform({value}, {each}))"
        else:
            bad = _descriptor_uri_bad(value, pattern, usual, params)
        tests.append(f"NOT coalesce({bad}, false)")
    return "(" + " AND ".join(tests) + ")" if tests else "true"


def _own_problems(record: str, resource, paths: list[str], params: Params) -> str:
    """The reasons a record parsed into ``record`` fails the report's own checks (natural key
    members present, descriptors as URIs), as a list (the pass over every record checks the
    same on the paths it read: :func:`_own_checks_on_raw`)."""
    parts = []
    for path in resource.key:
        value = vocabulary.path_sql(record, path, params, raw=True)
        reason = params.add(f"required member {path} is missing")
        parts.append(f"CASE WHEN coalesce({value}, '') = '' THEN {reason} END")
    descriptors = [path for path in paths if vocabulary.is_descriptor(path)]
    pattern = params.add(DESCRIPTOR_URI) if descriptors else None
    for path in descriptors:
        value = vocabulary.path_sql(record, path, params, raw=True)
        if "[]" in path:
            each = f"lambda u: NOT regexp_full_match(u, {pattern})"
            bad = f"list_bool_or(list_transform({value}, {each}))"
        else:
            bad = f"NOT regexp_full_match({value}, {pattern})"
        reason = params.add(f"{path} is not a descriptor URI (uri://namespace/Descriptor#Code)")
        parts.append(f"CASE WHEN coalesce({bad}, false) THEN {reason} END")
    if not parts:
        return "[]::VARCHAR[]"
    return f"list_filter([{', '.join(parts)}], lambda x: x IS NOT NULL)"


def _why_unreadable(path, name: str) -> str | None:
    """Where and why a file DuckDB cannot parse breaks: the record-by-record scan says it."""
    try:
        for _ in edfi_json.json_records(path, name=name):
            pass
    except InputError as problem:
        return problem.problems[0]
    return None


def problems(con: duckdb.DuckDBPyConnection, loaded: dict[str, Loaded],
             known: dict[str, set[str]]) -> list[str]:  # fmt: skip
    """Every problem of the loaded resources, each naming file and line(s).

    A file with problems is first scanned record by record: a record that is not JSON as the
    Ed-Fi API reads it (nested deeper than any Ed-Fi record, say) is named alone, as the API
    would refuse it before checking anything else.
    """
    found: list[str] = []
    for item in loaded.values():
        found += _record_problems(con, item)
        if not item.kept_contract:
            found += _duplicates(con, item)
    for item in loaded.values():
        found += _unknown_descriptors(con, item, known)
    for item in loaded.values():
        for path, (parent, parent_path, label) in vocabulary.RESOURCES[
            item.endpoint
        ].references.items():
            if parent in loaded:
                found += _unresolved(con, item, path, loaded[parent], parent_path, label)
    if found:
        for item in loaded.values():
            if problem := _why_unreadable(item.path, item.name):
                return [problem]
    return found


def drop_check_columns(con: duckdb.DuckDBPyConnection, loaded: dict[str, Loaded]) -> None:
    """Once the resources passed :func:`problems`, the columns that served only the checks
    (a dropped column is freed at once): every later step carries less per record."""
    for item in loaded.values():
        for column in ("is_object", "blank", "deep", "failed"):
            con.execute(f"ALTER TABLE {quote(item.table)} DROP COLUMN {column}")


def _record_problems(con, item: Loaded) -> list[str]:
    """The reasons of the records that failed the checks, spelled out from their kept text."""
    spec = contract.spec_of(item.endpoint) or {"properties": {}, "required": []}
    resource = vocabulary.RESOURCES[item.endpoint]
    params = Params()
    # A file known to keep the contract may hold only the members the report reads.
    reasons = "[]::VARCHAR[]" if item.kept_contract else contract.problems_sql(spec, "r", params)
    own = _own_problems("r", resource, list(item.paths), params)
    not_object = params.add("not a JSON object")
    # A record the pass over every record doubted may keep the contract after all (see
    # ``parsed``): it has no reasons here and is no problem.
    rows = con.execute(
        f"""
        SELECT line, why FROM (
            SELECT line, CASE WHEN NOT is_object THEN [{not_object}]
                              ELSE list_concat({reasons}, {own}) END AS why
            FROM (SELECT rowid + 1 AS line, is_object,
                         CASE WHEN is_object THEN from_json(ltrim(failed, chr(65279)),
                              {constant(contract.structure(spec))}) END AS r
                  FROM {quote(item.table)} WHERE failed IS NOT NULL))
        WHERE len(why) > 0
        ORDER BY line LIMIT {MAX_PROBLEMS}
        """,
        params.values,
    ).fetchall()
    return [f"{item.name} line {line}: {'; '.join(dict.fromkeys(why))}." for line, why in rows]


def _duplicates(con, item: Loaded) -> list[str]:
    key = vocabulary.RESOURCES[item.endpoint].key
    rows = con.execute(
        duplicate_keys_sql(
            item.table, list(key), "rowid + 1", where="is_object", limit=MAX_PROBLEMS
        )
    ).fetchall()
    problems = []
    for row in rows:
        values = ", ".join(f"{k}={v!r}" for k, v in zip(key, row[:-1], strict=True))
        lines = ", ".join(map(str, row[-1]))
        problems.append(f"{item.name} lines {lines}: duplicate natural key ({values}).")
    return problems


def _unresolved(con, child: Loaded, path: str, parent: Loaded, parent_path: str,
                label: str) -> list[str]:  # fmt: skip
    # An ANTI JOIN, not NOT EXISTS: DuckDB plans the latter as a join with the distinct keys
    # first, which at 5,000,000 records took four times as long and 130 MB more.
    rows = con.execute(
        f"SELECT c.rowid + 1, c.{quote(path)} FROM {quote(child.table)} c "
        f"ANTI JOIN {quote(parent.table)} p ON p.{quote(parent_path)} = c.{quote(path)} "
        f"WHERE c.{quote(path)} IS NOT NULL ORDER BY c.rowid LIMIT {MAX_PROBLEMS}"
    ).fetchall()
    return [
        f"{child.name} line {line}: {label} {value!r} does not resolve." for line, value in rows
    ]


def _unknown_descriptors(con, item: Loaded, known: dict[str, set[str]]) -> list[str]:
    """Descriptor values the catalog and the state's descriptor set do not know (compared
    case-insensitively, as the Ed-Fi API compares them)."""
    problems = []
    for path in item.paths:
        descriptor = vocabulary.descriptor_of(path)
        if descriptor is None or descriptor not in known:
            continue
        value = f"unnest({quote(path)})" if "[]" in path else quote(path)
        rows = con.execute(
            f"SELECT min(line), v, count(*) FROM (SELECT rowid + 1 AS line, {value} AS v "
            f"FROM {quote(item.table)}) WHERE v IS NOT NULL GROUP BY v ORDER BY 1, 2"
        ).fetchall()
        accepted = known[descriptor]
        problems += [
            f"{item.name} line {line}: {path} {value!r} is not a {descriptor} value known to "
            f"the Ed-Fi catalog or the state's descriptor set "
            f"({records} record{'s' if records != 1 else ''})."
            for line, value, records in rows
            if value.lower() not in accepted
        ][:MAX_PROBLEMS]
    return problems
