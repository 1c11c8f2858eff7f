import io

import pytest
from openpyxl import Workbook, load_workbook

from aduan.lib.spreadsheet import append_xlsx_row, csv_cell, csv_row, is_formula_like


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://x","y")', "+6281234567890", "-1", "@SUM(A1)", "\t=1", "\r=1"],
)
def test_formula_starts_get_an_apostrophe_in_csv(value):
    assert is_formula_like(value)
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Jalan rusak", "081234567890", "", "a=b", " =1"])
def test_other_text_is_unchanged(value):
    assert csv_cell(value) == value


def test_csv_row_turns_values_into_text():
    assert csv_row([None, 3, "-2", "ok"]) == ["", "3", "'-2", "ok"]


def test_xlsx_keeps_the_text_and_numbers_but_no_formula():
    book = Workbook()
    sheet = book.active
    append_xlsx_row(sheet, ["=1+1", "+62", -1, 2.5, "biasa", None])
    out = io.BytesIO()
    book.save(out)
    cells = list(load_workbook(io.BytesIO(out.getvalue())).active[1])
    assert [c.value for c in cells[:5]] == ["=1+1", "+62", -1, 2.5, "biasa"]
    assert [c.data_type for c in cells[:5]] == ["s", "s", "n", "n", "s"]
    assert [c.quotePrefix for c in cells[:5]] == [True, True, False, False, False]
