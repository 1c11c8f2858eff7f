"""A feature phone does everything a web user can: the whole loop by SMS through SMSSync.

The phone posts what citizens send (form fields, as SMSSync does) and fetches what we
send with its ``task`` protocol; both shapes written from SMSSync's developer docs.
"""

from __future__ import annotations

import json

import pytest

from aduan.channels.models import DeliveryReceipt, InboundMessageLog, PulledSms, SmsRetry
from aduan.core import lifecycle, outbox, senders
from aduan.core.models import City, Complaint, Event, OutboundMessage, Status
from aduan.lib import gsm7

SMSSYNC = "/webhooks/sms/smssync/"
CITIZEN = "081234567890"
CITIZEN_E164 = "+6281234567890"
NUMBER = "0812-0000-1111"
_ids = iter(range(1, 100_000))

# A long answer with the characters an office suite types: it must still go as GSM-7.
LONG_ANSWER = (
    "Lampu penerangan jalan di depan Masjid Al-Ikhlas sudah kami ganti dengan lampu LED "
    "baru 60 watt pada Selasa malam. Petugas juga memeriksa kabel dari gardu – ternyata "
    "ada sambungan yang “longgar” karena hujan – dan sudah diperbaiki… "
) * 4


@pytest.fixture
def feature_phone(settings, channel_settings):
    settings.ADUAN_SENDERS = {
        **settings.ADUAN_SENDERS,
        "sms": "aduan.channels.senders.FailoverSmsSender",
    }
    settings.ADUAN_SMS_SENDERS = (
        "aduan.channels.senders.SmsSyncSender,aduan.channels.senders.HttpSmsSender"
    )
    senders._sender_for.cache_clear()
    city = City.default()
    city.sms_number = NUMBER
    city.save()
    yield
    senders._sender_for.cache_clear()


