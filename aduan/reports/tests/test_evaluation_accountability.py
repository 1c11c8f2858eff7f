"""The bimonthly evaluation's accountability sections, on the page, in the PDF (its
HTML) and in the XLSX: the scorecard, proposed and approved steps, plan status and the
outcome breakdown."""

import io

import pytest
from django.utils import timezone

from aduan.reports.records import Sanction

from .sanction_fixtures import step

URL = "/kantor/laporan/evaluasi/"


@pytest.fixture
def records(aggregated, city):
    now = timezone.now()
    Sanction.objects.create(
        agency=city["dpupr"],
        period="2026-09",
        state=Sanction.State.APPROVED,
        proposed_level=step("teguran-pertama"),
        level=step("teguran-kedua"),
        amendment_reason="Keluhan jalan berulang.",
        proposed_at=now,
    )
    Sanction.objects.create(
        agency=city["dlh"],
        period="2026-07",
        state=Sanction.State.ACKNOWLEDGED,
        proposed_level=step("teguran-pertama"),
        level=step("teguran-pertama"),
        proposed_at=now,
    )
    return aggregated


@pytest.fixture
def captured_html(monkeypatch):
    import weasyprint

    seen = []
    real = weasyprint.HTML

    def recording(*args, string=None, **kwargs):
        seen.append(string)
        return real(*args, string=string, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", recording)
    return seen


def test_pdf_carries_steps_plans_and_outcomes(client, records, sekar, captured_html):
    client.force_login(sekar)
    response = client.get(URL + "unduh.pdf", {"periode": "2026-09"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    html = captured_html[-1]
    assert "Rapor, tangga sanksi dan rencana perbaikan" in html
    table = html.split("acc-table")[1].split("</table>")[0]
    dpupr = table.split("Dinas Pekerjaan Umum")[1].split("</tr>")[0]
    assert "Teguran pertama" in dpupr and "Teguran kedua" in dpupr
    assert "Keluhan jalan berulang." in dpupr
    assert "Menunggu penerimaan surat" in dpupr
    dlh = table.split("Dinas Lingkungan Hidup")[1].split("</tr>")[0]
    assert "Rencana belum disusun" in dlh
    outcomes = html.split("outcome-table")[1].split("</table>")[0]
    assert "Dirujuk ke pihak lain" in outcomes and "Sudah ditangani" in outcomes


def test_page_shows_the_same_sections(client, records, sekar):
    client.force_login(sekar)
    page = client.get(URL, {"periode": "2026-09"}).content.decode()
    assert "Rapor, tangga sanksi dan rencana perbaikan" in page
    assert "Hasil penanganan aduan yang diterima dalam periode" in page


def test_xlsx_has_the_scorecard_and_outcome_sheets(client, records, sekar):
    from openpyxl import load_workbook

    client.force_login(sekar)
    response = client.get(URL + "unduh.xlsx", {"periode": "2026-09"})
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Rapor dan sanksi"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    dpupr = rows["Dinas Pekerjaan Umum"]
    assert dpupr[4] == "Teguran pertama" and dpupr[5] == "Teguran kedua"
    assert dpupr[6] == "Keluhan jalan berulang."
    assert rows["Dinas Lingkungan Hidup"][9] == "Teguran pertama"
    outcomes = book["Hasil penanganan"]
    header = [c.value for c in outcomes[1]]
    assert header[:4] == ["OPD", "Sudah ditangani", "Dijawab", "Dirujuk ke pihak lain"]
    by = {r[0]: r for r in outcomes.iter_rows(min_row=2, values_only=True)}
    # DLH's answer in the history was a referral: counted as one, never as fixed.
    assert by["Dinas Lingkungan Hidup"][3] == 1
    assert by["Dinas Lingkungan Hidup"][1] == 0
    assert by["Jumlah"][3] == 1
