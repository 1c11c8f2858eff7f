"""The reporter accepts the answer: POST /k/<token>/konfirmasi/."""

import pytest

from aduan.core.models import Event, Status

from .conftest import events, flashes


def url(complaint):
    return f"/k/{complaint.token}/konfirmasi/"


def test_confirm_closes_the_complaint(client, complaint_in):
    complaint = complaint_in(Status.SELESAI)
    response = client.post(url(complaint), follow=True)

    assert response.redirect_chain == [(f"/k/{complaint.token}/", 302)]
    complaint.refresh_from_db()
    assert complaint.status == Status.DITUTUP
    assert complaint.closed_at is not None
    event = complaint.events.get(kind=Event.Kind.CONFIRMED)
    assert (event.from_status, event.to_status) == (Status.SELESAI, Status.DITUTUP)
    assert ("success", "Terima kasih. Aduan Anda kami tutup sebagai selesai.") in flashes(response)
    assert 'id="nilai"' in response.content.decode()  # rating is still welcome


def test_twice_gives_a_message_and_no_second_event(client, complaint_in):
    complaint = complaint_in(Status.SELESAI)
    client.post(url(complaint), follow=True)
    response = client.post(url(complaint), follow=True)
    assert events(complaint, Event.Kind.CONFIRMED) == 1
    [(level, text)] = flashes(response)
    assert level == "error"
    assert "“Ditutup”" in text


@pytest.mark.parametrize("status", [Status.DIPROSES, Status.MENUNGGU_INFO, Status.DITOLAK])
def test_refused_before_an_answer(client, complaint_in, status):
    complaint = complaint_in(status)
    response = client.post(url(complaint), follow=True)
    complaint.refresh_from_db()
    assert complaint.status == status
    assert events(complaint, Event.Kind.CONFIRMED) == 0
    assert flashes(response)[0][0] == "error"


def test_get_is_refused(client, complaint_in):
    complaint = complaint_in(Status.SELESAI)
    assert client.get(url(complaint)).status_code == 405
    complaint.refresh_from_db()
    assert complaint.status == Status.SELESAI


def test_unknown_token_is_404(client, db):
    assert client.post("/k/tidak-ada/konfirmasi/").status_code == 404
