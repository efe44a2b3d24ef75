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
