"""Every channel into one queue, and every answer back on the channel it came from."""

from __future__ import annotations

import json
import urllib.error
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from aduan.channels.models import ApiClient
from aduan.core import lifecycle, outbox, senders
from aduan.core.models import Channel, Complaint, OutboundMessage, Status
from aduan.core.permissions import visible_complaints

from .conftest import CODE_RE, post_json, sign
from .test_telegram import update
from .test_whatsapp import text as wa_text
from .test_whatsapp import wa_body

REAL_SENDERS = {
    "sms": "aduan.channels.senders.HttpSmsSender",
    "whatsapp": "aduan.channels.senders.WhatsAppSender",
    "telegram": "aduan.channels.senders.TelegramSender",
    "email": "aduan.core.senders.DjangoEmailSender",
}


def _signed(client, url, payload, header, secret):
    body = json.dumps(payload).encode()
    return post_json(client, url, body, **{header: sign(secret, body)})


def file_everywhere(client, city):
    """One complaint through each channel; returns {channel: complaint}."""
    # SMS, generic webhook
    _signed(
        client,
        "/webhooks/sms/generic/",
        {
            "id": "e2e-1",
            "from": "081311112222",
            "text": "ADUAN Kauman#Jalan di depan pasar berlubang besar",
            "received_at": "2026-11-21T09:30:00+07:00",
        },
        "HTTP_X_ADUAN_SIGNATURE",
        "sms-hook-secret",
    )
    # WhatsApp, one-message command then confirm
    for body in ("ADUAN Gadang#Air PDAM keruh dan berbau sejak kemarin", "lewati", "ya"):
        _signed(
            client,
            "/webhooks/whatsapp/",
            wa_body(wa_text(body)),
            "HTTP_X_HUB_SIGNATURE_256",
            "wa-app-secret",
        )
    # Telegram
    for body in ("ADUAN Oro-oro Dowo#Lampu jalan Ijen mati semua", "lewati", "ya"):
        post_json(
            client,
            "/webhooks/telegram/",
            json.dumps(update(body)).encode(),
            HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN="tg-secret-token",
        )
    # E-mail webhook
    _signed(
        client,
        "/webhooks/email/",
        {
            "from": "Budi <budi@contoh.id>",
            "subject": "Sampah di sungai",
            "text": "Sampah menumpuk di sungai dekat jembatan.",
            "message_id": "<e2e@contoh.id>",
        },
        "HTTP_X_ADUAN_SIGNATURE",
        "mail-hook-secret",
    )
    # Mobile app
    post_json(
        client,
        "/api/v1/complaints",
        {
            "text": "Trotoar di Jalan Kawi rusak dan membahayakan pejalan kaki.",
            "kelurahan": city["oro"].code,
            "reporter_name": "Rina",
            "reporter_phone": "081355556666",
        },
        HTTP_IDEMPOTENCY_KEY="e2e-app",
    )
    # Open311
    client.post(
        "/open311/v2/requests.json",
        {
            "api_key": ApiClient.objects.create(name="Mitra").api_key,
            "service_code": "jalan-rusak",
            "lat": "-7.98",
            "long": "112.63",
            "description": "Marka jalan hilang di perempatan dekat stasiun kota baru.",
            # A publik request names its reporter on every surface now (core.intake).
            "first_name": "Yudi",
            "phone": "081377778888",
        },
    )
    return {c.channel: c for c in Complaint.objects.all()}


@pytest.fixture
def real_senders(channel_settings):
    channel_settings.ADUAN_SENDERS = {**channel_settings.ADUAN_SENDERS, **REAL_SENDERS}
    senders._sender_for.cache_clear()
    yield
    senders._sender_for.cache_clear()


