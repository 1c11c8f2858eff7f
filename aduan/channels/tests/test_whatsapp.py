"""WhatsApp Cloud API: handshake, signature, the filing conversation, replies and the 24-hour window."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from aduan.channels.models import ChannelDelivery, Conversation, InboundMessageLog
from aduan.core import lifecycle, outbox
from aduan.core.models import Channel, Complaint, OutboundMessage, Status

from .conftest import CODE_RE, post_json, sign

URL = "/webhooks/whatsapp/"
WA_ID = "6281234567890"
_counter = iter(range(1, 10_000))


def wa_body(*messages, statuses=None):
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281100000000", "phone_number_id": "1098765432"},
        "contacts": [{"profile": {"name": "Sri Wahyuni"}, "wa_id": WA_ID}],
        "messages": list(messages),
    }
    if statuses:
        value["statuses"] = statuses
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}],
    }


def text(body, wamid=None):
    return {
        "from": WA_ID,
        "id": wamid or f"wamid.HBgN{next(_counter):06d}",
        "timestamp": str(int(timezone.now().timestamp())),
        "type": "text",
        "text": {"body": body},
    }


def location(lat, lon):
    return {
        "from": WA_ID,
        "id": f"wamid.LOC{next(_counter):06d}",
        "timestamp": str(int(timezone.now().timestamp())),
        "type": "location",
        "location": {
            "latitude": lat,
            "longitude": lon,
            "name": "Pasar Besar",
            "address": "Jl. Pasar Besar",
        },
    }


def send(client, payload, secret="wa-app-secret"):  # noqa: S107
    body = json.dumps(payload).encode()
    return post_json(client, URL, body, HTTP_X_HUB_SIGNATURE_256=sign(secret, body))


def last_reply():
    return OutboundMessage.objects.filter(channel="whatsapp").latest("id")


def test_verification_handshake(client, channel_settings):
    ok = client.get(
        URL,
        {
            "hub.mode": "subscribe",
            "hub.verify_token": "wa-verify-token",
            "hub.challenge": "1158201444",
        },
    )
    assert ok.status_code == 200 and ok.content == b"1158201444"
    bad = client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": "x", "hub.challenge": "1"})
    assert bad.status_code == 403


def test_bad_signature_stores_nothing(client, city, channel_settings):
    payload = wa_body(text("ADUAN Kauman#Lampu jalan mati di depan masjid"))
    assert send(client, payload, secret="wrong").status_code == 403
    body = json.dumps(payload).encode()
    assert post_json(client, URL, body).status_code == 403
    assert not InboundMessageLog.objects.exists() and not Complaint.objects.exists()
    assert not Conversation.objects.exists()


def test_conversation_files_a_complaint(client, city, channel_settings):
    send(client, wa_body(text("Halo")))
    assert "Ketik ADUAN" in last_reply().body
    send(client, wa_body(text("aduan")))
    assert "kelurahan" in last_reply().body
    send(client, wa_body(text("kauman")))
    assert "Ceritakan" in last_reply().body
    send(client, wa_body(text("Pendek")))
    assert "terlalu pendek" in last_reply().body
    send(
        client,
        wa_body(text("Lampu penerangan jalan mati sejak Senin, gelap sekali di malam hari.")),
    )
    assert "lokasi" in last_reply().body
    send(client, wa_body(location(-7.9839, 112.6321)))
    summary = last_reply().body
    assert "Kauman" in summary and "-7.98390" in summary and "YA" in summary
    assert not Complaint.objects.exists()
    send(client, wa_body(text("ya")))
    complaint = Complaint.objects.get()
    assert CODE_RE.match(complaint.code) and complaint.status == Status.BARU
    assert complaint.channel == Channel.WHATSAPP and complaint.kelurahan == city["kauman"]
    assert complaint.reporter_handle == WA_ID and complaint.reporter_phone == "+6281234567890"
    assert complaint.reporter_name == "Sri Wahyuni"
    assert (
        str(complaint.latitude) == "-7.983900"
        and complaint.address == "Pasar Besar, Jl. Pasar Besar"
    )
    reply = last_reply()
    assert reply.recipient == WA_ID and complaint.code in reply.body
    # One notice only: the filing reply replaced the generic "received" message.
    assert OutboundMessage.objects.filter(complaint=complaint).count() == 1
    assert Conversation.objects.get().state == "idle"
    # "YA" again files nothing more.
    send(client, wa_body(text("ya")))
    assert Complaint.objects.count() == 1


def test_one_message_command_and_status_check(client, city, channel_settings, make_complaint):
    send(client, wa_body(text("ADUAN Gadang#Air PDAM tidak mengalir sejak kemarin pagi")))
    assert "lokasi" in last_reply().body
    send(client, wa_body(text("lewati")))
    send(client, wa_body(text("YA")))
    complaint = Complaint.objects.get()
    assert complaint.kelurahan == city["gadang"] and complaint.latitude is None
    send(client, wa_body(text(f"cek {complaint.code}")))
    replies = list(OutboundMessage.objects.filter(channel="whatsapp").order_by("-id")[:2])
    assert any(complaint.code in r.body and "Diterima" in r.body for r in replies)
    assert any(f"/lacak/{complaint.code}/" in r.body for r in replies)


def test_cancel_and_redelivery(client, city, channel_settings):
    first = text("aduan", wamid="wamid.SAME")
    send(client, wa_body(first))
    send(client, wa_body(first))  # Meta redelivers the same message id
    assert InboundMessageLog.objects.count() == 1
    send(client, wa_body(text("BATAL")))
    assert "dibatalkan" in last_reply().body
    assert Conversation.objects.get().state == "idle"


def test_statuses_only_body_is_accepted(client, city, channel_settings):
    status = {
        "id": "wamid.OUT1",
        "status": "delivered",
        "timestamp": "1763691000",
        "recipient_id": WA_ID,
    }
    payload = wa_body(statuses=[status])
    payload["entry"][0]["changes"][0]["value"].pop("messages")
    response = send(client, payload)
    assert response.status_code == 200 and response.json()["messages"] == []
    assert not InboundMessageLog.objects.exists()


def test_malformed_body_is_a_clear_error(client, city, channel_settings):
    payload = wa_body(text("halo"))
    payload["entry"][0]["changes"][0]["value"]["messages"][0].pop("from")
    response = send(client, payload)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "entry[0].changes[0].value.messages[0].from"
    assert InboundMessageLog.objects.get().outcome == "rejected"


@pytest.fixture
def wa_sender(channel_settings):
    channel_settings.ADUAN_SENDERS = {
        **channel_settings.ADUAN_SENDERS,
        "whatsapp": "aduan.channels.senders.WhatsAppSender",
    }
    return channel_settings


def file_by_whatsapp(client):
    send(client, wa_body(text("ADUAN Kauman#Jalan berlubang di depan SDN Kauman 1, bahaya.")))
    send(client, wa_body(text("lewati")))
    send(client, wa_body(text("ya")))
    # Keep only the filing reply: the dialogue's questions are not under test here.
    OutboundMessage.objects.filter(complaint__isnull=True).delete()
    return Complaint.objects.get()


def test_answer_inside_window_is_free_text(client, city, wa_sender, transport, mira, adi):
    complaint = file_by_whatsapp(client)
    OutboundMessage.objects.all().delete()
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"])
    lifecycle.resolve(complaint, adi, answer="Lubang sudah ditambal hari ini.")
    answer = OutboundMessage.objects.filter(channel="whatsapp").latest("id")
    assert answer.recipient == WA_ID
    transport.answer(200, {"messages": [{"id": "wamid.SENT1"}]})
    transport.answer(200, {"messages": [{"id": "wamid.SENT2"}]})
    assert outbox.deliver_due() == (2, 0)
    request = transport.requests[-1]
    assert request["url"] == "https://graph.facebook.com/v21.0/1098765432/messages"
    assert request["headers"]["authorization"] == "Bearer wa-access-token"
    assert request["body"]["type"] == "text" and request["body"]["to"] == WA_ID
    assert "Lubang sudah ditambal" in request["body"]["text"]["body"]
    assert request["timeout"] == 10.0
    answer.refresh_from_db()
    assert answer.state == "sent" and answer.provider_id == "wamid.SENT2"
    assert ChannelDelivery.objects.get(message=answer).mode == "text"


def test_answer_outside_window_uses_template(client, city, wa_sender, transport, mira, adi):
    complaint = file_by_whatsapp(client)
    OutboundMessage.objects.all().delete()
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"])
    lifecycle.resolve(complaint, adi, answer="Lubang sudah ditambal.\nTerima kasih.")
    transport.answer(200, {"messages": [{"id": "wamid.T1"}]})
    transport.answer(200, {"messages": [{"id": "wamid.T2"}]})
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        assert outbox.deliver_due() == (2, 0)
    body = transport.requests[-1]["body"]
    assert body["type"] == "template"
    assert body["template"]["name"] == "aduan_pemberitahuan"
    assert body["template"]["language"] == {"code": "id"}
    [param] = body["template"]["components"][0]["parameters"]
    assert "\n" not in param["text"] and "Lubang sudah ditambal. Terima kasih." in param["text"]
    assert set(ChannelDelivery.objects.values_list("mode", flat=True)) == {"template"}


def test_closed_window_reported_by_meta_falls_back_to_template(client, city, wa_sender, transport):
    file_by_whatsapp(client)
    transport.answer(400, {"error": {"code": 131047, "message": "Re-engagement message"}})
    transport.answer(200, {"messages": [{"id": "wamid.T9"}]})
    assert outbox.deliver_due() == (1, 0)
    assert [r["body"]["type"] for r in transport.requests] == ["text", "template"]
    assert ChannelDelivery.objects.get().template_name == "aduan_pemberitahuan"


def test_permanent_and_temporary_failures(client, city, wa_sender, transport):
    file_by_whatsapp(client)
    message = OutboundMessage.objects.get(channel="whatsapp")
    transport.answer(503, {"error": {"message": "busy"}})
    assert outbox.deliver_due() == (0, 1)
    message.refresh_from_db()
    assert message.state == "pending" and "503" in message.last_error
    transport.answer(400, {"error": {"code": 100, "message": "Invalid parameter"}})
    outbox.deliver_due(now=timezone.now() + timedelta(minutes=5))
    message.refresh_from_db()
    assert message.state == "failed"


def test_failed_delivery_status_is_noted_on_the_outbox_row(client, city, channel_settings):
    message = OutboundMessage.objects.create(channel="whatsapp", recipient=WA_ID, body="halo")
    ChannelDelivery.objects.create(message=message, channel="whatsapp", provider_id="wamid.OUT9")
    status = {
        "id": "wamid.OUT9",
        "status": "failed",
        "timestamp": "1763691000",
        "recipient_id": WA_ID,
        "errors": [{"code": 131026, "title": "Message undeliverable"}],
    }
    payload = wa_body(statuses=[status])
    payload["entry"][0]["changes"][0]["value"].pop("messages")
    assert send(client, payload).status_code == 200
    message.refresh_from_db()
    assert "131026" in message.last_error
