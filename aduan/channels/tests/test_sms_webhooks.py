"""SMS over HTTP: the SMSSync-style endpoint and the generic signed JSON webhook."""

from __future__ import annotations

import json

import pytest

from aduan.channels.models import InboundGateway, InboundMessageLog
from aduan.core.models import Channel, Complaint, Event, OutboundMessage, Status

from .conftest import CODE_RE, post_json, sign

SMSSYNC = "/webhooks/sms/smssync/"
GENERIC = "/webhooks/sms/generic/"


def smssync_form(**extra):
    form = {
        "from": "081234567890",
        "message": "ADUAN Kauman#Lampu jalan di depan masjid mati sejak tiga hari",
        "message_id": "a1b2c3d4-0001",
        "sent_to": "+628111000111",
        "secret": "smssync-secret",
        "sent_timestamp": "1763691000000",
        "device_id": "1",
    }
    form.update(extra)
    return form


def generic_body(**extra):
    body = {
        "id": "gw-778",
        "from": "+6285712345678",
        "text": "cek ADU-2611-0001",
        "received_at": "2026-11-21T09:30:00+07:00",
    }
    body.update(extra)
    return json.dumps(body).encode()


def signed_post(client, url, body, secret="sms-hook-secret"):  # noqa: S107
    return post_json(client, url, body, HTTP_X_ADUAN_SIGNATURE=sign(secret, body))


def test_smssync_files_a_complaint_and_replies_by_sms(client, city, channel_settings):
    response = client.post(SMSSYNC, data=smssync_form())
    assert response.status_code == 200
    assert response.json() == {"payload": {"success": True, "error": None}}
    complaint = Complaint.objects.get()
    assert CODE_RE.match(complaint.code) and complaint.status == Status.BARU
    assert complaint.channel == Channel.SMS and complaint.reporter_phone == "+6281234567890"
    assert complaint.kelurahan == city["kauman"]
    assert complaint.text == "Lampu jalan di depan masjid mati sejak tiga hari"
    [reply] = OutboundMessage.objects.filter(channel="sms")
    assert reply.recipient == "+6281234567890" and complaint.code in reply.body
    assert len(reply.body) <= 160
    log = InboundMessageLog.objects.get()
    assert log.outcome == "created" and log.complaint == complaint
    assert "secret" not in log.raw


def test_smssync_redelivery_is_ignored(client, city, channel_settings):
    client.post(SMSSYNC, data=smssync_form())
    again = client.post(SMSSYNC, data=smssync_form())
    assert again.status_code == 200
    assert Complaint.objects.count() == 1 and InboundMessageLog.objects.count() == 1
    assert OutboundMessage.objects.count() == 1


def test_smssync_bad_secret_stores_nothing(client, city, channel_settings):
    response = client.post(SMSSYNC, data=smssync_form(secret="guess"))
    assert response.status_code == 403
    assert response.json()["payload"]["success"] is False
    assert not InboundMessageLog.objects.exists() and not Complaint.objects.exists()


def test_smssync_not_configured_refuses(client, city, settings):
    settings.ADUAN_SMSSYNC_SECRET = ""
    assert client.post(SMSSYNC, data=smssync_form(secret="")).status_code == 403
    assert not InboundMessageLog.objects.exists()


def test_smssync_malformed_complaint_is_kept(client, city, channel_settings):
    form = smssync_form(
        **{
            "from": "not-a-number",
            "message": "Sampah menumpuk di pinggir sungai Brantas dekat jembatan.",
        }
    )
    response = client.post(SMSSYNC, data=form)
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["field"] == "from" and body["error"]["code"] == "invalid_phone"
    assert body["kept"] is True
    complaint = Complaint.objects.get()
    assert complaint.status == Status.BARU and complaint.reporter_phone == ""
    note = complaint.events.get(kind=Event.Kind.NOTE)
    assert note.data["unparsed"] is True
    assert InboundMessageLog.objects.get().outcome == "kept"
    # A retry of the same broken payload is not filed twice.
    client.post(SMSSYNC, data=form)
    assert Complaint.objects.count() == 1


def test_smssync_malformed_noise_is_rejected_not_filed(client, city, channel_settings):
    response = client.post(SMSSYNC, data=smssync_form(**{"from": "", "message": "ok"}))
    assert response.status_code == 400 and response.json()["kept"] is False
    assert not Complaint.objects.exists()
    assert InboundMessageLog.objects.get().outcome == "rejected"


def test_generic_webhook_status_check(client, make_complaint, channel_settings):
    complaint = make_complaint()
    body = generic_body(text=f"cek {complaint.code.lower().replace('-', ' ')}")
    response = signed_post(client, GENERIC, body)
    assert response.status_code == 200
    assert response.json()["outcome"] == "status_reply"
    reply = OutboundMessage.objects.filter(recipient="+6285712345678").get()
    assert complaint.code in reply.body and "Diterima" in reply.body
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize(
    "signature",
    [None, "", "sha256=" + "0" * 64, "md5=abc"],
)
def test_generic_webhook_bad_signature_stores_nothing(client, city, channel_settings, signature):
    body = generic_body(text="ADUAN Kauman#Jalan rusak parah di depan pasar besar")
    extra = {} if signature is None else {"HTTP_X_ADUAN_SIGNATURE": signature}
    response = post_json(client, GENERIC, body, **extra)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invalid_signature"
    assert not InboundMessageLog.objects.exists() and not Complaint.objects.exists()