def send(client, text: str) -> dict:
    """The citizen's SMS as the SMSSync phone posts it."""
    response = client.post(
        SMSSYNC,
        data={
            "from": CITIZEN,
            "message": text,
            "message_id": f"sms-{next(_ids)}",
            "sent_to": "+6281200001111",
            "secret": "smssync-secret",
            "sent_timestamp": "1763691000000",
            "device_id": "1",
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["payload"]["success"] is True
    return response.json()


def phone_fetches(client) -> list[dict]:
    """One poll of the phone: deliver the outbox, ``task=send``, acknowledge with ``task=sent``."""
    outbox.deliver_due(limit=100)
    response = client.get(SMSSYNC, {"task": "send", "secret": "smssync-secret"})
    assert response.status_code == 200
    payload = response.json()["payload"]
    assert payload["task"] == "send" and payload["secret"] == "smssync-secret"
    messages = payload["messages"]
    if messages:
        uuids = [m["uuid"] for m in messages]
        ack = client.post(
            SMSSYNC + "?task=sent&secret=smssync-secret",
            data=json.dumps({"queued_messages": uuids}),
            content_type="application/json",
        )
        assert ack.status_code == 200 and ack.json() == {"message_uuids": uuids}
    return messages


def report(client, results: list[dict]):
    return client.post(
        SMSSYNC + "?task=result&secret=smssync-secret",
        data=json.dumps({"message_result": results}),
        content_type="application/json",
    )


def assert_gsm(text: str, parts: int):
    assert gsm7.is_gsm7(text), text
    assert gsm7.segments(text) <= parts, (gsm7.segments(text), text)


def test_the_whole_loop_by_feature_phone(client, city, mira, adi, feature_phone, transport):
    # 1. File.
    send(client, "aduan kauman # Lampu jalan di depan masjid Al Ikhlas mati sejak Senin")
    complaint = Complaint.objects.get()
    assert complaint.reporter_phone == CITIZEN_E164 and complaint.kelurahan == city["kauman"]
    [filed] = phone_fetches(client)
    assert filed["to"] == CITIZEN_E164 and complaint.code in filed["message"]
    assert f"CEK {complaint.code} ke {NUMBER}" in filed["message"]
    assert_gsm(filed["message"], 1)
    # The phone reports it delivered: one receipt on the outbox row.
    response = report(
        client,
        [
            {
                "uuid": filed["uuid"],
                "sent_result_code": 0,
                "sent_result_message": "SMSSync Message Sent",
                "delivered_result_code": 0,
                "delivered_result_message": "SMS Delivered",
            }
        ],
    )
    assert response.status_code == 200 and response.json() == {"message_uuids": [filed["uuid"]]}
    [receipt] = DeliveryReceipt.objects.all()
    assert receipt.status == "delivered" and receipt.gateway == "smssync"
    assert PulledSms.objects.get(uuid=filed["uuid"]).state == "done"

    # 2. Asked for information: the question says where to answer and in which form.
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"])
    lifecycle.request_info(complaint, adi, question="Tiang lampu nomor berapa yang mati?")
    asked = [m for m in phone_fetches(client) if "meminta informasi" in m["message"]]
    [question] = asked
    assert "Tiang lampu nomor berapa" in question["message"]
    assert f"Balas ke {NUMBER}: INFO {complaint.code}" in question["message"]
    assert "/k/" in question["message"] and "http" in question["message"]
    assert_gsm(question["message"], 3)

    # 3. The citizen just replies, without a keyword: it answers the question.
    send(client, "tiang nomor 12, yang dekat pos ronda")
    complaint.refresh_from_db()
    assert complaint.status == Status.DIDISPOSISIKAN
    assert Complaint.objects.count() == 1
    info = complaint.events.get(kind=Event.Kind.INFO_PROVIDED)
    assert info.note == "tiang nomor 12, yang dekat pos ronda"
    assert InboundMessageLog.objects.order_by("-id").first().outcome == "info_added"
    [thanks] = phone_fetches(client)
    assert "keterangan tambahan" in thanks["message"]

    # 4. The answer: three GSM-7 parts at most, the whole of it behind the private link.
    lifecycle.resolve(complaint, adi, answer=LONG_ANSWER)
    [answer] = phone_fetches(client)
    text = answer["message"]
    assert_gsm(text, 3)
    assert gsm7.segments(text) == 3  # a long answer uses the room it has
    assert f"/k/{complaint.token}/" in text
    assert f"BANTAH {complaint.code} alasan" in text and NUMBER in text
    assert f"NILAI {complaint.code} 1-5" in text
    assert "longgar" in text and "selesai" not in text.split(":")[0]
    # The phone could not deliver it: it goes again through the second sender.
    report(
        client,
        [
            {
                "uuid": answer["uuid"],
                "sent_result_code": 0,
                "sent_result_message": "SMSSync Message Sent",
                "delivered_result_code": 1,
                "delivered_result_message": "Generic failure",
            }
        ],
    )
    original = PulledSms.objects.get(uuid=answer["uuid"]).message
    retry = SmsRetry.objects.get(original=original)
    assert retry.sender_index == 1 and retry.message.body == original.body
    transport.answer(200, {"id": "gw-99"})
    assert phone_fetches(client) == []  # not the phone's this time
    [request] = transport.requests
    assert request["body"]["to"] == CITIZEN_E164 and request["body"]["text"] == text
    retry.message.refresh_from_db()
    assert retry.message.state == "sent" and retry.message.provider_id == "gw-99"
    original.refresh_from_db()
    assert "Generic failure" in original.last_error

    # 5. Dispute, as people write it.
    send(client, "belum selesai pak, lampunya masih mati tiap malam")
    complaint.refresh_from_db()
    assert complaint.status == Status.DIDISPOSISIKAN and complaint.reopen_count == 1
    disputed = complaint.events.get(kind=Event.Kind.DISPUTED)
    assert "lampunya masih mati" in disputed.note
    assert Complaint.objects.count() == 1
    [ack] = phone_fetches(client)
    assert "keberatan" in ack["message"] and complaint.code in ack["message"]

    # 6. The second answer reaches the phone too.
    lifecycle.resolve(complaint, adi, answer="Kabel ke tiang 12 diganti seluruhnya.")
    [second] = phone_fetches(client)
    assert "Kabel ke tiang 12 diganti seluruhnya." in second["message"]
    assert_gsm(second["message"], 3)

    # 7. Rate, with the keyword typed carelessly.
    send(client, "nilai  " + complaint.code.lower().replace("-", " ") + "  5")
    complaint.refresh_from_db()
    assert complaint.rating == 5
    [rated] = phone_fetches(client)
    assert "5/5" in rated["message"]
    # Every text that went to the citizen was GSM-7: not one UCS-2 message.
    every_sms = OutboundMessage.objects.filter(channel="sms")
    assert every_sms.count() >= 9
    assert all(gsm7.is_gsm7(m.body) for m in every_sms)
    assert all(gsm7.is_gsm7(p.text) for p in PulledSms.objects.all())


def test_rating_or_disputing_before_an_answer_names_the_status_in_words(
    client, city, mira, feature_phone
):
    send(client, "ADUAN Kauman#Jalan berlubang besar di depan sekolah dasar")
    complaint = Complaint.objects.get()
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"])
    OutboundMessage.objects.all().delete()
    send(client, f"NILAI {complaint.code} 4")
    send(client, f"BANTAH {complaint.code} belum ada yang datang")
    complaint.refresh_from_db()
    assert complaint.rating is None and complaint.reopen_count == 0
    for reply in OutboundMessage.objects.order_by("id"):
        assert "belum dijawab" in reply.body and "Didisposisikan ke OPD" in reply.body
        assert "didisposisikan)" not in reply.body  # never the internal key
        assert_gsm(reply.body, 1)


def test_a_reply_with_several_complaints_waiting_asks_which(client, city, adi, feature_phone):
    for text in ("Lampu jalan di Jalan Kawi mati total", "Sampah menumpuk di pasar Kauman"):
        send(client, f"ADUAN Kauman#{text}")
    for complaint in Complaint.objects.all():
        lifecycle.request_info(complaint, adi, question="Sejak kapan?")
    OutboundMessage.objects.all().delete()
    send(client, "sejak minggu lalu pak, tolong segera")
    assert Complaint.objects.count() == 2
    assert not Event.objects.filter(kind=Event.Kind.INFO_PROVIDED).exists()
    [reply] = OutboundMessage.objects.all()
    codes = sorted(Complaint.objects.values_list("code", flat=True))
    assert all(code in reply.body for code in codes) and NUMBER in reply.body
    assert_gsm(reply.body, 1)


def test_a_reply_from_someone_with_nothing_waiting_is_a_new_complaint(client, city, feature_phone):
    send(client, "belum ada lampu jalan sama sekali di gang tiga kauman")
    [complaint] = Complaint.objects.all()
    assert complaint.text.startswith("belum ada lampu jalan")
    assert InboundMessageLog.objects.get().outcome == "kept"


def test_thanks_to_an_answer_is_a_note_not_a_dispute(client, city, mira, adi, feature_phone):
    send(client, "ADUAN Kauman#Pohon tumbang menutup jalan di depan balai RW")
    complaint = Complaint.objects.get()
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"])
    lifecycle.resolve(complaint, adi, answer="Pohon sudah dipotong dan diangkut.")
    send(client, "terima kasih pak, cepat sekali")
    complaint.refresh_from_db()
    assert complaint.status == Status.SELESAI and complaint.reopen_count == 0
    assert complaint.events.filter(kind=Event.Kind.NOTE, note__contains="cepat sekali").exists()


def test_the_home_page_says_which_number_to_text_and_how(client, city, feature_phone):
    page = client.get("/").content.decode()
    assert f"kirim ke {NUMBER}" in page
    for keyword in ("ADUAN nama kelurahan#isi aduan", "CEK ADU-2611-0042", "BANTAH ADU-2611-0042"):
        assert keyword in page
    assert "NILAI ADU-2611-0042 5" in page and "INFO ADU-2611-0042" in page
