"""The reporter says the problem is not solved: POST /k/<token>/bantah/."""

import pytest

from aduan.core import lifecycle
from aduan.core.models import Event, Status

from .conftest import events, flashes

REASON = "Lubangnya masih ada, hanya ditutup tanah."


def url(complaint):
    return f"/k/{complaint.token}/bantah/"


def test_dispute_reopens_with_the_same_agency(client, complaint_in, city):
    complaint = complaint_in(Status.SELESAI)
    response = client.post(url(complaint), {"reason": REASON}, follow=True)

    assert response.redirect_chain == [(f"/k/{complaint.token}/", 302)]
    complaint.refresh_from_db()
    assert complaint.status == Status.DIDISPOSISIKAN
    assert complaint.lead_agency == city["dpupr"]
    assert complaint.reopen_count == 1
    assert complaint.answered_at is None
    event = complaint.events.get(kind=Event.Kind.DISPUTED)
    assert event.note == REASON
    assert (event.from_status, event.to_status) == (Status.SELESAI, Status.DIDISPOSISIKAN)
    assert ("success", "Aduan Anda dibuka kembali dan dikembalikan ke petugas.") in flashes(
        response
    )
    assert '<span class="badge status-didisposisikan">' in response.content.decode()


def test_dispute_of_a_direct_answer_goes_back_to_moderators(client, make_complaint, mira):
    complaint = make_complaint()
    lifecycle.answer_directly(complaint, mira, answer="Kantor buka pukul 08.00.")
    client.post(url(complaint), {"reason": "Saya datang jam 9, masih tutup."})
    complaint.refresh_from_db()
    assert complaint.status == Status.TERVERIFIKASI
    assert complaint.reopen_count == 1


def test_twice_gives_a_message_and_no_second_event(client, complaint_in):
    complaint = complaint_in(Status.SELESAI)
    client.post(url(complaint), {"reason": REASON}, follow=True)
    response = client.post(url(complaint), {"reason": REASON}, follow=True)

    complaint.refresh_from_db()
    assert complaint.reopen_count == 1
    assert events(complaint, Event.Kind.DISPUTED) == 1
    [(level, text)] = flashes(response)
    assert level == "error"
    assert "Didisposisikan ke OPD" in text


@pytest.mark.parametrize("status", [Status.DIPROSES, Status.DITUTUP, Status.MENUNGGU_INFO])
def test_refused_without_an_open_answer(client, complaint_in, status):
    complaint = complaint_in(status)
    response = client.post(url(complaint), {"reason": REASON}, follow=True)
    complaint.refresh_from_db()
    assert complaint.status == status
    assert complaint.reopen_count == 0
    assert flashes(response)[0][0] == "error"


def test_reason_is_required(client, complaint_in):
    complaint = complaint_in(Status.SELESAI)
    response = client.post(url(complaint), {"reason": " "})
    assert response.status_code == 400
    assert "Jelaskan mengapa jawaban belum menyelesaikan masalah." in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.SELESAI
    assert events(complaint, Event.Kind.DISPUTED) == 0


def test_reason_is_not_public(client, complaint_in):
    complaint = complaint_in(Status.SELESAI)
    client.post(url(complaint), {"reason": REASON})
    public = client.get(f"/lacak/{complaint.code}/").content.decode()
    assert "Dibantah pelapor, dibuka kembali" in public
    assert REASON not in public
    assert REASON in client.get(f"/k/{complaint.token}/").content.decode()


def test_get_is_refused(client, complaint_in):
    assert client.get(url(complaint_in(Status.SELESAI))).status_code == 405


def test_unknown_token_is_404(client, db):
    assert client.post("/k/tidak-ada/bantah/", {"reason": REASON}).status_code == 404
