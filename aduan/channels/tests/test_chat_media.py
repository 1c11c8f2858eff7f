"""Photos and pins from WhatsApp and Telegram: kept by the webhook, fetched by the worker.

Payloads follow the providers' documented shapes: a Cloud API ``messages`` change with
``type: image`` (``image.id``, ``mime_type``, ``sha256``, ``caption``) or ``location``; the
media endpoint's ``{url, mime_type, sha256, file_size, id}``; a Telegram ``Update`` whose
``message.photo`` is an array of ``PhotoSize`` (``file_id``, ``file_unique_id``, ``width``,
``height``, ``file_size``) with a ``caption``; ``getFile``'s ``{ok, result: File}``. The
HTTP layer is faked at ``urllib.request.urlopen``, the seam every sender uses.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from aduan.channels import jobs
from aduan.channels.models import ChatMedia, InboundMessageLog
from aduan.core.models import Attachment, Complaint, Event, OutboundMessage
from aduan.geo import importing
from aduan.geo.tests.conftest import CITY_FILE

from .conftest import post_json, sign

WA_URL, TG_URL = "/webhooks/whatsapp/", "/webhooks/telegram/"
WA_ID, CHAT_ID = "6281234567890", 987654321
GRAPH = "https://graph.facebook.com/v21.0"
LOOKASIDE = "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=7700&ext=1764&hash=ATt"
TG_API = "https://api.telegram.org"
TG_TOKEN = "123456:TEST-TOKEN"
_ids = iter(range(1, 100_000))


# -- the fake HTTP layer ---------------------------------------------------------------


class Answer(io.BytesIO):
    def __init__(self, body: bytes, headers: dict):
        super().__init__(body)
        self.status, self.headers = 200, headers

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class FakeHttp:
    """Answers by URL: bytes, a dict (JSON), an ``(status, body)`` error or an exception.
    Each URL's answers are used in turn, the last one again and again."""

    def __init__(self):
        self.routes: dict[str, list] = {}
        self.requests: list[dict] = []

    def on(self, url: str, *answers):
        self.routes[url] = list(answers)

    def urls(self) -> list[str]:
        return [r["url"] for r in self.requests]

    def __call__(self, request, timeout=None):
        assert timeout, "every outbound call has a timeout"
        self.requests.append(
            {
                "url": request.full_url,
                "method": request.get_method(),
                "headers": {k.lower(): v for k, v in request.header_items()},
            }
        )
        queue = self.routes.get(request.full_url)
        assert queue, f"unexpected request to {request.full_url}"
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, BaseException):
            raise answer
        if isinstance(answer, tuple):
            status, body = answer
            raise urllib.error.HTTPError(
                request.full_url, status, "error", {}, io.BytesIO(json.dumps(body).encode())
            )
        body = json.dumps(answer).encode() if isinstance(answer, dict) else answer
        return Answer(body, {"Content-Length": str(len(body))})


@pytest.fixture
def http(monkeypatch):
    fake = FakeHttp()
    monkeypatch.setattr(urllib.request, "urlopen", fake)
    return fake


@pytest.fixture
def media_settings(channel_settings):
    channel_settings.ADUAN_MAX_PHOTO_BYTES = 1024 * 1024
    channel_settings.ADUAN_CHAT_MEDIA_ATTEMPTS = 3
    channel_settings.ADUAN_CHAT_MEDIA_BACKOFF = 60
    return channel_settings


def photo_with_exif() -> bytes:
    img = Image.new("RGB", (80, 60), (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "S", 2: (7.0, 58.0, 0.0), 3: "E", 4: (112.0, 37.0, 0.0)}
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def stored_bytes(attachment: Attachment) -> bytes:
    with attachment.file.open("rb") as handle:
        return handle.read()


def assert_no_exif(data: bytes) -> None:
    assert b"PhoneMaker" not in data and b"Exif" not in data
    with Image.open(io.BytesIO(data)) as img:
        assert not img.getexif()


def notes(complaint) -> list[str]:
    return list(
        Event.objects.filter(complaint=complaint, kind=Event.Kind.NOTE).values_list(
            "note", flat=True
        )
    )


# -- WhatsApp payloads -----------------------------------------------------------------


def wa_body(*messages):
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281100000000", "phone_number_id": "1098765432"},
        "contacts": [{"profile": {"name": "Sri Wahyuni"}, "wa_id": WA_ID}],
        "messages": list(messages),
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}],
    }


