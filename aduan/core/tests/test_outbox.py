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


# -- a stable id, and what happens after a crash -------------------------------------


class Crash(BaseException):
    """The worker process dying: not an ``Exception``, so nothing records an outcome."""


class Recording:
    """A gateway that accepts every message and remembers the key it came with."""

    sent: list[tuple[int, str]] = []
    crash_after_send = False

    def send(self, message):
        Recording.sent.append((message.pk, senders.message_key(message)))
        if Recording.crash_after_send:
            raise Crash
        return f"gw:{len(Recording.sent)}"


@pytest.fixture
def recording(settings):
    settings.ADUAN_SENDERS = {**settings.ADUAN_SENDERS, "sms": f"{__name__}.Recording"}
    Recording.sent = []
    Recording.crash_after_send = False
    return Recording


def test_email_carries_a_message_id_derived_from_the_row(db):
    from django.core import mail

    msg = queue_message("email", "warga@example.com", "Isi", subject="[ADU] Diterima")
    assert outbox.deliver_due() == (1, 0)
    [email] = mail.outbox
    assert email.extra_headers["Message-ID"] == f"<outbox-{msg.pk}@testserver>"
    assert email.extra_headers["X-Aduan-Message-Id"] == f"outbox-{msg.pk}@testserver"
    assert f"Message-ID: <outbox-{msg.pk}@testserver>" in email.message().as_string()


def test_the_same_id_goes_out_on_every_attempt(db, settings):
    from django.core import mail

    settings.ADUAN_SENDERS = {**settings.ADUAN_SENDERS, "email": f"{__name__}.Boom"}
    msg = queue_message("email", "warga@example.com", "Isi")
    now = timezone.now()
    outbox.deliver_due(now=now)
    settings.ADUAN_SENDERS = {
        **settings.ADUAN_SENDERS,
        "email": "aduan.core.senders.DjangoEmailSender",
    }
    outbox.deliver_due(now=now + timedelta(minutes=1))
    msg.refresh_from_db()
    assert msg.state == OutboundMessage.State.SENT and msg.attempts == 2
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<outbox-{msg.pk}@testserver>"


def test_file_sender_writes_the_id(db, settings):
    msg = queue_message("sms", "+6281234567890", "halo")
    outbox.deliver_due()
    assert f'"id": "outbox-{msg.pk}@testserver"' in settings.ADUAN_OUTBOX_FILE.read_text()


def test_crash_between_send_and_record_resends_once_with_the_same_id(db, recording, caplog):
    msg = queue_message("sms", "+6281234567890", "halo")
    now = timezone.now()
    recording.crash_after_send = True
    with pytest.raises(Crash):
        outbox.deliver_due(now=now)
    msg.refresh_from_db()
    # The attempt was counted before the send; the claim was left as it was.
    assert msg.state == OutboundMessage.State.PENDING and msg.attempts == 1
    assert msg.locked_until is not None
    # Nobody sends it while the crashed worker's claim lasts.
    assert outbox.deliver_due(now=now + timedelta(seconds=outbox.CLAIM_SECONDS - 1)) == (0, 0)
    recording.crash_after_send = False
    later = now + timedelta(seconds=outbox.CLAIM_SECONDS + 1)
    with caplog.at_level("WARNING", logger="aduan.core.outbox"):
        assert outbox.deliver_due(now=later) == (1, 0)
    key = f"outbox-{msg.pk}@testserver"
    assert recording.sent == [(msg.pk, key), (msg.pk, key)]
    assert "did not finish" in caplog.text and key in caplog.text
    msg.refresh_from_db()
    assert msg.state == OutboundMessage.State.SENT and msg.attempts == 2
    assert msg.locked_until is None
    # Sent is final: no third copy.
    assert outbox.deliver_due(now=later + timedelta(hours=1)) == (0, 0)
    assert len(recording.sent) == 2


def test_a_claim_taken_over_meanwhile_is_not_sent_twice(db, recording):
    msg = queue_message("sms", "+6281234567890", "halo")
    now = timezone.now()
    [mine] = outbox.claim_due(now=now)
    # This worker stalled past its claim; another one claimed and sent the row.
    later = now + timedelta(seconds=outbox.CLAIM_SECONDS + 1)
    [theirs] = outbox.claim_due(now=later)
    assert theirs.unfinished_attempt is True
    assert outbox.deliver(theirs, now=later) is True
    assert outbox.deliver(mine, now=later) is None
    assert recording.sent == [(msg.pk, f"outbox-{msg.pk}@testserver")]


def test_a_message_that_keeps_crashing_the_worker_is_given_up(db, recording, settings):
    settings.ADUAN_OUTBOX_MAX_ATTEMPTS = 2
    msg = queue_message("sms", "+6281234567890", "racun")
    recording.crash_after_send = True
    now = timezone.now()
    for step in range(2):
        with pytest.raises(Crash):
            outbox.deliver_due(now=now + step * timedelta(seconds=outbox.CLAIM_SECONDS + 1))
    assert outbox.deliver_due(now=now + timedelta(hours=1)) == (0, 1)
    msg.refresh_from_db()
    assert msg.state == OutboundMessage.State.FAILED and "unfinished" in msg.last_error
    assert len(recording.sent) == 2
