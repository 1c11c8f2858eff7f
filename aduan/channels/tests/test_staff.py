"""Moderator pages: walk-in/phone/letter entry, social-media import and its reply."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aduan.channels.models import SocialPost
from aduan.core.models import Attachment, Channel, Complaint, Event, OutboundMessage, Status
from conftest import PASSWORD

from .conftest import CODE_RE

FILE_URL = "/kantor/kanal/baru/"
SOCIAL_URL = "/kantor/kanal/medsos/"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def walkin(city, **extra):
    data = {
        "channel": Channel.LETTER,
        "kind": "pengaduan",
        "privacy": "publik",
        "text": "Warga RW 05 melaporkan jembatan kayu di gang Kauman lapuk dan berbahaya.",
        "kelurahan": city["kauman"].pk,
        "address": "Gang Kauman III",
        "category": city["roads"].pk,
        "reporter_name": "Pak RW 05",
        "reporter_phone": "0341 123456",
        "reference": "Surat 005/RW05/XI/2026",
    }
    data.update(extra)
    return data


def test_moderator_files_a_letter(client, city, mira, jpeg):
    login(client, mira)
    assert client.get(FILE_URL).status_code == 200
    data = walkin(city, photos=[SimpleUploadedFile("surat.jpg", jpeg(), "image/jpeg")])
    response = client.post(FILE_URL, data)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert CODE_RE.match(complaint.code) and complaint.status == Status.BARU
    assert complaint.channel == Channel.LETTER and complaint.reporter_phone == "+62341123456"
    created = complaint.events.get(kind=Event.Kind.CREATED)
    assert created.actor == mira and created.data == {"channel": "letter"}
    note = complaint.events.get(kind=Event.Kind.NOTE)
    assert note.data["reference"] == "Surat 005/RW05/XI/2026" and note.actor == mira
    assert Attachment.objects.filter(complaint=complaint).count() == 1
    page = client.get(response["Location"])
    assert complaint.code in page.content.decode()


@pytest.mark.parametrize("channel", [Channel.WALKIN, Channel.PHONE])
def test_walkin_and_phone_channels(client, city, mira, channel):
    login(client, mira)
    client.post(FILE_URL, walkin(city, channel=channel, reference=""))
    complaint = Complaint.objects.get()
    assert complaint.channel == channel
    assert not complaint.events.filter(kind=Event.Kind.NOTE).exists()


def test_invalid_entry_is_shown_again(client, city, mira):
    login(client, mira)
    response = client.post(FILE_URL, walkin(city, channel="web", text="pendek", reporter_name=""))
    assert response.status_code == 400
    content = response.content.decode()
    assert "Ada yang perlu diperbaiki" in content and "pendek" in content
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("persona", ["adi", "dewi", "sekar", "sari"])
def test_other_roles_may_not_file_or_import(client, city, persona, request):
    login(client, request.getfixturevalue(persona))
    assert client.get(FILE_URL).status_code == 403
    assert client.post(FILE_URL, walkin(city)).status_code == 403
    assert client.get(SOCIAL_URL).status_code == 403
    assert not Complaint.objects.exists()


def test_anonymous_visitor_is_sent_to_login(client, city):
    response = client.get(FILE_URL)
    assert response.status_code == 302 and "/kantor/masuk/" in response["Location"]


def test_wrong_method(client, city, mira):
    login(client, mira)
    assert client.put(FILE_URL).status_code == 405
    assert client.delete(SOCIAL_URL).status_code == 405


def social(city, **extra):
    data = {
        "platform": "instagram",
        "author_handle": "warga_sukun",
        "url": "https://www.instagram.com/p/C0ab12XYZ/",
        "text": "Jalan Gadang banjir lagi setiap hujan, mohon perhatian @pemkotmalang",
        "kind": "pengaduan",
        "privacy": "publik",
        "kelurahan": city["gadang"].pk,
    }
    data.update(extra)
    return data


def test_import_social_post_and_answer_with_tracking_link(client, city, mira):
    login(client, mira)
    response = client.post(SOCIAL_URL, social(city))
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/medsos/{complaint.code}/balas/"
    )
    assert complaint.channel == Channel.SOCIAL and complaint.status == Status.BARU
    post = SocialPost.objects.get(complaint=complaint)
    assert post.author_handle == "@warga_sukun" and post.imported_by == mira
    imported = complaint.events.get(kind=Event.Kind.NOTE)
    assert imported.data["author_handle"] == "@warga_sukun"
    assert imported.data["url"] == "https://www.instagram.com/p/C0ab12XYZ/"
    assert not OutboundMessage.objects.exists()  # nobody to message on a social platform
    page = client.get(response["Location"]).content.decode()
    assert f"http://testserver/lacak/{complaint.code}/" in page and "@warga_sukun" in page
    # Recording the reply: an event with the text, and no outbox row.
    assert client.post(response["Location"]).status_code == 302
    post.refresh_from_db()
    assert post.answered_by == mira and f"/lacak/{complaint.code}/" in post.answer_text
    reply_event = complaint.events.get(data__social_reply=True)
    assert reply_event.actor == mira and reply_event.data["text"] == post.answer_text
    assert not OutboundMessage.objects.exists()
    # Twice: still one reply event.
    client.post(response["Location"])
    assert complaint.events.filter(data__social_reply=True).count() == 1


def test_same_post_is_not_imported_twice(client, city, mira):
    login(client, mira)
    client.post(SOCIAL_URL, social(city))
    response = client.post(SOCIAL_URL, social(city))
    assert response.status_code == 400
    assert "sudah diimpor" in response.content.decode()
    assert Complaint.objects.count() == 1


def test_answer_page_needs_permission_and_a_real_post(client, city, mira, adi, make_complaint):
    login(client, mira)
    plain = make_complaint()
    assert client.get(f"/kantor/kanal/medsos/{plain.code}/balas/").status_code == 404
    client.post(SOCIAL_URL, social(city))
    code = Complaint.objects.get(channel=Channel.SOCIAL).code
    client.logout()
    login(client, adi)
    assert client.post(f"/kantor/kanal/medsos/{code}/balas/").status_code == 403
    assert SocialPost.objects.get().answered_at is None