def wa_message(kind: str, content: dict) -> dict:
    return {
        "from": WA_ID,
        "id": f"wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjA{next(_ids):06d}",
        "timestamp": str(int(timezone.now().timestamp())),
        "type": kind,
        kind: content,
    }


def wa_text(body):
    return wa_message("text", {"body": body})


def wa_image(media_id="1166309794527751", caption=None, mime="image/jpeg"):
    image = {
        "mime_type": mime,
        "sha256": "kNHSs3mZXl5CHhNXmIrWc0ZBVR1xtUnl4ai0kcWKnfw=",
        "id": media_id,
    }
    if caption is not None:
        image["caption"] = caption
    return wa_message("image", image)


def wa_location(lat, lon):
    return wa_message(
        "location",
        {"latitude": lat, "longitude": lon, "name": "Masjid Agung", "address": "Jl. Merdeka"},
    )


def wa_send(client, payload, secret="wa-app-secret"):  # noqa: S107
    body = json.dumps(payload).encode()
    return post_json(client, WA_URL, body, HTTP_X_HUB_SIGNATURE_256=sign(secret, body))


def wa_media(http, media_id="1166309794527751", data=None, mime="image/jpeg", size=None):
    data = photo_with_exif() if data is None else data
    http.on(
        f"{GRAPH}/{media_id}",
        {
            "messaging_product": "whatsapp",
            "url": LOOKASIDE,
            "mime_type": mime,
            "sha256": "kNHSs3mZXl5CHhNXmIrWc0ZBVR1xtUnl4ai0kcWKnfw=",
            "file_size": len(data) if size is None else size,
            "id": media_id,
        },
    )
    http.on(LOOKASIDE, data)


def wa_file(client, caption="ADUAN Kauman#Jalan berlubang besar di depan pasar sejak Senin"):
    """File a complaint whose first message is a photo with the complaint as caption."""
    wa_send(client, wa_body(wa_image(caption=caption)))
    wa_send(client, wa_body(wa_text("lewati")))
    wa_send(client, wa_body(wa_text("ya")))
    return Complaint.objects.get()


# -- WhatsApp --------------------------------------------------------------------------


def test_whatsapp_photo_with_caption_reaches_the_complaint_without_exif(
    client, city, media_settings, http, mira
):
    complaint = wa_file(client)
    assert "berlubang" in complaint.text
    row = ChatMedia.objects.get()
    assert row.complaint == complaint and row.state == ChatMedia.State.PENDING
    assert row.file_id == "1166309794527751" and row.mime_type == "image/jpeg"
    # The webhook fetched nothing; the worker does.
    assert http.requests == []
    wa_media(http)
    assert jobs.fetch_chat_media() == "stored=1"
    assert http.urls() == [f"{GRAPH}/1166309794527751", LOOKASIDE]
    assert all(r["headers"]["authorization"] == "Bearer wa-access-token" for r in http.requests)
    attachment = Attachment.objects.get(complaint=complaint)
    assert attachment.event is None and attachment.content_type == "image/jpeg"
    assert_no_exif(stored_bytes(attachment))
    row.refresh_from_db()
    assert row.state == ChatMedia.State.DONE and row.attachment == attachment
    assert any("Foto dari WhatsApp dilampirkan" in n for n in notes(complaint))
    # Done is done: the next pass fetches nothing.
    assert jobs.fetch_chat_media() == ""
    assert len(http.requests) == 2


