"""Column layout shared by the state spec template, the import and the plan export."""

from __future__ import annotations

# Columns of a collection sheet, in order. The first seven describe the state element; the
# rest carry its mapping so an exported plan imports back without loss.
SPEC_COLUMNS = (
    "collection",
    "element",
    "definition",
    "data_type",
    "required",
    "code_set",
    "allowed_values",
)
MAPPING_COLUMNS = (
    "kind",
    "targets",
    "logical_map",
    "transformation_rule",
    "owner",
    "status",
    "comments",
)
REQUIRED_COLUMNS = ("collection", "element")

DESCRIPTOR_SHEET = "Descriptor mappings"
DESCRIPTOR_COLUMNS = ("code_set", "code", "description", "descriptor", "code_value")
INSTRUCTIONS_SHEET = "Instructions"
LINEAGE_SHEET = "Lineage"
LINEAGE_COLUMNS = ("resource", "source_system", "properties", "load_order")
SPECIAL_SHEETS = (DESCRIPTOR_SHEET, INSTRUCTIONS_SHEET, LINEAGE_SHEET)

# Separators inside a cell: allowed values "01=Autism; 02=Deaf-blindness", targets
# "Student.BirthDate; StudentSchoolAssociation.EntryDate".
LIST_SEPARATOR = ";"
CODE_SEPARATOR = "="

FORMULA_PREFIXES = ("=", "+", "-", "@")


def neutralise(value):
    """A cell value a spreadsheet will show as text, never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def restore(value):
    """Undo :func:`neutralise` on import so an exported workbook round-trips unchanged."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] in FORMULA_PREFIXES:
        return value[1:]
    return value
