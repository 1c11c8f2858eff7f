"""The bimonthly evaluation: built from stage records and events, equal to the dashboard
(which reads the pre-aggregated counts) for the same period, downloadable as PDF and XLSX."""

import io

import pytest
from openpyxl import load_workbook

from aduan.core import lifecycle
from aduan.reports import aggregation, evaluation
from aduan.reports.dashboard import dashboard_rows
from aduan.reports.periods import parse_period
from conftest import PASSWORD

from .conftest import wib

SEPTEMBER = parse_period("2026-09")
URL = "/kantor/laporan/evaluasi/"


def _by_agency(rows):
    return {(r.agency.code if r.agency else None): r.numbers() for r in rows}


@pytest.mark.parametrize("code", ["2026-09", "2026-11", "2026-07"])
def test_evaluation_numbers_equal_the_dashboard(aggregated, code):
    period = parse_period(code)
    report = evaluation.build(period)
    assert _by_agency(report.rows) == _by_agency(dashboard_rows(period))


def test_equal_again_after_more_events_and_a_job_pass(aggregated, dewi):
    ignored = aggregated["ignored"]
    lifecycle.acknowledge(ignored, dewi, at=wib(2026, 10, 5, 9))
    aggregation.run()
    report = evaluation.build(SEPTEMBER)
    assert _by_agency(report.rows) == _by_agency(dashboard_rows(SEPTEMBER))


def test_the_september_figures(aggregated, city):
    report = evaluation.build(SEPTEMBER)
    rows = {(r.agency.code if r.agency else None): r for r in report.rows}
    dlh, dpupr, moderators = rows["dlh"], rows["dpuprpkp"], rows[None]
    # DLH never answered "ignored"; it answered "returned" late (referred to PLN).
    assert (dlh.unanswered, dlh.unresolved) == (1, 1)
    assert dlh.breaches.get("resolution") == 1
    assert [i.code for i in report.items_for(dlh, "unanswered")] == [aggregated["ignored"].code]
    # DPUPR: "budget" planned for 2027; "slow" late twice; the wrong dispatch returned late.
    assert dpupr.deferred == 1
    (planned,) = report.items_for(dpupr, "deferred")
    assert (planned.code, planned.planned_year) == (aggregated["budget"].code, 2027)
    assert dpupr.breaches == {"response": 2, "resolution": 1}
    assert (dpupr.answers, dpupr.disputes, dpupr.ratings, dpupr.rating_sum) == (4, 1, 2, 7)
    # The moderators: one complaint still waiting for dispatch at the end of October.
    assert moderators.undispatched == 1
    assert moderators.answers == 1
    assert report.items_for(moderators, "undispatched")[0].code == aggregated["waiting"].code
    # November's complaint is outside the period.
    codes = {i.code for items in report.items.values() for i in items}
    assert aggregated["november"].code not in codes


def _login(client, user):
    client.login(username=user.username, password=PASSWORD)


def test_leaders_read_the_report_and_download_it(aggregated, client, sekar):
    _login(client, sekar)
    page = client.get(URL, {"periode": "2026-09"})
    assert page.status_code == 200
    html = page.content.decode()
    assert aggregated["ignored"].code in html and "2027" in html
    pdf = client.get(URL + "unduh.pdf", {"periode": "2026-09"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "evaluasi-aduan-2026-09.pdf" in pdf["Content-Disposition"]
    sheet = client.get(URL + "unduh.xlsx", {"periode": "2026-09"})
    assert sheet.status_code == 200
    book = load_workbook(io.BytesIO(sheet.content))
    summary = book.worksheets[0]
    names = [row[0].value for row in summary.iter_rows(min_row=5)]
    assert "Dinas Lingkungan Hidup" in names
    unanswered = book["Belum ditanggapi"]
    assert [c.value for c in unanswered["B"]][1:] == [aggregated["ignored"].code]
    planned = book["Rencana anggaran"]
    assert planned["I2"].value == 2027


def test_moderators_of_diskominfo_read_it_too(aggregated, client, mira):
    _login(client, mira)
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("who", ["adi", "dewi", "kurnia"])
def test_agency_staff_may_not(aggregated, client, request, who):
    _login(client, request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert client.get(URL + "unduh.pdf").status_code == 403
    assert client.get(URL + "unduh.xlsx").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(URL + "unduh.xlsx")
    assert response.status_code == 302 and "/kantor/masuk/" in response["Location"]


def test_only_get(aggregated, client, sekar):
    _login(client, sekar)
    assert client.post(URL).status_code == 405
    assert client.post(URL + "unduh.pdf").status_code == 405


def test_the_report_carries_no_reporter_data(aggregated, client, sekar):
    from .conftest import NAME, PHONE

    _login(client, sekar)
    sheet = client.get(URL + "unduh.xlsx", {"periode": "2026-09"}).content
    book = load_workbook(io.BytesIO(sheet))
    cells = " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row)
    assert NAME not in cells and PHONE not in cells
    html = client.get(URL, {"periode": "2026-09"}).content.decode()
    assert NAME not in html and PHONE not in html
