"""Outbound SMS through SMSSync's task protocol, delivery receipts, and the second sender."""

from __future__ import annotations

import json
import sqlite3

import pytest

from aduan.channels import jobs
from aduan.channels.models import DeliveryReceipt, PulledSms, SmsRetry
from aduan.core import outbox, senders
from aduan.core.models import OutboundMessage

from .conftest import post_json, sign
from .test_gammu import SCHEMA

SMSSYNC = "/webhooks/sms/smssync/"
RECEIPTS = "/webhooks/sms/generic/receipts/"


@pytest.fixture
def smssync_out(settings, channel_settings):
    settings.ADUAN_SENDERS = {
        **settings.ADUAN_SENDERS,
        "sms": "aduan.channels.senders.SmsSyncSender",
    }
    senders._sender_for.cache_clear()
    yield
    senders._sender_for.cache_clear()


def queued(body="Aduan ADU-2611-0042 diteruskan ke DPUPR.", to="081311112222"):
    message = OutboundMessage.objects.create(channel="sms", recipient=to, body=body)
    outbox.deliver_due()
    message.refresh_from_db()
    return message


def test_the_phone_fetches_acknowledges_and_reports(client, db, smssync_out):
    message = queued(body="Jawaban “resmi” – sudah diperbaiki…")
    assert message.state == "sent" and message.provider_id.startswith("smssync:")
    response = client.get(SMSSYNC, {"task": "send", "secret": "smssync-secret"})
    assert response.status_code == 200
    [item] = response.json()["payload"]["messages"]
    # E.164, so the phone sends it to Indonesia wherever its SIM is; GSM-7 text.
    assert item["to"] == "+6281311112222"
    assert item["message"] == 'Jawaban "resmi" - sudah diperbaiki...'
    assert message.provider_id == f"smssync:{item['uuid']}"
    # Until acknowledged the message is offered again; acknowledged once only.
    again = client.get(SMSSYNC, {"task": "send", "secret": "smssync-secret"})
    assert [m["uuid"] for m in again.json()["payload"]["messages"]] == [item["uuid"]]
    for expected in ([item["uuid"]], []):
        ack = client.post(
            SMSSYNC + "?task=sent&secret=smssync-secret",
            data=json.dumps({"queued_messages": [item["uuid"]]}),
            content_type="application/json",
        )
        assert ack.json() == {"message_uuids": expected}
    assert client.get(SMSSYNC, {"task": "send", "secret": "smssync-secret"}).json() == {
        "payload": {"task": "send", "secret": "smssync-secret", "messages": []}
    }
    waiting = client.get(SMSSYNC, {"task": "result", "secret": "smssync-secret"})
    assert waiting.json() == {"message_uuids": [item["uuid"]]}
    # Sent but not yet delivered (-1), then delivered: two receipts, the row is done.
    for code, text in ((-1, ""), (0, "SMS Delivered"), (0, "SMS Delivered")):
        client.post(
            SMSSYNC + "?task=result&secret=smssync-secret",
            data=json.dumps(
                {
                    "message_result": [
                        {
                            "uuid": item["uuid"],
                            "sent_result_code": 0,
                            "sent_result_message": "SMSSync Message Sent",
                            "delivered_result_code": code,
                            "delivered_result_message": text,
                        }
                    ]
                }
            ),
            content_type="application/json",
        )
    assert list(message.receipts.values_list("status", flat=True)) == ["sent", "delivered"]
    assert PulledSms.objects.get().state == "done"
    assert client.get(SMSSYNC, {"task": "result", "secret": "smssync-secret"}).json() == {
        "message_uuids": []
    }


def test_acknowledgement_as_a_form_field_from_older_builds(client, db, smssync_out):
    queued()
    uuid = PulledSms.objects.get().uuid
    ack = client.post(
        SMSSYNC + "?task=sent",
        data={"secret": "smssync-secret", "queued_messages": json.dumps([uuid])},
    )
    assert ack.json() == {"message_uuids": [uuid]}
    assert PulledSms.objects.get().state == "handed"