def test_bare_photo_after_filing_joins_that_complaint(client, city, media_settings, http):
    wa_send(client, wa_body(wa_text("ADUAN Kauman#Lampu jalan mati di depan masjid agung")))
    wa_send(client, wa_body(wa_text("lewati")))
    wa_send(client, wa_body(wa_text("ya")))
    complaint = Complaint.objects.get()
    wa_send(client, wa_body(wa_image(media_id="55501")))
    wa_send(client, wa_body(wa_image(media_id="55502")))
    assert set(ChatMedia.objects.values_list("complaint", "state")) == {
        (complaint.pk, ChatMedia.State.PENDING)
    }
    # One reply for the two photos, naming the complaint.
    photo_replies = OutboundMessage.objects.filter(body__startswith="Foto diterima")
    assert photo_replies.count() == 1 and complaint.code in photo_replies.get().body
    for media_id in ("55501", "55502"):
        wa_media(http, media_id=media_id)
    assert jobs.fetch_chat_media() == "stored=2"
    assert Attachment.objects.filter(complaint=complaint).count() == 2


def test_bare_photo_long_after_the_text_waits_for_a_new_draft(client, city, media_settings):
    wa_send(client, wa_body(wa_text("ADUAN Kauman#Lampu jalan mati di depan masjid agung")))
    wa_send(client, wa_body(wa_text("lewati")))
    wa_send(client, wa_body(wa_text("ya")))
    with time_machine.travel(timezone.now() + timedelta(minutes=30)):
        wa_send(client, wa_body(wa_image()))
        row = ChatMedia.objects.get()
        assert row.complaint is None and row.state == ChatMedia.State.WAITING
        assert "Ketik ADUAN" in OutboundMessage.objects.latest("id").body
        # A cancelled draft takes its photos with it.
        wa_send(client, wa_body(wa_text("aduan")))
        wa_send(client, wa_body(wa_text("batal")))
    row.refresh_from_db()
    assert row.state == ChatMedia.State.DISCARDED and row.complaint is None


def test_photo_sent_first_joins_the_complaint_the_dialogue_files(client, city, media_settings):
    wa_send(client, wa_body(wa_image()))
    assert ChatMedia.objects.get().state == ChatMedia.State.WAITING
    wa_send(client, wa_body(wa_text("ADUAN Kauman#Trotoar ambles di depan sekolah dasar")))
    wa_send(client, wa_body(wa_image(media_id="777")))  # while drafting, no caption
    assert "setelah dikirim" not in OutboundMessage.objects.latest("id").body  # one reply
    wa_send(client, wa_body(wa_text("lewati")))
    wa_send(client, wa_body(wa_text("ya")))
    complaint = Complaint.objects.get()
    assert set(ChatMedia.objects.values_list("complaint", "state")) == {
        (complaint.pk, ChatMedia.State.PENDING)
    }


def test_photos_of_an_abandoned_chat_are_dropped_after_a_day(client, city, media_settings, http):
    wa_send(client, wa_body(wa_image()))
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert jobs.fetch_chat_media() == ""
    assert ChatMedia.objects.get().state == ChatMedia.State.DISCARDED
    assert http.requests == []


def test_location_after_filing_sets_the_pin_and_the_kelurahan(client, city, media_settings):
    importing.import_boundaries(CITY_FILE, source="uji.geojson")
    wa_send(client, wa_body(wa_text("ADUAN Lampu jalan mati di depan masjid agung dekat alun")))
    wa_send(client, wa_body(wa_text("lewati")))  # no kelurahan
    wa_send(client, wa_body(wa_text("lewati")))  # no location
    wa_send(client, wa_body(wa_text("ya")))
    complaint = Complaint.objects.get()
    assert complaint.latitude is None and complaint.kelurahan is None
    wa_send(client, wa_body(wa_location(-7.985, 112.625)))
    complaint.refresh_from_db()
    assert str(complaint.latitude) == "-7.985000" and str(complaint.longitude) == "112.625000"
    assert complaint.kelurahan == city["kauman"] and complaint.kecamatan == city["klojen"]
    corrected = Event.objects.get(complaint=complaint, kind=Event.Kind.CORRECTED)
    assert "WhatsApp" in corrected.note
    assert complaint.code in OutboundMessage.objects.latest("id").body
    # A second pin does not move it: the first one stands (staff may correct it).
    wa_send(client, wa_body(wa_location(-7.975, 112.625)))
    complaint.refresh_from_db()
    assert str(complaint.latitude) == "-7.985000"


