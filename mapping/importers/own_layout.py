"""A team's own mapping spreadsheet: which of its columns mean what, then the spec import.

Teams arrive with the workbook they have kept for years ("Element Name", "Ed-Fi Entity",
"Ed-Fi Element", "Notes" …). A ``ColumnMap`` says which of its columns holds each field of the
app's specification layout; the sheet is then read as if it were in that layout, keeping the
file's own sheet, row numbers and column names in every message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mapping.spreadsheet import LIST_SEPARATOR, REQUIRED_COLUMNS
from rolloutplanner.spreadsheets import Sheet

# How teams write a mapping kind or a data type → the app's value. A value not listed is
# passed on as written, so the spec reader names it in its message.
KIND_WORDS = {
    "one_to_one": ("1:1", "1-1", "one to one", "direct", "exact", "one_to_one"),
    "close": ("close", "partial", "similar", "transform", "transformed"),
    "extension": ("extension", "ext", "extend", "new"),
    "not_mapped": ("not mapped", "n/a", "na", "none", "tbd", "not_mapped"),
    "retire": ("retire", "retired", "drop", "deprecated"),
}
TYPE_PATTERNS = (
    (r"^(datetime|timestamp)", "datetime"),
    (r"^date", "date"),
    (r"^(bool|bit|yes/?no|y/?n|flag)", "boolean"),
    (r"^(int|smallint|bigint|tinyint|number\(\d+\)$|whole)", "integer"),
    (r"^(dec|numeric|float|real|money|number)", "decimal"),
    (r"^(code|enum|lookup|list)", "code"),
    (r"^(char|varchar|nvarchar|text|string|alpha|an\b)", "string"),
)

# (field, label, words that announce it in a header), in the order the form shows them.
FIELDS = (
    ("collection", "Collection (report or file)", ("collection", "report", "file name")),
    ("element", "State element name", ("element", "field name", "column name", "data element")),
    ("definition", "Definition", ("definition", "description")),
    ("data_type", "Data type", ("data type", "type", "format")),
    ("required", "Required", ("required", "mandatory")),
    ("code_set", "Code set", ("code set", "code table", "option set")),
    ("allowed_values", "Allowed values", ("allowed values", "valid values", "codes")),
    ("kind", "Mapping kind", ("mapping kind", "match", "mapping type")),
    ("targets", "Ed-Fi targets (Resource.Property)", ("ed-fi path", "ed-fi target", "target")),
    ("target_resource", "Ed-Fi resource (joined with the property)", ("entity", "resource")),
    ("target_property", "Ed-Fi property (joined with the resource)", ("ed-fi element", "property")),
    ("logical_map", "Logical map", ("logical", "crosswalk")),
    ("transformation_rule", "Transformation rule", ("transformation", "rule", "business rule")),
    ("comments", "Comments", ("comment", "notes", "note")),
)
FIELD_LABELS = {name: label for name, label, _ in FIELDS}
# Fields the spec reader knows; the resource/property pair is joined into ``targets``.
SPEC_FIELDS = [name for name, _, _ in FIELDS if not name.startswith("target_")]


@dataclass
class ColumnMap:
    """Which header of ``sheet`` holds each field; ``collection_name`` when no column does."""

    sheet: str
    columns: dict[str, str] = field(default_factory=dict)
    collection_name: str = ""

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "columns": dict(self.columns),
            "collection_name": self.collection_name,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ColumnMap:
        return cls(
            sheet=data.get("sheet", ""),
            columns=dict(data.get("columns", {})),
            collection_name=data.get("collection_name", ""),
        )

    def problems(self, headers: list[str]) -> list[str]:
        """Why this map cannot read a sheet with ``headers`` (empty: it can)."""
        problems = [
            f"Column “{header}” chosen for {FIELD_LABELS[name]} is not in sheet {self.sheet}."
            for name, header in self.columns.items()
            if header and header not in headers
        ]
        if not self.columns.get("element"):
            problems.append("Choose the column that holds the state element's name.")
        if not self.columns.get("collection") and not self.collection_name.strip():
            problems.append("Choose the collection column, or name the collection.")
        pair = [self.columns.get("target_resource"), self.columns.get("target_property")]
        if any(pair) and not all(pair):
            problems.append("Choose both the Ed-Fi resource and the Ed-Fi property columns.")
        if all(pair) and self.columns.get("targets"):
            problems.append("Choose either the Ed-Fi targets column or the resource/property pair.")
        used = [h for h in self.columns.values() if h]
        twice = sorted({h for h in used if used.count(h) > 1})
        if twice:
            problems.append(f"Each column means one thing: {', '.join(twice)} is chosen twice.")
        return problems


def headers_of(sheet: Sheet) -> list[str]:
    """The non-empty header cells of the sheet's first row, as written."""
    return [str(v).strip() for v in (sheet.rows[0] if sheet.rows else []) if str(v or "").strip()]