@pytest.mark.parametrize(
    ("method", "query"),
    [
        ("get", "task=send&secret=wrong"),
        ("get", "task=send"),
        ("get", "task=result&secret=wrong"),
        ("post", "task=sent&secret=wrong"),
        ("post", "task=result&secret=wrong"),
    ],
)
def test_a_wrong_secret_gets_nothing_and_changes_nothing(client, db, smssync_out, method, query):
    message = queued()
    uuid = PulledSms.objects.get().uuid
    body = {
        "queued_messages": [uuid],
        "message_result": [{"uuid": uuid, "sent_result_code": 1, "delivered_result_code": 1}],
    }
    response = getattr(client, method)(
        f"{SMSSYNC}?{query}",
        **(
            {"data": json.dumps(body), "content_type": "application/json"}
            if method == "post"
            else {}
        ),
    )
    assert response.status_code == 403
    assert response.json()["payload"]["success"] is False
    assert "messages" not in response.json()["payload"]
    assert PulledSms.objects.get().state == "waiting"
    assert not DeliveryReceipt.objects.exists() and not SmsRetry.objects.exists()
    message.refresh_from_db()
    assert message.last_error == ""


def test_bad_task_bodies_get_the_field_named(client, db, smssync_out):
    url = SMSSYNC + "?task=result&secret=smssync-secret"
    cases = [
        ({}, "message_result", "missing_field"),
        ({"message_result": "nope"}, "message_result", "invalid_payload"),
        ({"message_result": [{"sent_result_code": 0}]}, "message_result[0].uuid", "missing_field"),
        (
            {"message_result": [{"uuid": "x", "delivered_result_code": "bad"}]},
            "message_result[0].delivered_result_code",
            "invalid_type",
        ),
    ]
    for body, field, code in cases:
        response = client.post(url, data=json.dumps(body), content_type="application/json")
        assert response.status_code == 400
        assert (
            response.json()["error"]["field"] == field and response.json()["error"]["code"] == code
        )
    response = client.get(SMSSYNC, {"task": "launch", "secret": "smssync-secret"})
    assert response.status_code == 400
    assert client.get(SMSSYNC).status_code == 405  # GET without a task is not a thing
    assert client.put(SMSSYNC).status_code == 405


# -- HTTP gateway receipts -----------------------------------------------------------


def signed(client, payload, secret="sms-hook-secret"):  # noqa: S107
    body = json.dumps(payload).encode()
    return post_json(client, RECEIPTS, body, HTTP_X_ADUAN_SIGNATURE=sign(secret, body))


def test_http_gateway_receipts(client, db, channel_settings):
    message = OutboundMessage.objects.create(
        channel="sms", recipient="+6281311112222", body="halo", provider_id="gw-7", state="sent"
    )
    assert signed(client, {"reference": str(message.pk), "status": "delivered"}).json() == {
        "status": "ok"
    }
    assert signed(client, {"id": "gw-7", "status": "DELIVERED"}).json() == {"status": "duplicate"}
    assert (
        signed(client, {"id": "gw-7", "status": "undelivered", "error": "absent"}).status_code
        == 200
    )
    assert list(message.receipts.values_list("status", "detail")) == [
        ("delivered", ""),
        ("failed", "absent"),
    ]
    # Without a second sender configured, a failure is recorded and nothing more.
    assert not SmsRetry.objects.exists() and OutboundMessage.objects.count() == 1
    message.refresh_from_db()
    assert "absent" in message.last_error
    assert signed(client, {"reference": "999999", "status": "failed"}).status_code == 404
    bad = signed(client, {"reference": str(message.pk), "status": "lost in space"})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "status"
    assert signed(client, {"status": "failed"}).json()["error"]["code"] == "missing_field"


def test_receipts_with_a_bad_signature_store_nothing(client, db, channel_settings):
    message = OutboundMessage.objects.create(channel="sms", recipient="+6281311112222", body="x")
    payload = {"reference": str(message.pk), "status": "failed"}
    assert signed(client, payload, secret="not-the-secret").status_code == 403
    body = json.dumps(payload).encode()
    assert post_json(client, RECEIPTS, body).status_code == 403
    assert not DeliveryReceipt.objects.exists()


