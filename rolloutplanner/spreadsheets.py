"""Cells that are safe to open in a spreadsheet program: the one formula-injection rule.

A cell starting with = + - @ (or a tab / carriage return, which some programs skip before
evaluating) would run as a formula; it is written with a leading apostrophe so it shows as text.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The value as written to a cell: text that would start a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def restore(value):
    """Undo :func:`neutralise` on import, so an exported workbook reads back unchanged."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] in FORMULA_PREFIXES:
        return value[1:]
    return value