def test_every_channel_lands_once_in_the_queue_and_hears_back(
    client, city, real_senders, transport, mira, adi
):
    by_channel = file_everywhere(client, city)
    expected = {
        Channel.SMS,
        Channel.WHATSAPP,
        Channel.TELEGRAM,
        Channel.EMAIL,
        Channel.APP,
        Channel.OPEN311,
    }
    assert set(by_channel) == expected and Complaint.objects.count() == 6
    queue = visible_complaints(mira).filter(status=Status.BARU)
    assert queue.count() == 6
    assert all(CODE_RE.match(c.code) for c in queue)

    # Deliver what filing queued, then answer every complaint.
    outbox.deliver_due(limit=200)
    transport.requests.clear()
    mail.outbox.clear()
    for complaint in by_channel.values():
        lifecycle.dispatch(complaint, mira, lead=city["dpupr"])
        lifecycle.resolve(complaint, adi, answer=f"Sudah ditangani ({complaint.code}).")
    answers = {
        c: OutboundMessage.objects.filter(complaint=by_channel[c], body__contains="Sudah ditangani")
        for c in expected
    }
    routes = {c: [(m.channel, m.recipient) for m in answers[c]] for c in expected}
    assert routes == {
        Channel.SMS: [("sms", "+6281311112222")],
        Channel.WHATSAPP: [("whatsapp", "6281234567890")],
        Channel.TELEGRAM: [("telegram", "987654321")],
        Channel.EMAIL: [("email", "budi@contoh.id")],
        Channel.APP: [("sms", "+6281355556666")],
        Channel.OPEN311: [("sms", "+6281377778888")],
    }
    transport.answers.clear()
    for _ in range(20):
        transport.answer(
            200,
            {
                "ok": True,
                "id": "gw-1",
                "result": {"message_id": 5},
                "messages": [{"id": "wamid.X"}],
            },
        )
    outbox.deliver_due(limit=200)
    for channel, rows in answers.items():
        for row in rows:
            row.refresh_from_db()
            assert row.state == "sent", (channel, row.last_error)
    by_url = {}
    for request in transport.requests:
        by_url.setdefault(request["url"].split("/bot")[0], []).append(request["body"])
    sms = [b for b in by_url["https://sms.example.test/send"] if "Sudah ditangani" in b["text"]]
    assert {b["to"] for b in sms} == {"+6281311112222", "+6281355556666", "+6281377778888"}
    [wa] = [
        b
        for b in by_url["https://graph.facebook.com/v21.0/1098765432/messages"]
        if "Sudah" in json.dumps(b)
    ]
    assert wa["to"] == "6281234567890" and wa["type"] == "text"
    [tg] = [b for b in by_url["https://api.telegram.org"] if "Sudah" in b["text"]]
    assert tg["chat_id"] == "987654321"
    [email] = [m for m in mail.outbox if "Sudah ditangani" in m.body]
    assert email.to == ["budi@contoh.id"]


def test_http_sms_sender_errors(db, real_senders, transport, monkeypatch):
    message = OutboundMessage.objects.create(channel="sms", recipient="+6281311112222", body="halo")
    transport.answer(200, {"message_id": "abc"})
    assert outbox.deliver_due() == (1, 0)
    message.refresh_from_db()
    assert message.provider_id == "abc"
    assert transport.requests[0]["headers"]["authorization"] == "Bearer sms-http-token"
    assert transport.requests[0]["body"] == {
        "to": "+6281311112222",
        "text": "halo",
        "reference": str(message.pk),
    }

    def down(request, timeout=None):
        raise urllib.error.URLError("timed out")

    other = OutboundMessage.objects.create(channel="sms", recipient="+6281311112222", body="dua")
    monkeypatch.setattr("urllib.request.urlopen", down)
    assert outbox.deliver_due() == (0, 1)
    other.refresh_from_db()
    assert other.state == "pending" and "sms.example.test" in other.last_error
    monkeypatch.setattr("urllib.request.urlopen", transport)
    transport.answer(422, {"error": "invalid number"})
    outbox.deliver_due(now=timezone.now() + timedelta(minutes=2))
    other.refresh_from_db()
    assert other.state == "failed"