def guess_columns(headers: list[str]) -> dict[str, str]:
    """A first guess of which header means what, from the words headers usually contain."""
    guessed: dict[str, str] = {}
    taken: set[str] = set()
    for name, _, words in FIELDS:
        for header in headers:
            simple = _simple(header)
            if header not in taken and any(_simple(w) in simple for w in words):
                guessed[name] = header
                taken.add(header)
                break
    if "target_resource" in guessed and "target_property" not in guessed:
        taken.discard(guessed.pop("target_resource"))
    if "targets" in guessed and "target_resource" in guessed:
        del guessed["targets"]
    return guessed


def in_spec_layout(sheet: Sheet, column_map: ColumnMap) -> tuple[Sheet, dict[str, str]]:
    """The sheet rewritten in the spec layout (same rows, same numbers), and for each spec
    column the file's own header, so messages name the column the team knows."""
    header = [_cell(v) for v in (sheet.rows[0] if sheet.rows else [])]
    index = {h: i for i, h in enumerate(header) if h}
    fields = [name for name in SPEC_FIELDS if _has(column_map, name)]
    if "targets" in fields and "kind" not in fields:
        fields.append("kind")  # a row naming targets maps 1:1 unless the sheet says otherwise
    rows = [fields]
    for raw in sheet.rows[1:]:
        rows.append([_value(raw, index, column_map, name) for name in fields])
    labels = {name: _label(column_map, name) for name in fields if _named(column_map, name)}
    return Sheet(title=sheet.title, rows=rows), labels


def _has(column_map: ColumnMap, name: str) -> bool:
    if name == "collection":
        return True
    if name == "targets":
        return bool(column_map.columns.get("targets") or column_map.columns.get("target_property"))
    return bool(column_map.columns.get(name)) or name in REQUIRED_COLUMNS


def _value(raw: list, index: dict[str, int], column_map: ColumnMap, name: str) -> str:
    def cell(header: str) -> str:
        position = index.get(header)
        return _cell(raw[position]) if position is not None and position < len(raw) else ""

    if not any(_cell(v) for v in raw):
        return ""
    if name == "collection" and not column_map.columns.get("collection"):
        return column_map.collection_name.strip()
    if name == "targets" and not column_map.columns.get("targets"):
        return _joined_targets(
            cell(column_map.columns["target_resource"]),
            cell(column_map.columns["target_property"]),
        )
    value = cell(column_map.columns.get(name, ""))
    if name == "kind":
        targets = _value(raw, index, column_map, "targets") if _has(column_map, "targets") else ""
        return _kind(value, has_target=bool(targets))
    if name == "data_type":
        return _data_type(value)
    return value


def _kind(value: str, *, has_target: bool) -> str:
    if not value:
        return "one_to_one" if has_target else "not_mapped"
    simple = value.strip().lower()
    for kind, words in KIND_WORDS.items():
        if simple in words:
            return kind
    return value


def _data_type(value: str) -> str:
    simple = value.strip().lower()
    for pattern, data_type in TYPE_PATTERNS:
        if re.match(pattern, simple):
            return data_type
    return value


def _joined_targets(resources: str, properties: str) -> str:
    """ "Student" + "BirthDate" → "Student.BirthDate"; several properties of one resource, or
    pairs listed in the same order, separated by ';' or new lines."""
    resource_list = [r for r in re.split(r"[;\n]", resources) if r.strip()]
    property_list = [p for p in re.split(r"[;\n]", properties) if p.strip()]
    if not property_list:
        return ""
    if len(resource_list) == 1:
        resource_list = resource_list * len(property_list)
    pairs = zip(resource_list, property_list, strict=False)
    return f"{LIST_SEPARATOR} ".join(_joined(r.strip(), p.strip()) for r, p in pairs)


def _joined(resource: str, path: str) -> str:
    """The property's full name, unless the sheet already wrote it with its resource."""
    if not resource or path.startswith(resource + "."):
        return path
    return f"{resource}.{path}"


def _named(column_map: ColumnMap, name: str) -> bool:
    return name in ("collection", "targets") or bool(column_map.columns.get(name))


def _label(column_map: ColumnMap, name: str) -> str:
    if name == "collection" and not column_map.columns.get("collection"):
        return f"collection (named “{column_map.collection_name.strip()}” for every row)"
    if name == "targets" and not column_map.columns.get("targets"):
        pair = column_map.columns["target_resource"], column_map.columns["target_property"]
        return f"“{pair[0]}” + “{pair[1]}”"
    return f"“{column_map.columns[name]}”"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _simple(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
