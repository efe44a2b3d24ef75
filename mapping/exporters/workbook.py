"""Writing a mapping plan (or the empty spec template) as XLSX or CSV.

Every cell goes through the platform's writer (:mod:`rolloutplanner.exports`), so a value
starting with = + - @ is shown as text and never evaluated; the importer undoes it, so an
exported plan imports back unchanged.
"""

from __future__ import annotations

import re

from mapping.models import (
    DescriptorMapping,
    ElementMapping,
    LineageAssignment,
    MappingPlan,
    StateCode,
)
from mapping.spreadsheet import (
    CODE_SEPARATOR,
    DESCRIPTOR_COLUMNS,
    DESCRIPTOR_SHEET,
    INSTRUCTIONS_SHEET,
    LINEAGE_COLUMNS,
    LINEAGE_SHEET,
    LIST_SEPARATOR,
    MAPPING_COLUMNS,
    SPEC_COLUMNS,
    SPECIAL_SHEETS,
)
from rolloutplanner.exports import XlsxWorkbook, csv_text

PLAN_COLUMNS = SPEC_COLUMNS + MAPPING_COLUMNS
TEMPLATE_EXAMPLE = (
    "Fall Child Count",
    "Primary Disability",
    "The student's primary disability category under IDEA.",
    "code",
    "yes",
    "Disability Category",
    "AUT=Autism; DB=Deaf-blindness; DD=Developmental delay",
)
INSTRUCTIONS = [
    ("Column", "What to enter"),
    ("collection", "The state collection, e.g. Fall Child Count (required)."),
    ("element", "The element name, unique within its collection (required)."),
    ("definition", "What the element means."),
    ("data_type", "string, integer, decimal, boolean, date, datetime or code."),
    ("required", "yes or no."),
    ("code_set", "Name of the code set (defaults to the element name when codes are given)."),
    ("allowed_values", "Codes as CODE=Description separated by ';'."),
]


def _plan_rows(plan: MappingPlan):
    mappings = (
        ElementMapping.objects.filter(element__collection__plan=plan)
        .select_related("element__collection", "element__code_set", "owner")
        .prefetch_related("targets__resource")
        .order_by("element__collection__name", "element__name")
    )
    codes_by_set: dict[int, list[StateCode]] = {}
    for code in StateCode.objects.filter(code_set__plan=plan).order_by("code"):
        codes_by_set.setdefault(code.code_set_id, []).append(code)
    for mapping in mappings:
        element = mapping.element
        codes = codes_by_set.get(element.code_set_id, [])
        yield (
            element.collection.name,
            (
                element.collection.name,
                element.name,
                element.definition,
                element.data_type,
                "yes" if element.required else "no",
                element.code_set.name if element.code_set else "",
                f"{LIST_SEPARATOR} ".join(
                    f"{c.code}{CODE_SEPARATOR}{c.description}" if c.description else c.code
                    for c in codes
                ),
                mapping.kind,
                f"{LIST_SEPARATOR} ".join(
                    sorted(f"{t.resource.name}.{t.path}" for t in mapping.targets.all())
                ),
                mapping.logical_map,
                mapping.transformation_rule,
                mapping.owner.get_username() if mapping.owner else "",
                mapping.status,
                mapping.comments,
            ),
        )


def _descriptor_rows(plan: MappingPlan):
    mapped = {
        m.state_code_id: m
        for m in DescriptorMapping.objects.filter(state_code__code_set__plan=plan).select_related(
            "descriptor_value__descriptor"
        )
    }
    codes = StateCode.objects.filter(code_set__plan=plan).select_related("code_set__descriptor")
    for code in codes.order_by("code_set__name", "code"):
        mapping = mapped.get(code.pk)
        descriptor = mapping.descriptor_value.descriptor if mapping else code.code_set.descriptor
        yield (
            code.code_set.name,
            code.code,
            code.description,
            descriptor.name if descriptor else "",
            mapping.descriptor_value.code_value if mapping else "",
        )


def _sheet_title(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:28] or "Collection"
    title, n = base, 1
    while title.lower() in used or title in SPECIAL_SHEETS:
        n += 1
        title = f"{base[:25]} {n}"
    used.add(title.lower())
    return title


def plan_workbook(*, plan: MappingPlan) -> bytes:
    """The whole plan: a sheet per collection, plus descriptor mappings and lineage."""
    workbook = XlsxWorkbook()
    sheets: dict[str, object] = {}
    used: set[str] = set()
    for collection, row in _plan_rows(plan):
        sheet = sheets.get(collection)
        if sheet is None:
            title = _sheet_title(collection, used)
            sheet = sheets[collection] = workbook.add_sheet(title, PLAN_COLUMNS)
        sheet.append(row)
    descriptors = workbook.add_sheet(DESCRIPTOR_SHEET, DESCRIPTOR_COLUMNS)
    for row in _descriptor_rows(plan):
        descriptors.append(row)
    lineage = workbook.add_sheet(LINEAGE_SHEET, LINEAGE_COLUMNS)
    assignments = LineageAssignment.objects.filter(plan=plan).select_related("resource")
    for assignment in assignments.order_by("load_order", "resource__name", "source_system"):
        properties = f"{LIST_SEPARATOR} ".join(sorted(assignment.property_paths))
        lineage.append(
            (
                assignment.resource.name,
                assignment.source_system,
                properties,
                assignment.load_order,
            )
        )
    return workbook.content()


def plan_csv(*, plan: MappingPlan) -> str:
    """Every element mapping of the plan as one CSV table (same columns as the workbook)."""
    # No byte order mark: the file is also read by scripts that expect plain UTF-8.
    return csv_text(PLAN_COLUMNS, (row for _, row in _plan_rows(plan)), bom=False)


def template_workbook() -> bytes:
    """The file a state fills in to import its collection specification."""
    workbook = XlsxWorkbook()
    workbook.add_sheet("Elements", SPEC_COLUMNS).append(TEMPLATE_EXAMPLE)
    instructions = workbook.add_sheet(INSTRUCTIONS_SHEET)
    for row in INSTRUCTIONS:
        instructions.append(row)
    return workbook.content()


def template_csv() -> str:
    return csv_text(SPEC_COLUMNS, [TEMPLATE_EXAMPLE], bom=False)
