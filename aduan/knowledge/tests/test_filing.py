"""The filing form and the knowledge base: suggestions while typing (htmx) and, without
JavaScript, once before a web question is filed."""

import uuid

from django.core.files.uploadedfile import SimpleUploadedFile

from aduan.core.models import Attachment, Complaint, Kind
from aduan.portal.tests.conftest import form_values

URL = "/aduan/baru/"
QUESTION = "Selamat pagi, mau tanya jam buka Dukcapil hari Sabtu apakah tetap buka?"


def filing(city, **overrides):
    data = {
        "submission_key": uuid.uuid4().hex,
        "kind": "informasi",
        "text": QUESTION,
        "category": "",
        "kelurahan": str(city["oro"].pk),
        "address": "",
        "latitude": "",
        "longitude": "",
        "privacy": "publik",
        "reporter_name": "Siti Aminah",
        "reporter_phone": "0812 3456 7890",
        "reporter_email": "",
    }
    data.update(overrides)
    return data


def test_the_form_asks_while_typing_through_a_static_script(client, articles):
    page = client.get(URL).content.decode()
    assert 'hx-post="/pengetahuan/saran/"' in page
    assert 'hx-trigger="keyup changed delay:600ms from:#id_text"' in page
    # Only the text (and the ids already counted) leave the form while typing.
    assert 'hx-params="text,kb_seen"' in page
    assert '<script src="/static/django_htmx/htmx-2.min.js"' in page
    assert "includeIndicatorStyles" in page


def test_a_question_is_shown_the_answer_once_before_filing(client, city, hours):
    data = filing(city)
    response = client.post(URL, data)
    assert response.status_code == 200
    assert Complaint.objects.count() == 0
    page = response.content.decode()
    assert "Apakah ini menjawab pertanyaan Anda?" in page
    assert "Sabtu, Minggu dan hari libur nasional kantor tutup" in page
    assert "Tetap kirim" in page
    # Everything typed is still in the form, and the next submission is the last.
    again = form_values(page, "submission_key")
    assert again["text"] == QUESTION
    assert again["reporter_name"] == "Siti Aminah"
    assert again["submission_key"] == data["submission_key"]
    assert again["kb_shown"] == "1"
    hours.refresh_from_db()
    assert hours.shown_count == 1


def test_tetap_kirim_files_the_question(client, city, hours):
    page = client.post(URL, filing(city)).content.decode()
    resent = form_values(page, "submission_key")
    resent["kb_send_anyway"] = "1"
    response = client.post(URL, resent)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.text == QUESTION
    assert complaint.kind == Kind.INFORMASI


def test_a_photo_sent_with_the_question_is_kept(client, city, hours, jpeg):
    photo = SimpleUploadedFile("foto.jpg", jpeg(), content_type="image/jpeg")
    page = client.post(URL, filing(city, photos=[photo])).content.decode()
    assert "1 foto sudah tersimpan" in page
    client.post(URL, form_values(page, "submission_key"))
    assert Attachment.objects.filter(complaint=Complaint.objects.get()).count() == 1


def test_a_complaint_is_never_held_back(client, city, hours):
    response = client.post(URL, filing(city, kind="pengaduan"))
    assert response.status_code == 302
    assert Complaint.objects.count() == 1


def test_a_question_without_a_strong_match_is_filed(client, city, articles):
    text = "Mohon info kapan jalan depan pasar Blimbing mulai diperbaiki?"
    response = client.post(URL, filing(city, text=text))
    assert response.status_code == 302
    assert Complaint.objects.get().text == text


def test_an_invalid_question_shows_errors_not_suggestions(client, city, hours):
    response = client.post(URL, filing(city, kelurahan=""))
    assert response.status_code == 400
    assert "Apakah ini menjawab" not in response.content.decode()
