"""The reporter rates the handling: POST /k/<token>/nilai/."""

import pytest

from aduan.core import lifecycle
from aduan.core.models import Complaint, Event, Status

from .conftest import events, flashes


def url(complaint):
    return f"/k/{complaint.token}/nilai/"


@pytest.mark.parametrize("status", [Status.SELESAI, Status.DITUTUP])
def test_rating_is_recorded_privately(client, complaint_in, status):
    complaint = complaint_in(status)
    response = client.post(url(complaint), {"rating": "4", "comment": "Cepat."}, follow=True)

    assert response.redirect_chain == [(f"/k/{complaint.token}/", 302)]
    complaint.refresh_from_db()
    assert (complaint.rating, complaint.rating_comment) == (4, "Cepat.")
    assert complaint.status == status
    event = complaint.events.get(kind=Event.Kind.RATED)
    assert event.data["rating"] == 4
    assert event.is_public is False
    assert ("success", "Terima kasih atas penilaian Anda.") in flashes(response)
    html = response.content.decode()
    assert "Penilaian Anda: 4 dari 5." in html
    assert 'id="nilai"' not in html


def test_twice_gives_a_message_and_keeps_the_first(client, complaint_in):
    complaint = complaint_in(Status.SELESAI)
    client.post(url(complaint), {"rating": "5"}, follow=True)
    response = client.post(url(complaint), {"rating": "1"}, follow=True)

    complaint.refresh_from_db()
    assert complaint.rating == 5
    assert events(complaint, Event.Kind.RATED) == 1
    assert ("error", "Aduan ini sudah dinilai. Terima kasih.") in flashes(response)


@pytest.mark.parametrize("rating", ["0", "6", "abc", "", "4.5"])
def test_invalid_rating_is_refused_with_a_message(client, complaint_in, rating):
    complaint = complaint_in(Status.SELESAI)
    response = client.post(url(complaint), {"rating": rating})
    assert response.status_code == 400
    assert "Pilih nilai 1 sampai 5." in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.rating is None
    assert events(complaint, Event.Kind.RATED) == 0


@pytest.mark.parametrize("status", [Status.DIPROSES, Status.DITOLAK])
def test_refused_before_an_answer(client, complaint_in, status):
    complaint = complaint_in(status)
    response = client.post(url(complaint), {"rating": "3"}, follow=True)
    complaint.refresh_from_db()
    assert complaint.rating is None
    assert events(complaint, Event.Kind.RATED) == 0
    assert flashes(response)[0][0] == "error"


def test_get_is_refused(client, complaint_in):
    assert client.get(url(complaint_in(Status.SELESAI))).status_code == 405


def test_unknown_token_is_404(client, db):
    assert client.post("/k/tidak-ada/nilai/", {"rating": "5"}).status_code == 404


def test_double_tap_rating_keeps_the_first(complaint_in):
    # Two POSTs from a double tap each load the complaint before either commits.
    complaint = complaint_in(Status.SELESAI)
    first_tap = Complaint.objects.get(pk=complaint.pk)
    second_tap = Complaint.objects.get(pk=complaint.pk)
    lifecycle.rate(first_tap, rating=5)
    with pytest.raises(lifecycle.TransitionError):
        lifecycle.rate(second_tap, rating=1)
    complaint.refresh_from_db()
    assert complaint.rating == 5
    assert events(complaint, Event.Kind.RATED) == 1
