from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from aduan.core import outbox, senders
from aduan.core.models import OutboundMessage
from aduan.core.notify import queue_message


class Boom:
    def send(self, message):
        raise senders.SendError("gateway down")


class Refuse:
    def send(self, message):
        raise senders.PermanentSendError("invalid number")


@pytest.fixture(autouse=True)
def _fresh_sender_cache():
    senders._sender_for.cache_clear()
    yield
    senders._sender_for.cache_clear()


def test_file_sender_delivers_and_marks_sent(db, settings):
    msg = queue_message("sms", "+6281234567890", "Aduan ADU-2611-0001 diterima")
    assert outbox.deliver_due() == (1, 0)
    msg.refresh_from_db()
    assert msg.state == OutboundMessage.State.SENT and msg.attempts == 1 and msg.sent_at
    assert "ADU-2611-0001" in settings.ADUAN_OUTBOX_FILE.read_text()
    assert outbox.deliver_due() == (0, 0)


def test_failure_retries_with_backoff_then_gives_up(db, settings):
    settings.ADUAN_SENDERS = {**settings.ADUAN_SENDERS, "sms": f"{__name__}.Boom"}
    settings.ADUAN_OUTBOX_MAX_ATTEMPTS = 3
    msg = queue_message("sms", "+6281234567890", "halo")
    now = timezone.now()
    assert outbox.deliver_due(now=now) == (0, 1)
    msg.refresh_from_db()
    assert msg.state == OutboundMessage.State.PENDING and msg.attempts == 1
    assert msg.next_attempt_at == now + timedelta(seconds=30)
    assert "gateway down" in msg.last_error
    # Not due yet: nothing happens.
    assert outbox.deliver_due(now=now + timedelta(seconds=10)) == (0, 0)
    outbox.deliver_due(now=now + timedelta(seconds=31))
    msg.refresh_from_db()
    assert msg.attempts == 2 and msg.next_attempt_at == now + timedelta(seconds=31 + 60)
    outbox.deliver_due(now=now + timedelta(hours=1))
    msg.refresh_from_db()
    assert msg.attempts == 3 and msg.state == OutboundMessage.State.FAILED


def test_permanent_failure_is_not_retried(db, settings):
    settings.ADUAN_SENDERS = {**settings.ADUAN_SENDERS, "sms": f"{__name__}.Refuse"}
    msg = queue_message("sms", "+6281234567890", "halo")
    outbox.deliver_due()
    msg.refresh_from_db()
    assert msg.state == OutboundMessage.State.FAILED and msg.attempts == 1


def test_claimed_rows_are_not_taken_twice(db):
    queue_message("sms", "+6281234567890", "satu")
    first = outbox.claim_due()
    assert len(first) == 1
    assert outbox.claim_due() == []
    # A claim expires: a worker that died does not lose the message.
    later = timezone.now() + timedelta(seconds=outbox.CLAIM_SECONDS + 1)
    assert len(outbox.claim_due(now=later)) == 1


def test_unknown_channel_fails_permanently(db):
    msg = queue_message("pigeon", "x", "halo")
    outbox.deliver_due()
    msg.refresh_from_db()
    assert msg.state == OutboundMessage.State.FAILED and "pigeon" in msg.last_error


def test_backoff_is_capped():
    assert outbox.backoff(1) == timedelta(seconds=30)
    assert outbox.backoff(4) == timedelta(seconds=240)
    assert outbox.backoff(40) == timedelta(hours=6)


def test_worker_once_delivers(db, capsys):
    msg = queue_message("email", "warga@example.com", "Isi", subject="[ADU] Diterima")
    call_command("worker", "--once")
    msg.refresh_from_db()
    assert msg.state == OutboundMessage.State.SENT
    from django.core import mail

    assert mail.outbox[0].to == ["warga@example.com"]
    assert "worker stopped" in capsys.readouterr().out


@override_settings(ADUAN_SENDERS={"sms": "aduan.core.senders.FileSender"})
def test_message_written_in_same_transaction_rolls_back(db):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        queue_message("sms", "+6281234567890", "batal")
        raise RuntimeError
    assert not OutboundMessage.objects.exists()
