"""Downloads never carry a formula: every CSV and XLSX cell that a spreadsheet would run
(starting with = + - @, a tab or a carriage return) arrives as plain text."""

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from aduan.core.models import Agency, Category, Kelurahan
from aduan.reports import aggregation
from conftest import PASSWORD

HYPERLINK = '=HYPERLINK("http://penipu.example/x","Klik")'
SHORT_FORMULA = '=HYPERLINK("http://x.example","Klik")'
PHONE = "+6281234567890"
MINUS = "-1"
AT_SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
TAB = "\t=1+1"


@pytest.fixture
def formula_names(aggregated, city):
    """Master data renamed as a careless or hostile admin could: it reaches both files."""
    # The short name holds 40 characters (PostgreSQL enforces it; SQLite would not).
    Agency.objects.filter(pk=city["dlh"].pk).update(name=HYPERLINK, short_name=SHORT_FORMULA)
    Agency.objects.filter(pk=city["dpupr"].pk).update(name=MINUS, short_name=MINUS)
    Category.objects.filter(pk=city["waste"].pk).update(name=AT_SUM)
    Category.objects.filter(pk=city["roads"].pk).update(name=TAB)
    Kelurahan.objects.filter(pk=city["kauman"].pk).update(name=PHONE)
    aggregation.run()
    return aggregated


def _csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_open_data_csv_neutralises_formulas(formula_names, client):
    response = client.get("/publik/data/aduan.csv")
    assert response.status_code == 200
    rows = _csv_rows(response)
    ignored = next(r for r in rows if r["code"] == formula_names["ignored"].code)
    assert ignored["agency"] == "'" + SHORT_FORMULA
    assert ignored["category"] == "'" + AT_SUM
    quick = next(r for r in rows if r["code"] == formula_names["quick"].code)
    assert quick["agency"] == "'" + MINUS
    assert quick["category"] == "'" + TAB
    assert quick["kelurahan"] == "'" + PHONE
    # No cell of the whole file starts a formula.
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_evaluation_xlsx_stores_formula_like_names_as_text(formula_names, client, sekar):
    _login(client, sekar)
    response = client.get("/kantor/laporan/evaluasi/unduh.xlsx", {"periode": "2026-09"})
    assert response.status_code == 200
    # The file holds no formula at all: no <f> element in any sheet.
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in package.read(name) and b"<f " not in package.read(name)
    book = load_workbook(io.BytesIO(response.content))
    cells = {
        c.value: c
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
    }
    for value in (HYPERLINK, MINUS, AT_SUM, PHONE):
        cell = cells[value]  # shown exactly as typed, without an added apostrophe
        assert cell.data_type == "s" and cell.quotePrefix, value
    # Ordinary text is left alone.
    assert cells[formula_names["ignored"].code].quotePrefix is False


def test_only_staff_who_may_read_reports_download_it(formula_names, client, adi):
    _login(client, adi)
    assert client.get("/kantor/laporan/evaluasi/unduh.xlsx").status_code == 403
