"""Reading a state collection specification (CSV or XLSX) into rows, naming every problem."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from mapping.importers.own_layout import ColumnMap, headers_of, in_spec_layout
from mapping.models import DataType, MappingKind, MappingStatus
from mapping.spreadsheet import (
    CODE_SEPARATOR,
    DESCRIPTOR_COLUMNS,
    DESCRIPTOR_SHEET,
    INSTRUCTIONS_SHEET,
    LINEAGE_COLUMNS,
    LINEAGE_SHEET,
    LIST_SEPARATOR,
    MAPPING_COLUMNS,
    REQUIRED_COLUMNS,
)
from rolloutplanner.spreadsheets import UnreadableFile, read_table_file, restore

MAX_ERRORS = 50
TRUE_WORDS = {"yes", "y", "true", "1", "required"}
FALSE_WORDS = {"no", "n", "false", "0", "", "optional"}


@dataclass
class SpecRow:
    where: str  # "file, sheet S, row N" for messages
    collection: str
    element: str
    definition: str = ""
    data_type: str = DataType.STRING
    required: bool = False
    code_set: str = ""
    codes: list[tuple[str, str]] = field(default_factory=list)
    mapping: dict | None = None  # present when the file carries mapping columns
    element_id: int | None = None  # set once the row is saved


@dataclass
class DescriptorRow:
    where: str
    code_set: str
    code: str
    description: str
    descriptor: str
    code_value: str


@dataclass
class LineageRow:
    where: str
    resource: str
    source_system: str
    properties: str
    load_order: int


@dataclass
class ParsedSpec:
    rows: list[SpecRow] = field(default_factory=list)
    descriptor_rows: list[DescriptorRow] = field(default_factory=list)
    lineage_rows: list[LineageRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Spec column → the header the file itself uses, when it is in the team's own layout.
    column_labels: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> str:
        """How messages name a spec column: the file's own header when it has one."""
        return self.column_labels.get(name, name)

    def error(self, where: str, column: str, reason: str) -> None:
        self.errors.append(f"{where}, column {self.column(column)}: {reason}")


def parse_spec(*, name: str, content: bytes) -> ParsedSpec:
    """Parse an uploaded file; raises ValidationError listing every problem found."""
    return _parse_sheets(name, _read(name, content), ParsedSpec())


def parse_own_layout(*, name: str, content: bytes, column_map: ColumnMap) -> ParsedSpec:
    """Parse one sheet of a team's own spreadsheet through ``column_map``; raises
    ValidationError naming the file's sheet, row and its own column for every problem."""
    sheets = {sheet.title: sheet for sheet in _read(name, content)}
    sheet = sheets.get(column_map.sheet) or (
        next(iter(sheets.values())) if len(sheets) == 1 else None
    )
    if sheet is None:
        raise ValidationError(f"{name}: there is no sheet {column_map.sheet!r}.")
    problems = column_map.problems(headers_of(sheet))
    if problems:
        raise ValidationError([f"{name}: {problem}" for problem in problems])
    spec_sheet, labels = in_spec_layout(sheet, column_map)
    return _parse_sheets(name, [spec_sheet], ParsedSpec(column_labels=labels))


def _read(name: str, content: bytes) -> list:
    try:
        return read_table_file(file_name=name, content=content, all_sheets=True)
    except UnreadableFile as exc:
        raise ValidationError(str(exc)) from None


def _parse_sheets(name: str, sheets: list, parsed: ParsedSpec) -> ParsedSpec:
    for sheet in sheets:
        where = f"{name}, sheet {sheet.title}" if sheet.title else name
        if sheet.title == INSTRUCTIONS_SHEET:
            continue
        if sheet.title == DESCRIPTOR_SHEET:
            _parse_descriptor_table(parsed, where, sheet.rows)
        elif sheet.title == LINEAGE_SHEET:
            _parse_lineage_table(parsed, where, sheet.rows)
        else:
            _parse_table(parsed, where, sheet.rows)
    if not parsed.rows and not parsed.lineage_rows and not parsed.errors:
        parsed.errors.append(f"{name}: no element rows found.")
    _check_duplicates(parsed)
    if parsed.errors:
        extra = len(parsed.errors) - MAX_ERRORS
        messages = parsed.errors[:MAX_ERRORS]
        if extra > 0:
            messages.append(f"… and {extra} more problems.")
        raise ValidationError(messages)
    return parsed


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(restore(value) if isinstance(value, str) else value).strip()


def _header(parsed: ParsedSpec, where: str, rows: list[list], required) -> dict[str, int] | None:
    if not rows:
        parsed.errors.append(f"{where}: the sheet is empty.")
        return None
    header = {_cell(v).lower().replace(" ", "_"): i for i, v in enumerate(rows[0]) if _cell(v)}
    missing = [c for c in required if c not in header]
    if missing:
        parsed.errors.append(f"{where}, row 1: missing column(s) {', '.join(missing)}.")
        return None
    return header


def _parse_table(parsed: ParsedSpec, where: str, rows: list[list]) -> None:
    header = _header(parsed, where, rows, REQUIRED_COLUMNS)
    if header is None:
        return
    has_mapping = "kind" in header
    for number, raw in enumerate(rows[1:], start=2):
        values = {c: _cell(raw[i]) if i < len(raw) else "" for c, i in header.items()}
        if not any(values.values()):
            continue
        row_where = f"{where}, row {number}"
        row = _spec_row(parsed, row_where, values)
        if row is not None and has_mapping:
            row.mapping = _mapping_values(parsed, row_where, values)
        if row is not None:
            parsed.rows.append(row)