def test_pin_in_the_dialogue_finds_the_kelurahan(client, city, media_settings):
    importing.import_boundaries(CITY_FILE, source="uji.geojson")
    wa_send(client, wa_body(wa_text("ADUAN Pohon tumbang menutup jalan di depan sekolah")))
    wa_send(client, wa_body(wa_text("lewati")))
    wa_send(client, wa_body(wa_location(-7.975, 112.625)))
    wa_send(client, wa_body(wa_text("ya")))
    complaint = Complaint.objects.get()
    assert complaint.kelurahan == city["oro"] and str(complaint.latitude) == "-7.975000"


def test_oversized_photo_is_refused_before_its_body_and_shown_to_moderators(
    client, city, media_settings, http, mira
):
    complaint = wa_file(client)
    wa_media(http, size=5 * 1024 * 1024)
    assert jobs.fetch_chat_media() == "refused=1"
    assert http.urls() == [f"{GRAPH}/1166309794527751"]  # the body was never fetched
    row = ChatMedia.objects.get()
    assert row.state == ChatMedia.State.REFUSED and row.last_error == "too_large"
    assert not Attachment.objects.exists()
    [note] = [n for n in notes(complaint) if "tidak disimpan" in n]
    assert "5 MB" in note and "1 MB" in note
    client.force_login(mira)
    page = client.get(reverse("office:complaint", args=[complaint.code]))
    assert page.status_code == 200 and "tidak disimpan" in page.content.decode()


def test_body_longer_than_declared_is_cut_off_and_refused(client, city, media_settings, http):
    wa_file(client)
    wa_media(http, data=b"\xff\xd8" + b"0" * (2 * 1024 * 1024), size=1000)
    assert jobs.fetch_chat_media() == "refused=1"
    assert ChatMedia.objects.get().last_error == "too_large"


@pytest.mark.parametrize(
    ("metadata_mime", "body", "code"),
    [
        ("video/mp4", b"", "not_photo"),
        ("image/jpeg", b"<html>not a photo</html>", "photo_not_image"),
    ],
)
def test_wrong_type_is_refused(client, city, media_settings, http, metadata_mime, body, code):
    complaint = wa_file(client)
    wa_media(http, data=body, mime=metadata_mime)
    assert jobs.fetch_chat_media() == "refused=1"
    assert ChatMedia.objects.get().last_error == code
    assert not Attachment.objects.exists()
    assert any("tidak disimpan" in n for n in notes(complaint))
    if code == "not_photo":
        assert http.urls() == [f"{GRAPH}/1166309794527751"]


def test_document_that_is_not_a_photo_is_refused_without_a_download(
    client, city, media_settings, http
):
    complaint = wa_file(client)
    pdf = wa_message(
        "document",
        {"filename": "surat.pdf", "mime_type": "application/pdf", "sha256": "x", "id": "880"},
    )
    wa_send(client, wa_body(pdf))
    assert "hanya dapat menerima foto" in OutboundMessage.objects.latest("id").body
    wa_media(http)
    assert jobs.fetch_chat_media() == "refused=1 stored=1"
    refused = ChatMedia.objects.get(file_id="880")
    assert refused.state == ChatMedia.State.REFUSED and refused.complaint == complaint
    assert f"{GRAPH}/880" not in http.urls()


def test_network_error_is_retried_with_backoff_then_stored(client, city, media_settings, http):
    complaint = wa_file(client)
    wa_media(http)
    http.on(
        f"{GRAPH}/1166309794527751",
        urllib.error.URLError(TimeoutError("timed out")),
        http.routes[f"{GRAPH}/1166309794527751"][0],
    )
    start = timezone.now()
    assert jobs.fetch_chat_media() == "retry=1"
    row = ChatMedia.objects.get()
    assert row.state == ChatMedia.State.PENDING and row.attempts == 1
    assert "graph.facebook.com" in row.last_error
    assert row.next_attempt_at >= start + timedelta(seconds=59)
    assert jobs.fetch_chat_media() == ""  # not due yet
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert jobs.fetch_chat_media() == "stored=1"
    row.refresh_from_db()
    assert row.state == ChatMedia.State.DONE and row.attempts == 2
    assert Attachment.objects.filter(complaint=complaint).count() == 1


