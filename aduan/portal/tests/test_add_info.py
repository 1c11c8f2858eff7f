"""The reporter answers a question from staff: POST /k/<token>/informasi/."""

import pytest

from aduan.core import lifecycle
from aduan.core.models import Attachment, Event, Status

from .conftest import events, flashes, upload


def url(complaint):
    return f"/k/{complaint.token}/informasi/"


def test_reply_returns_the_complaint_to_its_previous_status(client, complaint_in):
    complaint = complaint_in(Status.MENUNGGU_INFO)
    assert complaint.resume_status == Status.DIDISPOSISIKAN

    response = client.post(url(complaint), {"text": "Depan masjid Al-Ikhlas, RT 02."}, follow=True)

    assert response.redirect_chain == [(f"/k/{complaint.token}/", 302)]
    complaint.refresh_from_db()
    assert complaint.status == Status.DIDISPOSISIKAN
    assert complaint.resume_status == ""
    event = complaint.events.get(kind=Event.Kind.INFO_PROVIDED)
    assert event.note == "Depan masjid Al-Ikhlas, RT 02."
    assert (event.from_status, event.to_status) == (Status.MENUNGGU_INFO, Status.DIDISPOSISIKAN)
    assert event.actor is None
    assert ("success", "Terima kasih, informasi Anda sudah kami terima.") in flashes(response)


def test_reply_to_a_question_asked_while_in_progress(client, complaint_in, adi):
    complaint = complaint_in(Status.DIPROSES)
    lifecycle.request_info(complaint, adi, question="Apakah ada fotonya?")
    client.post(url(complaint), {"text": "Sudah saya lampirkan."})
    complaint.refresh_from_db()
    assert complaint.status == Status.DIPROSES


def test_photos_are_attached_to_the_reply(client, complaint_in, jpeg):
    complaint = complaint_in(Status.MENUNGGU_INFO)
    client.post(url(complaint), {"text": "Ini fotonya.", "photos": [upload(jpeg(exif_gps=True))]})
    event = complaint.events.get(kind=Event.Kind.INFO_PROVIDED)
    [attachment] = Attachment.objects.filter(complaint=complaint)
    assert attachment.event == event


def test_twice_the_second_is_added_information_and_the_status_stays(client, complaint_in):
    complaint = complaint_in(Status.MENUNGGU_INFO)
    client.post(url(complaint), {"text": "Depan masjid."}, follow=True)
    response = client.post(url(complaint), {"text": "Lubangnya makin lebar."}, follow=True)

    assert events(complaint, Event.Kind.INFO_PROVIDED) == 2
    second = complaint.events.filter(kind=Event.Kind.INFO_PROVIDED).last()
    assert (second.from_status, second.to_status) == (Status.DIDISPOSISIKAN,) * 2
    assert second.data["unasked"] is True
    assert flashes(response) == [("success", "Terima kasih, informasi Anda sudah kami terima.")]


@pytest.mark.parametrize(
    "status",
    [
        Status.BARU,
        Status.TERVERIFIKASI,
        Status.DIDISPOSISIKAN,
        Status.DIPROSES,
        Status.DITUNDA_ANGGARAN,
    ],
)
def test_added_at_any_time_while_open(client, complaint_in, status, jpeg):
    complaint = complaint_in(status)
    version = complaint.version
    response = client.post(
        url(complaint),
        {"text": "Sekarang ada genangan air juga.", "photos": [upload(jpeg())]},
        follow=True,
    )
    assert ("success", "Terima kasih, informasi Anda sudah kami terima.") in flashes(response)
    complaint.refresh_from_db()
    assert complaint.status == status
    assert complaint.version == version + 1
    event = complaint.events.get(kind=Event.Kind.INFO_PROVIDED)
    assert event.actor is None and event.is_public
    assert event.note == "Sekarang ada genangan air juga."
    assert Attachment.objects.get(complaint=complaint).event == event


def test_the_private_page_offers_the_form_while_open_only(client, complaint_in):
    open_page = client.get(f"/k/{complaint_in(Status.DIPROSES).token}/").content.decode()
    assert "Tambah informasi" in open_page
    assert "/informasi/" in open_page
    closed_page = client.get(f"/k/{complaint_in(Status.DITUTUP).token}/").content.decode()
    assert "/informasi/" not in closed_page


def test_staff_hear_of_unasked_information(client, complaint_in, adi):
    from aduan.office.models import Notification

    complaint = complaint_in(Status.DIPROSES)
    client.post(url(complaint), {"text": "Sekarang ada genangan air juga."})
    assert Notification.objects.filter(
        recipient=adi, complaint=complaint, kind=Notification.Kind.INFO_PROVIDED
    ).exists()


@pytest.mark.parametrize("status", [Status.SELESAI, Status.DITUTUP, Status.DITOLAK])
def test_refused_after_the_complaint_is_answered_or_closed(client, complaint_in, status):
    complaint = complaint_in(status)
    response = client.post(url(complaint), {"text": "Tambahan."}, follow=True)
    complaint.refresh_from_db()
    assert complaint.status == status
    assert events(complaint, Event.Kind.INFO_PROVIDED) == 0
    [(level, text)] = flashes(response)
    assert level == "error"
    assert "tidak dapat dilakukan" in text


def test_empty_reply_is_refused_with_a_message(client, complaint_in):
    complaint = complaint_in(Status.MENUNGGU_INFO)
    response = client.post(url(complaint), {"text": "  "})
    assert response.status_code == 400
    assert "Tulis informasi tambahan Anda." in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.MENUNGGU_INFO


def test_bad_photo_is_refused_and_the_text_kept(client, complaint_in):
    complaint = complaint_in(Status.MENUNGGU_INFO)
    response = client.post(
        url(complaint), {"text": "Depan masjid.", "photos": [upload(b"%PDF-1.4", "surat.jpg")]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "surat.jpg: Berkas bukan foto." in html
    assert "Depan masjid.</textarea>" in html
    assert events(complaint, Event.Kind.INFO_PROVIDED) == 0


def test_get_is_refused(client, complaint_in):
    assert client.get(url(complaint_in(Status.MENUNGGU_INFO))).status_code == 405


def test_unknown_token_is_404(client, db):
    assert client.post("/k/tidak-ada/informasi/", {"text": "x"}).status_code == 404