def test_generic_webhook_secret_per_gateway(client, city, channel_settings):
    InboundGateway.objects.create(name="zenziva", secret="zz-secret")
    body = generic_body(id="z-1", text="ADUAN Gadang#Air PDAM tidak mengalir sejak kemarin pagi")
    assert signed_post(client, "/webhooks/sms/zenziva/", body).status_code == 403
    response = signed_post(client, "/webhooks/sms/zenziva/", body, secret="zz-secret")
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.kelurahan == city["gadang"]
    assert InboundMessageLog.objects.get().gateway == "zenziva"
    assert signed_post(client, "/webhooks/sms/unknown/", body).status_code == 403


def test_generic_webhook_malformed_is_a_clear_error(client, city, channel_settings):
    body = generic_body(received_at="kemarin sore", text="Pohon tumbang menutup jalan di Kauman.")
    response = signed_post(client, GENERIC, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error == {
        "field": "received_at",
        "code": "invalid_timestamp",
        "message": "received_at is not a date and time",
    }
    assert response.json()["kept"] is True
    complaint = Complaint.objects.get()
    assert complaint.reporter_phone == "+6285712345678" and complaint.status == Status.BARU
    not_json = b"{oops"
    response = signed_post(client, GENERIC, not_json)
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_payload"


def test_keyword_grammar_replies(client, complaint_in, channel_settings, make_complaint):
    waiting = complaint_in(Status.MENUNGGU_INFO, reporter_phone="+6285712345678")
    cases = [
        ("g-1", f"INFO {waiting.code} rumah cat hijau no 12", "info_added"),
        ("g-2", "BANTUAN", "replied"),
        ("g-3", "CEK", "rejected"),
        ("g-4", "cek ADU-2611-9999", "status_reply"),
    ]
    for gateway_id, text, outcome in cases:
        response = signed_post(client, GENERIC, generic_body(id=gateway_id, text=text))
        assert response.json()["outcome"] == outcome, text
    waiting.refresh_from_db()
    assert waiting.status == Status.DIDISPOSISIKAN
    assert waiting.events.get(kind=Event.Kind.INFO_PROVIDED).data == {"via": "sms"}
    replies = list(
        OutboundMessage.objects.filter(recipient="+6285712345678", channel="sms")
        .exclude(complaint=waiting, body__startswith="Aduan")
        .order_by("id")
        .values_list("body", flat=True)
    )
    assert "keterangan tambahan" in replies[0]
    assert replies[1].startswith("SMS aduan")
    assert replies[2].startswith("Maaf, kode aduan tidak ditemukan")
    assert "tidak ditemukan" in replies[3]
    assert all(len(r) <= 160 for r in replies)


def test_info_from_another_number_is_not_accepted(client, complaint_in, channel_settings):
    waiting = complaint_in(Status.MENUNGGU_INFO)  # reporter +6281234567890
    body = generic_body(text=f"INFO {waiting.code} saya tetangganya")
    response = signed_post(client, GENERIC, body)
    assert response.json()["outcome"] == "rejected"
    waiting.refresh_from_db()
    assert waiting.status == Status.MENUNGGU_INFO


def test_sms_without_keyword_is_kept_for_moderators(client, city, channel_settings):
    body = generic_body(text="Tolong pak, selokan depan rumah saya mampet dan banjir tiap hujan")
    response = signed_post(client, GENERIC, body)
    assert response.json()["outcome"] == "kept"
    complaint = Complaint.objects.get()
    assert complaint.status == Status.BARU and complaint.kelurahan is None
    assert complaint.events.get(kind=Event.Kind.NOTE).data["unparsed"] is True


def test_rating_by_sms(client, complaint_in, channel_settings):
    answered = complaint_in(Status.SELESAI, reporter_phone="+6285712345678")
    response = signed_post(client, GENERIC, generic_body(id="r-1", text="5"))
    assert response.json()["outcome"] == "rated"
    answered.refresh_from_db()
    assert answered.rating == 5
    again = signed_post(client, GENERIC, generic_body(id="r-2", text=f"NILAI {answered.code} 3"))
    assert again.json()["outcome"] == "rejected"
    answered.refresh_from_db()
    assert answered.rating == 5


def test_smssync_unreadable_form(client, city, channel_settings):
    response = client.post(SMSSYNC, data=b"garbage", content_type="multipart/form-data")
    assert response.status_code == 400 and response.json()["payload"]["success"] is False
    assert not InboundMessageLog.objects.exists()


def test_a_handler_bug_still_keeps_the_message(client, city, channel_settings, monkeypatch, caplog):
    from aduan.channels import webhooks

    def broken(msg, entry):
        Complaint.objects.create(code="ADU-0000-0001", channel="sms", text="half done")
        raise RuntimeError("bug in handler")

    monkeypatch.setattr(webhooks, "handle_sms", broken)
    body = generic_body(id="bug-1", text="ADUAN Kauman#Jalan rusak di depan pasar besar")
    response = signed_post(client, GENERIC, body)
    assert response.status_code == 200 and response.json()["outcome"] == "failed"
    log = InboundMessageLog.objects.get()
    assert log.outcome == "failed" and "bug in handler" in log.error
    assert log.raw["text"] == "ADUAN Kauman#Jalan rusak di depan pasar besar"
    # The half-done work rolled back; the redelivery is not handled twice.
    assert not Complaint.objects.exists()
    assert signed_post(client, GENERIC, body).json()["status"] == "duplicate"
    assert "bug in handler" in caplog.text