def test_repeated_failures_give_up_and_tell_the_moderators(client, city, media_settings, http):
    complaint = wa_file(client)
    http.on(f"{GRAPH}/1166309794527751", (503, {"error": {"message": "Service unavailable"}}))
    now = timezone.now()
    results = []
    for minutes in (0, 2, 5):  # backoff 60 s, then 120 s
        with time_machine.travel(now + timedelta(minutes=minutes)):
            results.append(jobs.fetch_chat_media())
    assert results == ["retry=1", "retry=1", "failed=1"]
    row = ChatMedia.objects.get()
    assert row.state == ChatMedia.State.FAILED and row.attempts == 3
    [note] = [n for n in notes(complaint) if "gagal diunduh" in n]
    assert "3 kali" in note and "HTTP 503" in note
    note_event = Event.objects.get(complaint=complaint, note=note)
    assert note_event.data["media_failed"] is True and not note_event.is_public


def test_expired_media_id_fails_at_once(client, city, media_settings, http):
    complaint = wa_file(client)
    http.on(f"{GRAPH}/1166309794527751", (404, {"error": {"message": "Unsupported get"}}))
    assert jobs.fetch_chat_media() == "failed=1"
    assert any("gagal diunduh" in n for n in notes(complaint))


def test_bad_signature_stores_nothing_and_queues_no_download(client, city, media_settings, http):
    payload = wa_body(wa_image(caption="ADUAN Kauman#Jalan berlubang besar depan pasar"))
    assert wa_send(client, payload, secret="wrong").status_code == 403
    assert post_json(client, WA_URL, json.dumps(payload).encode()).status_code == 403
    assert not InboundMessageLog.objects.exists() and not ChatMedia.objects.exists()
    assert jobs.fetch_chat_media() == "" and http.requests == []


def test_redelivered_photo_is_kept_once(client, city, media_settings):
    wa_file(client)
    again = wa_image(media_id="99")
    wa_send(client, wa_body(again))
    wa_send(client, wa_body(again))
    assert ChatMedia.objects.filter(file_id="99").count() == 1


# -- Telegram --------------------------------------------------------------------------


def tg_update(*, text=None, caption=None, photo=None, location=None, document=None):
    message = {
        "message_id": next(_ids),
        "from": {"id": CHAT_ID, "is_bot": False, "first_name": "Dewi", "language_code": "id"},
        "chat": {"id": CHAT_ID, "first_name": "Dewi", "type": "private"},
        "date": int(timezone.now().timestamp()),
    }
    for key, value in (
        ("text", text),
        ("caption", caption),
        ("photo", photo),
        ("location", location),
        ("document", document),
    ):
        if value is not None:
            message[key] = value
    return {"update_id": 700_000 + next(_ids), "message": message}


def photo_sizes(big_size=48_000):
    return [
        {"file_id": "AgACAgUAAxkBAAIBs2", "file_unique_id": "AQADs2", "file_size": 1_200,
         "width": 90, "height": 68},
        {"file_id": "AgACAgUAAxkBAAIBm3", "file_unique_id": "AQADm3", "file_size": 14_000,
         "width": 320, "height": 240},
        {"file_id": "AgACAgUAAxkBAAIBx4", "file_unique_id": "AQADx4", "file_size": big_size,
         "width": 1280, "height": 960},
    ]  # fmt: skip


def tg_send(client, payload, secret="tg-secret-token"):  # noqa: S107
    extra = {} if secret is None else {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret}
    return post_json(client, TG_URL, json.dumps(payload).encode(), **extra)


def get_file_url(file_id="AgACAgUAAxkBAAIBx4"):
    return f"{TG_API}/bot{TG_TOKEN}/getFile?file_id={file_id}"


def tg_file_answers(http, data, size=None, file_id="AgACAgUAAxkBAAIBx4"):
    http.on(
        get_file_url(file_id),
        {
            "ok": True,
            "result": {
                "file_id": file_id,
                "file_unique_id": "AQADx4",
                "file_size": len(data) if size is None else size,
                "file_path": "photos/file_12.jpg",
            },
        },
    )
    http.on(f"{TG_API}/file/bot{TG_TOKEN}/photos/file_12.jpg", data)