def _spec_row(parsed: ParsedSpec, where: str, values: dict) -> SpecRow | None:
    ok = True
    for column in REQUIRED_COLUMNS:
        if not values.get(column):
            parsed.error(where, column, "a value is required.")
            ok = False
    data_type = _data_type(values.get("data_type", ""))
    if data_type is None:
        allowed = ", ".join(DataType.values)
        parsed.error(where, "data_type", f"{values['data_type']!r} is not one of {allowed}.")
        ok = False
    required = values.get("required", "").lower()
    if required not in TRUE_WORDS | FALSE_WORDS:
        parsed.error(where, "required", f"{values['required']!r} is not yes or no.")
        ok = False
    codes = _codes(parsed, where, values.get("allowed_values", ""))
    if codes is None:
        ok = False
    code_set = values.get("code_set", "")
    if codes and not code_set:
        code_set = values.get("element", "")
    if code_set and data_type not in (None, DataType.CODE):
        parsed.error(where, "data_type", "an element with a code set has data type code.")
        ok = False
    for column in ("collection", "element", "code_set"):
        if len(values.get(column, "")) > 200:
            parsed.error(where, column, "longer than 200 characters.")
            ok = False
    if not ok:
        return None
    return SpecRow(
        where=where,
        collection=values["collection"],
        element=values["element"],
        definition=values.get("definition", ""),
        data_type=data_type,
        required=required in TRUE_WORDS,
        code_set=code_set,
        codes=codes or [],
    )


def _data_type(value: str) -> str | None:
    value = value.strip().lower()
    if not value:
        return DataType.STRING
    for choice, label in DataType.choices:
        if value in (choice, label.lower()):
            return choice
    return None


def _codes(parsed: ParsedSpec, where: str, text: str) -> list[tuple[str, str]] | None:
    codes: list[tuple[str, str]] = []
    for part in filter(None, (p.strip() for p in text.split(LIST_SEPARATOR))):
        code, _, description = part.partition(CODE_SEPARATOR)
        code, description = code.strip(), description.strip()
        if not code:
            parsed.error(where, "allowed_values", f"{part!r} has no code before '='.")
            return None
        if any(code == seen for seen, _ in codes):
            parsed.error(where, "allowed_values", f"code {code!r} is listed twice.")
            return None
        codes.append((code, description))
    return codes


def _mapping_values(parsed: ParsedSpec, where: str, values: dict) -> dict | None:
    mapping = {column: values.get(column, "") for column in MAPPING_COLUMNS}
    kind = mapping["kind"] or MappingKind.NOT_MAPPED
    if kind not in MappingKind.values:
        parsed.error(where, "kind", f"{kind!r} is not one of {', '.join(MappingKind.values)}.")
        return None
    status = mapping["status"] or MappingStatus.DRAFT
    if status not in MappingStatus.values:
        allowed = ", ".join(MappingStatus.values)
        parsed.error(where, "status", f"{status!r} is not one of {allowed}.")
        return None
    mapping["kind"], mapping["status"] = kind, status
    mapping["targets"] = [t.strip() for t in mapping["targets"].split(LIST_SEPARATOR) if t.strip()]
    return mapping


def _parse_descriptor_table(parsed: ParsedSpec, where: str, rows: list[list]) -> None:
    header = _header(parsed, where, rows, DESCRIPTOR_COLUMNS)
    if header is None:
        return
    for number, raw in enumerate(rows[1:], start=2):
        values = {c: _cell(raw[i]) if i < len(raw) else "" for c, i in header.items()}
        if not any(values.values()):
            continue
        row_where = f"{where}, row {number}"
        missing = [c for c in ("code_set", "code") if not values[c]]
        for column in missing:
            parsed.error(row_where, column, "a value is required.")
        if values["code_value"] and not values["descriptor"]:
            parsed.error(row_where, "descriptor", "a code value needs its descriptor.")
            continue
        if not missing:
            parsed.descriptor_rows.append(
                DescriptorRow(row_where, *(values[c] for c in DESCRIPTOR_COLUMNS))
            )


def _parse_lineage_table(parsed: ParsedSpec, where: str, rows: list[list]) -> None:
    from mapping.models import SourceSystemType

    header = _header(parsed, where, rows, LINEAGE_COLUMNS)
    if header is None:
        return
    for number, raw in enumerate(rows[1:], start=2):
        values = {c: _cell(raw[i]) if i < len(raw) else "" for c, i in header.items()}
        if not any(values.values()):
            continue
        row_where = f"{where}, row {number}"
        if not values["resource"]:
            parsed.error(row_where, "resource", "a value is required.")
            continue
        if values["source_system"] not in SourceSystemType.values:
            allowed = ", ".join(SourceSystemType.values)
            parsed.error(
                row_where, "source_system", f"{values['source_system']!r} is not one of {allowed}."
            )
            continue
        if not values["load_order"].isdigit():
            parsed.error(row_where, "load_order", f"{values['load_order']!r} is not a step number.")
            continue
        properties = "\n".join(
            p.strip() for p in values["properties"].split(LIST_SEPARATOR) if p.strip()
        )
        parsed.lineage_rows.append(
            LineageRow(
                row_where,
                values["resource"],
                values["source_system"],
                properties,
                int(values["load_order"]),
            )
        )


def _check_duplicates(parsed: ParsedSpec) -> None:
    seen: dict[tuple[str, str], str] = {}
    for row in parsed.rows:
        key = (row.collection.lower(), row.element.lower())
        if key in seen:
            parsed.error(
                row.where, "element", f"{row.element!r} is already defined at {seen[key]}."
            )
        else:
            seen[key] = row.where
