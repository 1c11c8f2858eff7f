"""Cells that a spreadsheet shows as text and never runs (framework-free).

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``,
``-`` or ``@`` as a formula, and a tab or carriage return in front can smuggle one
past a naive check ("CSV injection", OWASP). Anything a citizen or an admin typed
can reach a download (agency and category names, masked complaint text), so every
CSV and XLSX writer of the project passes its cells through here:

- CSV has no cell types: :func:`csv_cell` puts an apostrophe in front, which the
  spreadsheet shows and never evaluates (the OWASP recommendation).
- XLSX has: :func:`protect_xlsx_row` stores such a value as a string cell with the
  "quote prefix" style, so the text is shown exactly as written and stays text even
  when someone edits the cell. No apostrophe is added to the value itself.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value: object) -> str:
    """``value`` as CSV text that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if is_formula_like(text) else text


def csv_row(values: Iterable[object]) -> list[str]:
    return [csv_cell(v) for v in values]


def protect_xlsx_row(cells: Iterable) -> None:
    """Turn formula-like text in openpyxl ``cells`` (a row just appended) into plain text.

    openpyxl itself stores any string that starts with ``=`` as a formula; the other
    starts are stored as text but would become formulas when edited in Excel.
    """
    for cell in cells:
        if is_formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True


def append_xlsx_row(sheet, values: Iterable[object]) -> None:
    """``sheet.append(values)`` with every formula-like text made plain text."""
    sheet.append(list(values))
    protect_xlsx_row(sheet[sheet.max_row])