def test_telegram_photo_with_caption_is_fetched_and_stored(client, city, media_settings, http):
    tg_send(
        client,
        tg_update(
            caption="/lapor Kauman#Saluran air tersumbat sampah, banjir tiap hujan",
            photo=photo_sizes(),
        ),
    )
    tg_send(client, tg_update(location={"latitude": -7.985, "longitude": 112.625}))
    tg_send(client, tg_update(text="Ya"))
    complaint = Complaint.objects.get()
    row = ChatMedia.objects.get()
    # The largest size of the PhotoSize array, its declared size kept for the check.
    assert row.file_id == "AgACAgUAAxkBAAIBx4" and row.declared_size == 48_000
    assert row.complaint == complaint and http.requests == []
    tg_file_answers(http, photo_with_exif())
    assert jobs.fetch_chat_media() == "stored=1"
    assert http.urls() == [get_file_url(), f"{TG_API}/file/bot{TG_TOKEN}/photos/file_12.jpg"]
    assert_no_exif(stored_bytes(Attachment.objects.get(complaint=complaint)))


def test_telegram_declared_size_is_refused_without_any_request(client, city, media_settings, http):
    tg_send(client, tg_update(text="/lapor Kauman#Saluran air tersumbat sampah, banjir tiap hujan"))
    tg_send(client, tg_update(text="lewati"))
    tg_send(client, tg_update(text="Ya"))
    complaint = Complaint.objects.get()
    tg_send(client, tg_update(photo=photo_sizes(big_size=3 * 1024 * 1024)))
    assert ChatMedia.objects.get().complaint == complaint
    assert jobs.fetch_chat_media() == "refused=1"
    assert http.requests == []
    assert any("3 MB" in n for n in notes(complaint))


def test_telegram_getfile_size_is_checked_before_the_download(client, city, media_settings, http):
    tg_send(
        client,
        tg_update(
            caption="/lapor Kauman#Saluran air tersumbat sampah, banjir tiap hujan",
            document={
                "file_name": "IMG_2041.jpg",
                "mime_type": "image/jpeg",
                "file_id": "BQACAgUAAxkBAAIBz5",
                "file_unique_id": "AgADz5",
            },
        ),
    )
    tg_send(client, tg_update(text="lewati"))
    tg_send(client, tg_update(text="Ya"))
    tg_file_answers(http, b"", size=9 * 1024 * 1024, file_id="BQACAgUAAxkBAAIBz5")
    assert jobs.fetch_chat_media() == "refused=1"
    assert http.urls() == [get_file_url("BQACAgUAAxkBAAIBz5")]


def test_telegram_network_error_is_retried(client, city, media_settings, http):
    tg_send(
        client,
        tg_update(
            caption="/lapor Kauman#Saluran air tersumbat sampah, banjir tiap hujan",
            photo=photo_sizes(),
        ),
    )
    tg_send(client, tg_update(text="lewati"))
    tg_send(client, tg_update(text="Ya"))
    tg_file_answers(http, photo_with_exif())
    download = f"{TG_API}/file/bot{TG_TOKEN}/photos/file_12.jpg"
    http.on(download, ConnectionResetError("reset by peer"), photo_with_exif())
    assert jobs.fetch_chat_media() == "retry=1"
    row = ChatMedia.objects.get()
    # The bot token is in the URL; it never reaches the stored error.
    assert TG_TOKEN not in row.last_error and "api.telegram.org" in row.last_error
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert jobs.fetch_chat_media() == "stored=1"


@pytest.mark.parametrize("secret", [None, "wrong"])
def test_telegram_bad_secret_stores_nothing(client, city, media_settings, http, secret):
    update = tg_update(caption="/lapor Kauman#Saluran air tersumbat", photo=photo_sizes())
    assert tg_send(client, update, secret=secret).status_code == 403
    assert not InboundMessageLog.objects.exists() and not ChatMedia.objects.exists()
    assert jobs.fetch_chat_media() == "" and http.requests == []


def test_job_is_registered_on_the_default_queue():
    from aduan.core import jobs as core_jobs

    [job] = [j for j in core_jobs.registered() if j.name == "channels.chat_media"]
    assert job.queue == core_jobs.DEFAULT and job.func is jobs.fetch_chat_media
