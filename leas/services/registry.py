from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from leas.importers import FileImportError, FileRow, RowError, read_rows
from leas.models import LEA, Capacity, PovertyLevel, Urbanicity
from leas.services.readiness import ensure_readiness_checklist
from vendors.models import ProductType, Vendor

CHOICE_COLUMNS = {
    "capacity": Capacity,
    "urbanicity": Urbanicity,
    "poverty_level": PovertyLevel,
}
TEXT_COLUMNS = {"name": 200, "nces_id": 7, "region": 100}
KNOWN_COLUMNS = {
    "state_lea_id",
    "enrollment",
    "sis",
    "source_systems",
    *CHOICE_COLUMNS,
    *TEXT_COLUMNS,
}


@dataclass(frozen=True)
class LEAImportResult:
    created: int
    updated: int


def import_leas(*, file_name: str, content: bytes) -> LEAImportResult:
    """Create or update LEAs from a CSV/XLSX file keyed by ``state_lea_id``.

    All or nothing: every row is checked first and, if any row has an error, nothing is
    saved and :class:`FileImportError` lists each error by file, sheet, row and column.
    Columns: state_lea_id (required), name (required for a new LEA), nces_id, enrollment,
    capacity, urbanicity, region, poverty_level, sis (vendor or product name) and
    source_systems (vendor or product names separated by ";"). Blank cells leave values as
    they are.
    """
    rows = read_rows(file_name=file_name, content=content)
    if not rows:
        raise FileImportError([RowError(file_name, "", 2, "", "the file has no data rows")])
    header = set(rows[0].values)
    errors: list[RowError] = []
    if "state_lea_id" not in header:
        errors.append(RowError(file_name, rows[0].sheet, 1, "state_lea_id", "column is missing"))
        raise FileImportError(errors)
    for column in sorted(header - KNOWN_COLUMNS - {""}):
        errors.append(RowError(file_name, rows[0].sheet, 1, column, "unknown column"))

    existing = {lea.state_lea_id: lea for lea in LEA.objects.all()}
    vendors = _VendorLookup()
    parsed: list[tuple[FileRow, dict, list[Vendor] | None]] = []
    seen: dict[str, int] = {}
    for row in rows:
        row_errors, values, sources = _parse_row(row, file_name, existing, vendors, seen)
        errors.extend(row_errors)
        parsed.append((row, values, sources))
    if errors:
        raise FileImportError(errors)

    created = updated = 0
    with transaction.atomic():
        new_leas = []
        for _row, values, sources in parsed:
            lea = existing.get(values["state_lea_id"])
            if lea is None:
                lea = LEA(**values)
                created += 1
                new_leas.append(lea)
            else:
                for field, value in values.items():
                    setattr(lea, field, value)
                updated += 1
            lea._change_reason = f"imported from {file_name}"
            lea.save()
            if sources is not None:
                lea.source_systems.set(sources)
        ensure_readiness_checklist(leas=new_leas)
    return LEAImportResult(created=created, updated=updated)


class _VendorLookup:
    def __init__(self):
        self.by_name: dict[tuple[bool, str], list[Vendor]] = {}
        for vendor in Vendor.objects.all():
            for label in {vendor.name, vendor.product_name, str(vendor)} - {""}:
                for sis_only in (False, vendor.product_type == ProductType.SIS):
                    self.by_name.setdefault((sis_only, label.lower()), []).append(vendor)

    def find(self, label: str, *, sis: bool) -> tuple[Vendor | None, str]:
        matches = list(dict.fromkeys(self.by_name.get((sis, label.lower()), [])))
        if not matches:
            kind = "student information system" if sis else "vendor product"
            return None, f"no {kind} named {label!r}"
        if len(matches) > 1:
            return None, f"{label!r} names several products; use 'Vendor – Product'"
        return matches[0], ""


def _parse_row(row: FileRow, file_name, existing, vendors: _VendorLookup, seen: dict):
    errors: list[RowError] = []
    values: dict = {}
    sources = None

    def error(column: str, reason: str):
        errors.append(RowError(file_name, row.sheet, row.number, column, reason))

    key = row.values.get("state_lea_id", "")
    if not key:
        error("state_lea_id", "is required")
    elif len(key) > 20:
        error("state_lea_id", "is longer than 20 characters")
    elif key in seen:
        error("state_lea_id", f"{key!r} already appears on row {seen[key]}")
    else:
        seen[key] = row.number
    values["state_lea_id"] = key
    if key not in existing and not row.values.get("name"):
        error("name", "is required for a new LEA")

    for column, max_length in TEXT_COLUMNS.items():
        value = row.values.get(column, "")
        if value and len(value) > max_length:
            error(column, f"is longer than {max_length} characters")
        elif value:
            values[column] = value

    enrollment = row.values.get("enrollment", "")
    if enrollment:
        try:
            number = float(enrollment.replace(",", ""))
            if number < 0 or number != int(number):
                raise ValueError
            values["enrollment"] = int(number)
        except ValueError:
            error("enrollment", f"{enrollment!r} is not a whole number of students")

    for column, choices in CHOICE_COLUMNS.items():
        value = row.values.get(column, "")
        if not value:
            continue
        code = _choice(choices, value)
        if code is None:
            allowed = ", ".join(choices.values)
            error(column, f"{value!r} is not one of {allowed}")
        else:
            values[column] = code

    sis = row.values.get("sis", "")
    if sis:
        vendor, reason = vendors.find(sis, sis=True)
        if vendor is None:
            error("sis", reason)
        values["sis_vendor"] = vendor

    if row.values.get("source_systems"):
        sources = []
        for label in filter(None, (s.strip() for s in row.values["source_systems"].split(";"))):
            vendor, reason = vendors.find(label, sis=False)
            if vendor is None:
                error("source_systems", reason)
            else:
                sources.append(vendor)
    return errors, values, sources


def _choice(choices, value: str) -> str | None:
    lowered = value.strip().lower()
    for code, label in choices.choices:
        if lowered in (code, label.lower(), label.split(" (")[0].lower()):
            return code
    return None
