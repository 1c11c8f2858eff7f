"""Scorecards: shrinkage toward the city, a minimum volume, ties as ties, the sanction
ladder over consecutive periods, the appreciation list, and who may see them."""

from datetime import date
from decimal import Decimal

import pytest

from aduan.core.models import Agency
from aduan.reports import scoring
from aduan.reports.models import MonthlyCount, ReportSettings, SanctionLevel
from aduan.reports.periods import Period
from conftest import PASSWORD

SEP = Period(date(2026, 9, 1))


def test_shrinkage_pulls_small_counts_to_the_city_rate():
    # Five late stages out of five: not 0%, but near the city's 80%.
    assert scoring.shrink(0, 5, 0.8, 20) == pytest.approx(16 / 25)
    # Five hundred stages: the agency's own record dominates.
    assert scoring.shrink(100, 500, 0.8, 20) == pytest.approx(116 / 520)
    assert scoring.shrink(0, 0, 0.8, 20) == 0.8


def test_equal_displayed_scores_share_a_rank():
    values = [Decimal("91.2"), Decimal("88.0"), Decimal("88.0"), Decimal("75.5"), None]
    assert scoring.competition_ranks(values) == [1, 2, 2, 4, None]


def _agency(code):
    return Agency.objects.create(code=code, name=f"Dinas {code}", short_name=code.upper())


def _judged(agency, period, on_time, judged, stage="response"):
    MonthlyCount.objects.create(
        month=period.first,
        agency=agency,
        stage=stage,
        public=True,
        completed=judged,
        judged=judged,
        on_time=on_time,
        breached=judged - on_time,
    )


@pytest.fixture
def agencies(db):
    return {code: _agency(code) for code in ("a", "b", "c", "d", "small")}


def test_ranking_rules(agencies):
    settings = ReportSettings.load()
    settings.min_volume, settings.prior_strength = 10, 20
    _judged(agencies["a"], SEP, 45, 50)
    _judged(agencies["b"], SEP, 40, 50)
    _judged(agencies["c"], SEP, 40, 50)  # same as b: a tie
    _judged(agencies["d"], SEP, 20, 50)
    _judged(agencies["small"], SEP, 0, 4)  # all late, but only four stages
    card = scoring.scorecard(SEP, settings)
    by = {s.agency.code: s for s in card.scores}
    assert card.city_rate == pytest.approx(145 / 204)
    assert [by[c].rank for c in "abcd"] == [1, 2, 2, 4]
    assert by["b"].displayed == by["c"].displayed
    small = by["small"]
    assert not small.ranked and small.rank is None and small.level is None
    assert small.score == pytest.approx((0 + 20 * 145 / 204) / 24)  # shrunk, shown, not ranked
    assert by["a"].score == pytest.approx((45 + 20 * 145 / 204) / 70)


def test_sanction_ladder_counts_consecutive_periods(agencies):
    settings = ReportSettings.load()
    settings.appreciation_min_score = Decimal("0.5")
    levels = {lv.code: lv for lv in SanctionLevel.objects.all()}
    assert [lv.periods for lv in sorted(levels.values(), key=lambda lv: lv.order)] == [1, 2, 3]
    periods = [SEP.previous(2), SEP.previous(1), SEP]
    for period in periods:
        _judged(agencies["a"], period, 48, 50)
        _judged(agencies["b"], period, 46, 50)
    # d is slow three periods in a row, c only in the last two, small never ranked.
    for period in periods:
        _judged(agencies["d"], period, 10, 50)
    _judged(agencies["c"], SEP.previous(2), 45, 50)
    _judged(agencies["c"], SEP.previous(1), 10, 50)
    _judged(agencies["c"], SEP, 10, 50)
    card = scoring.scorecard(SEP, settings)
    by = {s.agency.code: s for s in card.scores}
    assert by["d"].level == levels["rompi-hitam"]
    assert by["c"].level == levels["teguran-kedua"]
    assert by["a"].level is None
    assert {lv.code: [s.agency.code for s in ss] for lv, ss in card.sanctioned()} == {
        "rompi-hitam": ["d"],
        "teguran-kedua": ["c"],
        "teguran-pertama": [],
    }
    # Appreciation: the top ranks above the minimum, never a sanctioned agency.
    settings.appreciation_size = 2
    card = scoring.scorecard(SEP, settings)
    assert [s.agency.code for s in card.appreciated] == ["a", "b"]
    # One period earlier, d had only two slow periods behind it.
    earlier = {s.agency.code: s for s in scoring.scorecard(SEP.previous(), settings).scores}
    assert earlier["d"].level == levels["teguran-kedua"]


def test_an_unranked_period_breaks_the_streak(agencies):
    settings = ReportSettings.load()
    _judged(agencies["d"], SEP.previous(2), 10, 50)
    _judged(agencies["d"], SEP.previous(1), 1, 5)  # too few to rank
    _judged(agencies["d"], SEP, 10, 50)
    _judged(agencies["a"], SEP, 48, 50)
    card = scoring.scorecard(SEP, settings)
    by = {s.agency.code: s for s in card.scores}
    assert by["d"].level.code == "teguran-pertama"


