from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction
from psycopg import sql

from leas.importers import FileImportError, FileRow, RowError, read_rows
from leas.models import LEA, Capacity, PovertyLevel, Urbanicity
from leas.services.readiness import ensure_readiness_checklist
from rolloutplanner.import_files import keep_import_file
from rolloutplanner.jobs import enqueue_job
from rolloutplanner.models import Job
from rolloutplanner.spreadsheets import check_import_size
from vendors.models import ProductType, Vendor

BATCH_SIZE = 1000
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


def import_leas(
    *, file_name: str, content: bytes, progress: Callable[[float, str], None] | None = None
) -> LEAImportResult:
    """Create or update LEAs from a CSV/XLSX file keyed by ``state_lea_id``.

    All or nothing: every row is checked first and, if any row has an error, nothing is
    saved and :class:`FileImportError` lists each error by file, sheet, row and column.
    Columns: state_lea_id (required), name (required for a new LEA), nces_id, enrollment,
    capacity, urbanicity, region, poverty_level, sis (vendor or product name) and
    source_systems (vendor or product names separated by ";"). Blank cells leave values as
    they are. Writes are set-wise (a few statements per thousand rows), in one transaction;
    every LEA gets one history record, with its source systems, naming the file.
    """
    report = progress or (lambda percent, message: None)
    report(2, f"Reading {file_name}")
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
    parsed: list[tuple[dict, list[Vendor] | None]] = []
    seen: dict[str, int] = {}
    for done in range(len(rows)):
        if done % 1000 == 0:
            report(10 + 50 * done / len(rows), f"Checked {done:,} of {len(rows):,} rows")
        row, rows[done] = rows[done], None  # kept as values only from here on
        row_errors, values, sources = _parse_row(row, file_name, existing, vendors, seen)
        errors.extend(row_errors)
        parsed.append((values, sources))
    if errors:
        raise FileImportError(errors)
    report(60, f"Saving {len(parsed):,} LEAs")
    with transaction.atomic():
        result = _save_leas(parsed, existing, reason=f"imported from {file_name}")
    return result


def _save_leas(parsed, existing: dict[str, LEA], *, reason: str) -> LEAImportResult:
    new_leas: list[LEA] = []
    updated_leas: list[LEA] = []
    fields: set[str] = set()
    sources_of: list[tuple[LEA, list[Vendor]]] = []
    for values, sources in parsed:
        lea = existing.get(values["state_lea_id"])
        if lea is None:
            lea = LEA(**values)
            new_leas.append(lea)
        else:
            for field, value in values.items():
                setattr(lea, field, value)
            fields.update(values)
            updated_leas.append(lea)
        if sources is not None:
            sources_of.append((lea, sources))
    LEA.objects.bulk_create(new_leas, batch_size=BATCH_SIZE)
    _update_leas(updated_leas, fields - {"state_lea_id"})
    _replace_source_systems(sources_of)
    _record_history(new_leas, updated_leas, reason=reason)
    for start in range(0, len(new_leas), BATCH_SIZE):
        # Nine items per LEA: all at once, 400,000 new LEAs held 3.6 million rows in memory.
        ensure_readiness_checklist(leas=new_leas[start : start + BATCH_SIZE])
    return LEAImportResult(created=len(new_leas), updated=len(updated_leas))


def _update_leas(leas: list[LEA], names: set[str]) -> None:
    """Write ``names`` of every LEA in ``leas`` with COPY and one UPDATE.

    QuerySet.bulk_update builds a CASE of one branch per row and field: 58 s for 5,000 LEAs
    (bench/imports.py), against under a second here.
    """
    if not leas or not names:
        return
    columns = [LEA._meta.get_field(name).column for name in sorted(names)]
    attnames = [LEA._meta.get_field(name).attname for name in sorted(names)]
    table = sql.Identifier(LEA._meta.db_table)
    staged = sql.Identifier("lea_import_rows")
    with connection.cursor() as cursor:
        listed = sql.SQL(", ").join(sql.Identifier(c) for c in ["id", *columns])
        cursor.execute(
            sql.SQL(
                "CREATE TEMPORARY TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA"
            ).format(staged, listed, table)
        )
        copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(staged, listed)
        with cursor.cursor.copy(copy_sql) as copy:
            for lea in leas:
                copy.write_row([lea.pk, *(getattr(lea, a) for a in attnames)])
        assignments = sql.SQL(", ").join(
            sql.SQL("{} = staged.{}").format(sql.Identifier(c), sql.Identifier(c)) for c in columns
        )
        cursor.execute(
            sql.SQL("UPDATE {} AS lea SET {} FROM {} AS staged WHERE lea.id = staged.id").format(
                table, assignments, staged
            )
        )
        cursor.execute(sql.SQL("DROP TABLE {}").format(staged))


def _replace_source_systems(sources_of: list[tuple[LEA, list[Vendor]]]) -> None:
    through = LEA.source_systems.through
    pks = [lea.pk for lea, _ in sources_of]
    for start in range(0, len(pks), BATCH_SIZE):
        through.objects.filter(lea_id__in=pks[start : start + BATCH_SIZE]).delete()
    links = [
        through(lea_id=lea.pk, vendor_id=vendor.pk)
        for lea, sources in sources_of
        for vendor in dict.fromkeys(sources)
    ]
    through.objects.bulk_create(links, batch_size=BATCH_SIZE)


def _record_history(new_leas: list[LEA], updated_leas: list[LEA], *, reason: str) -> None:
    """One history record per LEA, with a copy of its source-system links as they now are.

    django-simple-history writes the m2m copy row by row on save(); this is the same rows
    written in bulk (LEA.history is configured with m2m_fields=[source_systems]).
    """
    records = [
        *LEA.history.bulk_history_create(
            new_leas, default_change_reason=reason, batch_size=BATCH_SIZE
        ),
        *LEA.history.bulk_history_create(
            updated_leas, update=True, default_change_reason=reason, batch_size=BATCH_SIZE
        ),
    ]
    through = LEA.source_systems.through
    m2m_history = apps.get_model("leas", "HistoricalLEA_source_systems")
    rows = []
    for start in range(0, len(records), BATCH_SIZE):
        batch = records[start : start + BATCH_SIZE]
        record_of = {record.id: record for record in batch}
        links = through.objects.filter(lea_id__in=list(record_of)).values_list(
            "id", "lea_id", "vendor_id"
        )
        rows.extend(
            m2m_history(id=pk, history=record_of[lea_id], lea_id=lea_id, vendor_id=vendor_id)
            for pk, lea_id, vendor_id in links
        )
    m2m_history.objects.bulk_create(rows, batch_size=BATCH_SIZE)


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


IMPORT_JOB_KIND = "lea_registry_import"


def start_lea_import(*, user, upload) -> Job:
    """Keep an uploaded registry file privately and queue its import as a job.

    For files above ``IMPORT_BACKGROUND_ABOVE_BYTES``; the job imports it with
    :func:`import_leas` (all or nothing) and removes the stored file when it ends.
    """
    check_import_size(file_name=upload.name, size=upload.size)
    path = keep_import_file(upload=upload)
    return enqueue_job(
        kind=IMPORT_JOB_KIND,
        user=user,
        parameters={"file_name": upload.name, "path": path, "size": upload.size},
    )
