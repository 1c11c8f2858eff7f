"""The reporter's private page: /k/<token>/, reached through the secret link."""

import pytest

from aduan.core import lifecycle
from aduan.core.models import Status

from .conftest import upload


def own(client, complaint):
    response = client.get(f"/k/{complaint.token}/")
    assert response.status_code == 200
    return response.content.decode()


SECTIONS = {
    "info": 'id="informasi"',
    "answer": 'id="tanggapan"',
    "rating": 'id="nilai"',
}


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        # Information may be added at any time while the complaint is open.
        (Status.BARU, {"info"}),
        (Status.DIDISPOSISIKAN, {"info"}),
        (Status.MENUNGGU_INFO, {"info"}),
        (Status.DIPROSES, {"info"}),
        (Status.DITUNDA_ANGGARAN, {"info"}),
        (Status.SELESAI, {"answer", "rating"}),
        (Status.DITUTUP, {"rating"}),
        (Status.DITOLAK, set()),
    ],
)
def test_offers_only_the_actions_of_the_current_status(client, complaint_in, status, shown):
    html = own(client, complaint_in(status))
    for name, marker in SECTIONS.items():
        assert (marker in html) == (name in shown), name


def test_shows_the_full_complaint_to_its_reporter(client, complaint_in):
    complaint = complaint_in(
        Status.SELESAI,
        text="Saya Budi, rumah nomor 7. Got mampet di gang 3.",
        address="Gang 3 RT 02/RW 04",
    )
    html = own(client, complaint)
    assert "Saya Budi, rumah nomor 7. Got mampet di gang 3." in html  # not masked here
    assert "Gang 3 RT 02/RW 04" in html
    assert "Lubang sudah ditambal pada hari ini." in html
    assert '<span class="badge status-selesai">Selesai ditindaklanjuti</span>' in html


def test_shows_the_question_asked_and_the_reporters_reply(client, complaint_in):
    complaint = complaint_in(Status.MENUNGGU_INFO)
    html = own(client, complaint)
    assert "Di sebelah mana tepatnya?" in html
    lifecycle.provide_info(complaint, text="Depan masjid Al-Ikhlas.")
    assert "Depan masjid Al-Ikhlas." in own(client, complaint)


def test_shows_photos(client, filing, jpeg):
    response = client.post("/aduan/baru/", filing(photos=[upload(jpeg())]))
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    html = client.get(f"/k/{token}/").content.decode()
    assert '<div class="photos">' in html
    assert 'alt="Foto lampiran 1"' in html


def test_internal_notes_never_shown(client, complaint_in, adi):
    complaint = complaint_in(Status.DIPROSES)
    lifecycle.post_update(complaint, adi, note="Pelapor ini sering mengadu.", public=False)
    assert "sering mengadu" not in own(client, complaint)


def test_secret_link_does_not_leak_through_referer(client, make_complaint):
    response = client.get(f"/k/{make_complaint().token}/")
    assert response["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin")


def test_unknown_token_is_404(client, make_complaint):
    make_complaint()
    assert client.get("/k/tidak-ada/").status_code == 404


def test_code_does_not_open_the_private_page(client, make_complaint):
    complaint = make_complaint()
    assert client.get(f"/k/{complaint.code}/").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_read_only(client, make_complaint, method):
    complaint = make_complaint()
    assert getattr(client, method)(f"/k/{complaint.token}/").status_code == 405
