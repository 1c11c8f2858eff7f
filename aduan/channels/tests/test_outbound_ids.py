"""Every channel sends the outbox row's stable id, and a re-send after a crash is
recognisable (or, for Gammu, not written twice)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.core import outbox, senders
from aduan.core.models import OutboundMessage

from .test_gammu import SCHEMA

KEY = "outbox-{pk}@testserver"


class Crash(BaseException):
    """The worker dying after the gateway accepted the message."""


@pytest.fixture
def use(channel_settings):
    def configure(channel, path):
        channel_settings.ADUAN_SENDERS = {**channel_settings.ADUAN_SENDERS, channel: path}
        senders._sender_for.cache_clear()

    yield configure
    senders._sender_for.cache_clear()


def test_http_sms_gateway_gets_an_idempotency_key(db, use, transport):
    use("sms", "aduan.channels.senders.HttpSmsSender")
    msg = OutboundMessage.objects.create(channel="sms", recipient="+6281311112222", body="halo")
    transport.answer(503, {"error": "busy"})
    transport.answer(200, {"id": "gw-1"})
    now = timezone.now()
    outbox.deliver_due(now=now)
    outbox.deliver_due(now=now + timedelta(minutes=1))
    keys = [r["headers"]["idempotency-key"] for r in transport.requests]
    assert keys == [KEY.format(pk=msg.pk)] * 2
    assert [r["body"]["reference"] for r in transport.requests] == [str(msg.pk)] * 2


def test_whatsapp_payloads_carry_the_row_for_the_status_webhooks(db, use, transport):
    use("whatsapp", "aduan.channels.senders.WhatsAppSender")
    msg = OutboundMessage.objects.create(channel="whatsapp", recipient="6281234567890", body="hai")
    transport.answer(200, {"messages": [{"id": "wamid.X"}]})
    assert outbox.deliver_due() == (1, 0)
    [request] = transport.requests
    assert request["body"]["type"] == "template"  # no conversation: outside the window
    assert request["body"]["biz_opaque_callback_data"] == KEY.format(pk=msg.pk)


def test_telegram_has_no_such_field_and_sends_as_before(db, use, transport):
    use("telegram", "aduan.channels.senders.TelegramSender")
    OutboundMessage.objects.create(channel="telegram", recipient="987654321", body="hai")
    transport.answer(200, {"ok": True, "result": {"message_id": 7}})
    assert outbox.deliver_due() == (1, 0)
    assert set(transport.requests[0]["body"]) == {"chat_id", "text"}


@pytest.fixture
def gammu_db(tmp_path, settings, use):
    path = tmp_path / "smsd.db"
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    conn.commit()
    settings.ADUAN_GAMMU_DSN = f"sqlite:///{path}"
    use("sms", "aduan.channels.senders.GammuOutboxSender")
    yield conn
    conn.close()


def test_gammu_resend_after_a_crash_writes_no_second_row(db, gammu_db, monkeypatch):
    from aduan.channels import senders as channel_senders

    msg = OutboundMessage.objects.create(channel="sms", recipient="+6281311112222", body="halo")
    real_send = channel_senders.GammuOutboxSender.send

    def send_then_crash(self, message):
        real_send(self, message)
        raise Crash

    monkeypatch.setattr(channel_senders.GammuOutboxSender, "send", send_then_crash)
    now = timezone.now()
    with pytest.raises(Crash):
        outbox.deliver_due(now=now)
    monkeypatch.setattr(channel_senders.GammuOutboxSender, "send", real_send)
    # Gammu has meanwhile sent it and moved the row to sentitems.
    gammu_db.execute(
        "INSERT INTO sentitems (ID, DestinationNumber, TextDecoded, CreatorID) "
        "SELECT ID, DestinationNumber, TextDecoded, CreatorID FROM outbox"
    )
    gammu_db.execute("DELETE FROM outbox")
    gammu_db.commit()
    [(gammu_id, creator)] = gammu_db.execute("SELECT ID, CreatorID FROM sentitems").fetchall()
    assert creator == "aduan:" + KEY.format(pk=msg.pk)

    later = now + timedelta(seconds=outbox.CLAIM_SECONDS + 1)
    assert outbox.deliver_due(now=later) == (1, 0)
    assert gammu_db.execute("SELECT COUNT(*) FROM outbox").fetchone() == (0,)
    msg.refresh_from_db()
    assert msg.state == "sent" and msg.provider_id == f"gammu:{gammu_id}" and msg.attempts == 2


def test_gammu_first_attempts_do_not_look_anything_up(db, gammu_db):
    gammu_db.execute("DROP TABLE sentitems")  # a lookup would fail loudly
    gammu_db.commit()
    msg = OutboundMessage.objects.create(channel="sms", recipient="+6281311112222", body="halo")
    assert outbox.deliver_due() == (1, 0)
    [(creator,)] = gammu_db.execute("SELECT CreatorID FROM outbox").fetchall()
    assert creator == "aduan:" + KEY.format(pk=msg.pk)