def _login(client, user):
    client.login(username=user.username, password=PASSWORD)


def test_leaders_see_the_scorecard(aggregated, client, sekar):
    _login(client, sekar)
    response = client.get("/kantor/laporan/skor/", {"periode": "2026-09"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Daftar rompi hitam" in html and "DPUPRPKP" in html
    assert "belum diperingkat" in html  # DLH has only two judged stages
    assert client.post("/kantor/laporan/skor/").status_code == 405


@pytest.mark.parametrize("who", ["adi", "dewi"])
def test_agency_staff_do_not(aggregated, client, request, who):
    _login(client, request.getfixturevalue(who))
    assert client.get("/kantor/laporan/skor/").status_code == 403
    assert client.get("/kantor/laporan/").status_code == 403


def test_the_public_scorecard_exists_only_if_the_city_chooses(aggregated, client):
    assert client.get("/publik/skor/").status_code == 404
    assert "/publik/skor/" not in client.get("/publik/").content.decode()
    settings = ReportSettings.load()
    settings.publish_scorecard = True
    settings.save()
    response = client.get("/publik/skor/", {"periode": "2026-09"})
    assert response.status_code == 200
    assert "Rapor OPD" in response.content.decode()
    assert "/publik/skor/" in client.get("/publik/").content.decode()


def test_the_dashboard_says_who_is_slow_and_why(aggregated, client, sekar):
    _login(client, sekar)
    html = client.get("/kantor/laporan/", {"periode": "2026-09"}).content.decode()
    assert "OPD yang lambat, dan sebabnya" in html
    assert "2 tahap tanggapan pertama terlambat" in html
    assert "1 aduan belum ditanggapi" in html


# -- satisfaction, reopens and disputes in the score -------------------------------------


def _answered(make_complaint, agency, *, disputed=False, rating=None):
    """A complaint of ``agency`` answered in September (events written as they'd be)."""
    from aduan.core.models import Complaint, Event
    from aduan.reports.tests.conftest import wib

    complaint = make_complaint()
    Complaint.objects.filter(pk=complaint.pk).update(lead_agency=agency, rating=rating)
    Event.objects.create(complaint=complaint, kind=Event.Kind.RESOLVED, created_at=wib(2026, 9, 10))
    if disputed:
        Event.objects.create(
            complaint=complaint, kind=Event.Kind.DISPUTED, created_at=wib(2026, 9, 12)
        )
    if rating:
        Event.objects.create(
            complaint=complaint, kind=Event.Kind.RATED, created_at=wib(2026, 9, 13)
        )
    # Outside the period: never counted.
    Event.objects.create(complaint=complaint, kind=Event.Kind.DISPUTED, created_at=wib(2026, 11, 2))


def test_satisfaction_reopens_and_disputes_weigh_in(agencies, make_complaint):
    settings = ReportSettings.load()
    settings.min_volume, settings.prior_strength = 10, 0
    settings.save()
    _judged(agencies["a"], SEP, 45, 50)
    _judged(agencies["b"], SEP, 45, 50)
    _judged(agencies["c"], SEP, 45, 50)
    for _ in range(4):
        _answered(make_complaint, agencies["a"], rating=5)
        _answered(make_complaint, agencies["b"], disputed=True, rating=1)
    card = scoring.scorecard(SEP)
    by = {s.agency.code: s for s in card.scores}
    a, b, c = by["a"], by["b"], by["c"]
    # Same timeliness; a's citizens were satisfied, b's disputed every answer.
    assert a.parts == pytest.approx(
        {"timeliness": 0.9, "satisfaction": 1.0, "reopen": 1.0, "disputes": 1.0}
    )
    assert b.parts == pytest.approx(
        {"timeliness": 0.9, "satisfaction": 0.0, "reopen": 0.0, "disputes": 0.0}
    )
    assert a.score == pytest.approx(0.7 * 0.9 + 0.3)
    assert b.score == pytest.approx(0.7 * 0.9 / 1.0)
    # c has no answers in the data: only its timeliness counts, at its full value.
    assert c.parts == {"timeliness": pytest.approx(0.9)} and c.score == pytest.approx(0.9)
    assert a.rank == 1 and b.rank == 3

    # The weights are the city's: timeliness alone makes the three equal again.
    settings.weight_satisfaction = settings.weight_reopen = settings.weight_disputes = 0
    settings.save()
    card = scoring.scorecard(SEP)
    assert {s.agency.code: s.score for s in card.ranked} == pytest.approx(
        {"a": 0.9, "b": 0.9, "c": 0.9}
    )


def test_timeliness_must_weigh(db):
    from django.core.exceptions import ValidationError

    settings = ReportSettings.load()
    settings.weight_timeliness = 0
    with pytest.raises(ValidationError):
        settings.clean()


def test_the_scorecard_page_documents_the_rules(client, agencies):
    settings = ReportSettings.load()
    settings.publish_scorecard = True
    settings.weight_satisfaction = Decimal("0.25")
    settings.save()
    page = client.get("/publik/skor/").content.decode()
    assert "Kepuasan pelapor (bintang 1–5): bobot 0,25" in page or "bobot 0.25" in page
    assert "Teguran pertama" in page
