"""Telegram Bot API webhook: secret header, dedup by update_id, the dialogue, sendMessage."""

from __future__ import annotations

import json

import pytest

from aduan.channels.models import Conversation, InboundMessageLog
from aduan.core import lifecycle, outbox
from aduan.core.models import Channel, Complaint, OutboundMessage, Status

from .conftest import CODE_RE, post_json

URL = "/webhooks/telegram/"
CHAT_ID = 987654321
_update_ids = iter(range(500_000, 600_000))


def update(text=None, *, update_id=None, chat_type="private", location=None, is_bot=False):
    message = {
        "message_id": 77,
        "from": {"id": CHAT_ID, "is_bot": is_bot, "first_name": "Dewi", "last_name": "Lestari"},
        "chat": {"id": CHAT_ID, "first_name": "Dewi", "type": chat_type},
        "date": 1763691000,
    }
    if text is not None:
        message["text"] = text
    if location is not None:
        message["location"] = location
    return {"update_id": update_id or next(_update_ids), "message": message}


def send(client, payload, secret="tg-secret-token"):  # noqa: S107
    extra = {} if secret is None else {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret}
    return post_json(client, URL, json.dumps(payload).encode(), **extra)


def replies():
    return list(
        OutboundMessage.objects.filter(channel="telegram")
        .order_by("id")
        .values_list("body", flat=True)
    )


@pytest.mark.parametrize("secret", [None, "", "wrong"])
def test_bad_secret_stores_nothing(client, city, channel_settings, secret):
    response = send(client, update("ADUAN Kauman#Jalan rusak berat depan pasar"), secret=secret)
    assert response.status_code == 403
    assert not InboundMessageLog.objects.exists() and not Complaint.objects.exists()


def test_dialogue_files_a_complaint(client, city, channel_settings):
    send(client, update("/start"))
    assert "ADUAN" in replies()[-1]
    send(client, update("/lapor"))
    send(client, update("Oro oro dowo"))
    send(client, update("Pohon besar tumbang menutup separuh jalan Ijen sejak pagi."))
    send(client, update(location={"latitude": -7.9712, "longitude": 112.6213}))
    assert "Oro-oro Dowo" in replies()[-1]
    send(client, update("Ya"))
    complaint = Complaint.objects.get()
    assert CODE_RE.match(complaint.code) and complaint.status == Status.BARU
    assert complaint.channel == Channel.TELEGRAM and complaint.reporter_handle == str(CHAT_ID)
    assert complaint.reporter_name == "Dewi Lestari" and complaint.kelurahan == city["oro"]
    assert complaint.code in replies()[-1]
    filed = OutboundMessage.objects.get(complaint=complaint)
    assert filed.recipient == str(CHAT_ID)


def test_redelivered_update_is_ignored(client, city, channel_settings):
    payload = update("/start", update_id=424242)
    send(client, payload)
    send(client, payload)
    assert InboundMessageLog.objects.filter(gateway_message_id="424242").count() == 1
    assert len(replies()) == 1


def test_group_chats_and_bots_are_stored_and_ignored(client, city, channel_settings):
    send(client, update("ADUAN Kauman#Lampu jalan mati di gang 3", chat_type="group"))
    send(client, update("spam spam spam spam spam", is_bot=True))
    assert not Complaint.objects.exists() and replies() == []
    assert set(InboundMessageLog.objects.values_list("outcome", flat=True)) == {"ignored"}


def test_malformed_update_is_a_clear_error(client, city, channel_settings):
    response = send(client, {"update_id": "x", "message": {}})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "update_id"
    response = post_json(
        client, URL, b"not json", HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN="tg-secret-token"
    )
    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_status_check_and_unknown_code(client, channel_settings, make_complaint):
    complaint = make_complaint()
    send(client, update(f"/cek {complaint.code}"))
    assert any(complaint.code in r and "Diterima" in r for r in replies())
    send(client, update("CEK ADU-2611-9999"))
    assert "tidak ditemukan" in replies()[-1]


def test_answer_is_sent_with_send_message(client, city, channel_settings, transport, mira, adi):
    channel_settings.ADUAN_SENDERS = {
        **channel_settings.ADUAN_SENDERS,
        "telegram": "aduan.channels.senders.TelegramSender",
    }
    send(client, update("ADUAN Kauman#Saluran air mampet dan meluap ke jalan."))
    send(client, update("lewati"))
    send(client, update("ya"))
    complaint = Complaint.objects.get()
    OutboundMessage.objects.all().delete()
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"])
    lifecycle.resolve(complaint, adi, answer="Saluran sudah dibersihkan petugas.")
    answer = OutboundMessage.objects.filter(channel="telegram").latest("id")
    transport.answer(200, {"ok": True, "result": {"message_id": 11}})
    transport.answer(200, {"ok": True, "result": {"message_id": 12}})
    assert outbox.deliver_due() == (2, 0)
    request = transport.requests[-1]
    assert request["url"] == "https://api.telegram.org/bot123456:TEST-TOKEN/sendMessage"
    assert request["body"]["chat_id"] == str(CHAT_ID)
    assert "Saluran sudah dibersihkan" in request["body"]["text"]
    answer.refresh_from_db()
    assert answer.state == "sent" and answer.provider_id == "12"


def test_blocked_bot_fails_permanently_without_leaking_token(
    client, city, channel_settings, transport
):
    channel_settings.ADUAN_SENDERS = {
        **channel_settings.ADUAN_SENDERS,
        "telegram": "aduan.channels.senders.TelegramSender",
    }
    message = OutboundMessage.objects.create(
        channel="telegram", recipient=str(CHAT_ID), body="halo"
    )
    transport.answer(
        403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked"}
    )
    assert outbox.deliver_due() == (0, 1)
    message.refresh_from_db()
    assert message.state == "failed" and "blocked" in message.last_error
    assert "TEST-TOKEN" not in message.last_error
    assert Conversation.objects.count() == 0
