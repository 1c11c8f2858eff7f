"""GET /kantor/tenggat/peringatan/: the city-wide warning board."""

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from aduan.core import lifecycle
from aduan.core.models import Privacy
from aduan.deadlines.sweep import sweep

from .conftest import wib

URL = "/kantor/tenggat/peringatan/"
NOW = wib(2026, 3, 10, 12, 0)
SECRET = "Pungutan liar oleh oknum petugas di loket kelurahan"


@pytest.fixture
def board_city(make_complaint, mira, adi, dewi, city):
    """Overdue at NOW: a confidential DPUPR complaint and one the moderators never
    dispatched. Not overdue: a fresh DLH complaint, a paused one, a budget-deferred one."""
    late = make_complaint(at=wib(2026, 3, 2, 9, 0), privacy=Privacy.RAHASIA, text=SECRET)
    lifecycle.dispatch(late, mira, lead=city["dpupr"], at=wib(2026, 3, 2, 10, 0))
    stuck = make_complaint(at=wib(2026, 3, 6, 9, 0), category=None)
    fresh = make_complaint(at=wib(2026, 3, 9, 9, 0), category=city["waste"])
    lifecycle.dispatch(fresh, mira, lead=city["dlh"], at=wib(2026, 3, 10, 9, 0))
    paused = make_complaint(at=wib(2026, 3, 2, 9, 0))
    lifecycle.dispatch(paused, mira, lead=city["dpupr"], at=wib(2026, 3, 2, 10, 0))
    lifecycle.request_info(paused, adi, question="Di mana?", at=wib(2026, 3, 2, 11, 0))
    planned = make_complaint(at=wib(2026, 3, 2, 9, 0))
    lifecycle.dispatch(planned, mira, lead=city["dpupr"], at=wib(2026, 3, 2, 10, 0))
    lifecycle.defer_to_budget(planned, adi, year=2027, plan="APBD", at=wib(2026, 3, 2, 12, 0))
    sweep(NOW)
    return {"late": late, "stuck": stuck, "fresh": fresh, "paused": paused, "planned": planned}


def get_board(client, user):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        return client.get(URL)


def test_url_name():
    assert reverse("deadlines:board") == URL


@pytest.mark.parametrize("persona", ["mira", "adi", "kurnia", "dewi", "sekar", "sari"])
def test_every_staff_role_sees_the_whole_city(client, board_city, persona, request):
    response = get_board(client, request.getfixturevalue(persona))
    assert response.status_code == 200
    page = response.content.decode()
    assert board_city["late"].code in page
    assert board_city["stuck"].code in page
    for name in ("fresh", "paused", "planned"):
        assert board_city[name].code not in page
    assert "DPUPRPKP" in page
    assert "Moderator (belum didisposisikan)" in page
    assert "2 aduan melewati tenggat" in page


def test_board_shows_no_reporter_and_no_text(client, board_city, dewi):
    # Dewi (DLH) sees DPUPR's confidential complaint only as a code and a delay.
    page = get_board(client, dewi).content.decode()
    assert SECRET not in page
    assert "Budi" not in page and "6281234567890" not in page
    assert "Jalan rusak" in page and "Kauman" in page
    assert "terlambat" in page


def test_board_shows_the_escalation_level(client, board_city, sekar):
    page = get_board(client, sekar).content.decode()
    # By 10 March the DPUPR complaint's response is three working days late.
    assert "Laporkan ke pimpinan (Sekda)" in page


def test_anonymous_is_sent_to_login(client, board_city):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/kantor/masuk/" in response["Location"]


def test_account_without_a_role_is_refused(client, board_city):
    nobody = get_user_model().objects.create_user(username="tamu", password="x")
    client.force_login(nobody)
    assert client.get(URL).status_code == 403


def test_wrong_method(client, board_city, mira):
    client.force_login(mira)
    assert client.post(URL).status_code == 405


def test_empty_board(client, city, mira):
    page = get_board(client, mira).content.decode()
    assert "Tidak ada aduan yang melewati tenggat" in page


def test_rows_link_to_the_complaints_the_viewer_may_open(client, board_city, adi, dewi, mira):
    late, stuck = board_city["late"], board_city["stuck"]
    # Moderators open every complaint.
    page = get_board(client, mira).content.decode()
    assert f'href="/kantor/aduan/{late.code}/"' in page
    assert f'href="/kantor/aduan/{stuck.code}/"' in page
    # DPUPR's officer opens DPUPR's complaint, not the moderators' one.
    page = get_board(client, adi).content.decode()
    assert f'href="/kantor/aduan/{late.code}/"' in page
    assert f'href="/kantor/aduan/{stuck.code}/"' not in page
    # DLH's officer reads the row but has no link into another agency's complaint.
    page = get_board(client, dewi).content.decode()
    assert late.code in page and f'href="/kantor/aduan/{late.code}/"' not in page


def test_stage_names_are_translated(client, board_city, mira):
    client.force_login(mira)
    with time_machine.travel(NOW, tick=False):
        page = client.get(URL, headers={"accept-language": "en"}).content.decode()
    assert (
        "Agency&#x27;s first response" in page
        or "Agency’s first response" in page
        or "Agency's first response" in page
    )
    assert "tanggapan pertama" not in page