def test_a_failed_delivery_goes_again_through_the_next_sender_once(
    client, db, settings, channel_settings, transport
):
    settings.ADUAN_SENDERS = {
        **settings.ADUAN_SENDERS,
        "sms": "aduan.channels.senders.FailoverSmsSender",
    }
    settings.ADUAN_SMS_SENDERS = (
        "aduan.channels.senders.HttpSmsSender, aduan.channels.senders.SmsSyncSender"
    )
    senders._sender_for.cache_clear()
    transport.answer(200, {"id": "gw-1"})
    message = queued()
    assert message.provider_id == "gw-1" and not PulledSms.objects.exists()
    for _ in range(2):  # the gateway repeats its report: one retry only
        signed(client, {"id": "gw-1", "status": "failed", "error": "handset off"})
    retry = SmsRetry.objects.get()
    assert retry.original == message and retry.sender_index == 1
    outbox.deliver_due()
    retry.message.refresh_from_db()
    assert retry.message.provider_id.startswith("smssync:")
    assert PulledSms.objects.get().message == retry.message
    # The last sender failing too ends it: nothing further to try.
    uuid = PulledSms.objects.get().uuid
    client.post(
        SMSSYNC + "?task=result&secret=smssync-secret",
        data=json.dumps({"message_result": [{"uuid": uuid, "sent_result_code": 4}]}),
        content_type="application/json",
    )
    assert SmsRetry.objects.count() == 1
    assert retry.message.receipts.get().status == "failed"
    senders._sender_for.cache_clear()


def test_a_sender_refusing_for_good_passes_to_the_next(db, settings, channel_settings, transport):
    settings.ADUAN_SENDERS = {
        **settings.ADUAN_SENDERS,
        "sms": "aduan.channels.senders.FailoverSmsSender",
    }
    settings.ADUAN_SMS_SENDERS = (
        "aduan.channels.senders.HttpSmsSender,aduan.channels.senders.SmsSyncSender"
    )
    senders._sender_for.cache_clear()
    transport.answer(422, {"error": "number blocked"})
    message = queued()
    assert message.state == "sent" and message.provider_id.startswith("smssync:")
    senders._sender_for.cache_clear()


# -- Gammu ----------------------------------------------------------------------------


def test_gammu_sentitems_become_receipts(db, settings, tmp_path):
    path = tmp_path / "smsd.db"
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    settings.ADUAN_GAMMU_DSN = f"sqlite:///{path}"
    rows = {}
    for name, statuses in {
        "delivered": ["DeliveryOK", "DeliveryOK"],
        "failed": ["SendingOK", "SendingError"],
        "pending": ["SendingOKNoReport"],
    }.items():
        message = OutboundMessage.objects.create(
            channel="sms", recipient="+6281311112222", body=name, state="sent"
        )
        outbox_id = 100 + message.pk
        OutboundMessage.objects.filter(pk=message.pk).update(
            provider_id=f"gammu:{outbox_id}", sent_at=message.created_at
        )
        for seq, status in enumerate(statuses, start=1):
            conn.execute(
                "INSERT INTO sentitems (ID, SequencePosition, CreatorID, Status) VALUES (?, ?, ?, ?)",
                (outbox_id, seq, f"aduan:outbox-{message.pk}", status),
            )
        rows[name] = message
    conn.commit()
    conn.close()
    assert jobs.poll_gammu_receipts() == "receipts=3"
    got = {name: list(m.receipts.values_list("status", "detail")) for name, m in rows.items()}
    assert got == {
        "delivered": [("delivered", "DeliveryOK")],
        "failed": [("failed", "SendingError")],
        "pending": [("sent", "SendingOKNoReport")],
    }
    # Settled messages are not asked about again; the pending one is, and nothing changed.
    assert jobs.poll_gammu_receipts() == ""
    settings.ADUAN_GAMMU_DSN = ""
    assert jobs.poll_gammu_receipts() == ""
