"""Outcomes are counted apart on every report surface; "fixed" never includes a
referral or a refusal (issue 16). One PDAM complaint fixed, one referred, one that
cannot be acted on: a fixed rate of 1/3 everywhere."""

import json
import re

import pytest

from aduan.core import lifecycle
from aduan.core.models import Outcome, Role
from aduan.reports import aggregation, measures
from aduan.reports.models import ReportSettings
from aduan.reports.periods import parse_period
from conftest import PASSWORD, _user

from .conftest import wib

pytestmark = pytest.mark.django_db

THIRD = "33,3%"


@pytest.fixture
def three(city, mira, make_complaint):
    pdam_admin = _user("tirta", Role.ADMIN_OPD, agency=city["pdam"])
    outcomes = [
        (Outcome.FIXED, ""),
        (Outcome.REFERRED, "PLN UP3 Malang"),
        (Outcome.CANNOT_ACT, "Pipa di persil pribadi, perbaikan oleh pemilik."),
    ]
    made = []
    for day, (outcome, note) in enumerate(outcomes, start=1):
        c = make_complaint(
            category=city["water"], text="Air mati sejak pagi.", at=wib(2026, 9, day, 9)
        )
        lifecycle.dispatch(c, mira, lead=city["pdam"], at=wib(2026, 9, day, 10))
        lifecycle.acknowledge(c, pdam_admin, at=wib(2026, 9, day, 11))
        lifecycle.resolve(
            c,
            pdam_admin,
            answer="Jawaban PDAM.",
            outcome=outcome,
            outcome_note=note,
            at=wib(2026, 9, day + 1, 10),
        )
        made.append(c)
    aggregation.run()
    return made


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_the_measures_count_each_outcome(three, city):
    period = parse_period("2026-09", default=None)
    by_agency = measures.outcomes_by_agency(period.months)
    pdam = by_agency[city["pdam"].pk]
    assert (pdam.fixed, pdam.answered, pdam.referred, pdam.planned, pdam.cannot_act) == (
        1,
        0,
        1,
        0,
        1,
    )
    assert pdam.fixed_rate == pytest.approx(1 / 3)
    assert measures.outcomes_total(period.months).fixed_rate == pytest.approx(1 / 3)


def test_public_statistics(three, client):
    html = client.get("/publik/statistik/", {"bulan": 24}).content.decode()
    tile = re.search(r'id="tingkat-ditangani">(.*?)</div>', html, re.S).group(1)
    assert THIRD in tile and "1 dari 3" in tile
    table = html.split('id="hasil"')[1].split("</section>")[0]
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', table))
    assert rows == {
        "Sudah ditangani": "1",
        "Dijawab": "0",
        "Dirujuk ke pihak lain": "1",
        "Direncanakan (tahun anggaran)": "0",
        "Tidak dapat ditindaklanjuti": "1",
    }


def _fixed_rate_cells(html):
    return re.findall(r'<td class="num rp-fixed-rate">([^<]+)</td>', html)


def test_staff_scorecard(three, client, sekar):
    _login(client, sekar)
    html = client.get("/kantor/laporan/skor/", {"periode": "2026-09"}).content.decode()
    assert _fixed_rate_cells(html) == [THIRD]
    assert "rujukan ke pihak lain" in html  # the rule is written on the page


def test_public_scorecard(three, client):
    settings = ReportSettings.load()
    settings.publish_scorecard = True
    settings.save()
    html = client.get("/publik/skor/", {"periode": "2026-09"}).content.decode()
    assert _fixed_rate_cells(html) == [THIRD]


def test_dashboard(three, client, sekar):
    _login(client, sekar)
    html = client.get("/kantor/laporan/", {"periode": "2026-09"}).content.decode()
    section = html.split('id="hasil"')[1].split("</section>")[0]
    assert "PDAM" in section
    assert _fixed_rate_cells(section) == [THIRD]
    cells = re.findall(r'<td class="num">(\d+)</td>', section)
    assert cells == ["1", "0", "1", "0", "1"]


def test_dashboard_is_for_leaders_only(three, client, adi):
    _login(client, adi)
    assert client.get("/kantor/laporan/", {"periode": "2026-09"}).status_code == 403


def test_open_data_has_each_outcome(three, client):
    body = b"".join(client.get("/publik/data/aduan.json").streaming_content).decode()
    records = {r["code"]: r for r in json.loads(body)["complaints"]}
    got = sorted((records[c.code]["outcome"], records[c.code]["outcome_note"]) for c in three)
    assert got == [
        ("dirujuk", "PLN UP3 Malang"),
        ("ditangani", ""),
        ("tidak_dapat", "Pipa di persil pribadi, perbaikan oleh pemilik."),
    ]
    csv = b"".join(client.get("/publik/data/aduan.csv").streaming_content).decode()
    assert "outcome,outcome_note" in csv and ",dirujuk,PLN UP3 Malang," in csv
