"""Delivering the outbox: claim due rows, send outside the transaction, retry with backoff.

Several workers on several machines may run this at once. A row is claimed by setting
``locked_until`` inside a transaction that locked it with ``SKIP LOCKED`` (PostgreSQL),
so two workers never take the same row. Claims are short (``CLAIM_SECONDS``) and renewed
every ``HEARTBEAT_SECONDS`` while a message is being sent, so a worker that dies (killed,
its machine gone) leaves claims that expire within seconds and another worker sends them.

The guarantee, exactly:

- **At most one send per claim.** Right before sending, the worker renews its claim
  with a compare-and-set on the ``locked_until`` it wrote and counts the attempt
  (committed before the send). When another worker has taken the row since (the claim
  ran out while earlier rows of the batch were sent), the compare-and-set finds
  nothing and this worker skips the row. While the sender works (an HTTP gateway may
  take up to ``ADUAN_HTTP_TIMEOUT``, e-mail ``senders.EMAIL_TIMEOUT``) a heartbeat
  thread renews the claim, again by compare-and-set, every ``HEARTBEAT_SECONDS``; the
  outcome is recorded only while the claim is still this worker's.
- **At least once delivery, with a stable id.** A worker that stops between the
  gateway's acceptance and the recording of the outcome leaves the row pending with
  an expired claim; a later claim sends it again. That copy carries the same id as the
  first (:func:`aduan.core.senders.message_key`, from the row): e-mail's
  ``Message-ID``, the HTTP SMS gateway's ``Idempotency-Key`` header and ``reference``,
  WhatsApp's ``biz_opaque_callback_data``, Gammu's ``CreatorID`` (checked before
  writing, so Gammu never gets the copy). Telegram's Bot API has no such field: there a
  copy can reach the citizen after a crash. Such a re-send is recognisable here too:
  the claim it takes over had not been cleared, the log says so, and the sender sees
  ``message.unfinished_attempt`` set.
- A row whose attempts (crashed ones included) reach ``ADUAN_OUTBOX_MAX_ATTEMPTS`` is
  failed, so a message that stops the worker every time cannot loop forever.
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboundMessage
from .senders import PermanentSendError, message_key, sender_for

log = logging.getLogger(__name__)

# A dead worker's messages wait at most this long; a live one renews its claim every
# HEARTBEAT_SECONDS while sending (three beats may be missed before the claim runs out).
CLAIM_SECONDS = 15
HEARTBEAT_SECONDS = 4


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at 6 hours."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def claim_due(limit: int = 50, now=None) -> list[OutboundMessage]:
    now = now or timezone.now()
    until = now + timedelta(seconds=CLAIM_SECONDS)
    with transaction.atomic():
        qs = OutboundMessage.objects.filter(
            state=OutboundMessage.State.PENDING, next_attempt_at__lte=now
        ).filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        rows = list(qs.order_by("next_attempt_at", "id")[:limit])
        if rows:
            OutboundMessage.objects.filter(pk__in=[r.pk for r in rows]).update(locked_until=until)
    for row in rows:
        # Every outcome clears the claim: one still set was left by a worker that
        # stopped during its attempt, which may have reached the gateway.
        row.unfinished_attempt = row.locked_until is not None
        row.locked_until = until
    return rows


def _renew(message: OutboundMessage, now) -> bool:
    """Keep the claim for the send and count the attempt; False: the claim was lost."""
    until = now + timedelta(seconds=CLAIM_SECONDS)
    taken = OutboundMessage.objects.filter(
        pk=message.pk, state=OutboundMessage.State.PENDING, locked_until=message.locked_until
    ).update(locked_until=until, attempts=F("attempts") + 1)
    if taken:
        message.locked_until = until
        message.attempts += 1
    return bool(taken)


@contextmanager
def _heartbeat(message: OutboundMessage):
    """Renew the claim on ``message`` while the block runs (a send of unknown length).

    The renewal runs in a thread with its own database connection; it moves
    ``message.locked_until`` forward only when the compare-and-set found the claim still
    ours, and it has stopped before the block's outcome is recorded.
    """
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(HEARTBEAT_SECONDS):
                until = timezone.now() + timedelta(seconds=CLAIM_SECONDS)
                kept = OutboundMessage.objects.filter(
                    pk=message.pk,
                    state=OutboundMessage.State.PENDING,
                    locked_until=message.locked_until,
                ).update(locked_until=until)
                if not kept:
                    log.warning("outbox %s: claim lost while sending", message.pk)
                    return
                message.locked_until = until
        except Exception:  # a failed renewal only shortens the claim
            log.exception("outbox %s: renewing the claim failed", message.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"outbox-claim-{message.pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _fail(message: OutboundMessage, error: str, *, permanent: bool, now) -> None:
    exhausted = message.attempts >= settings.ADUAN_OUTBOX_MAX_ATTEMPTS
    state = (
        OutboundMessage.State.FAILED if permanent or exhausted else OutboundMessage.State.PENDING
    )
    # Only while the claim is still ours: another worker's outcome is never overwritten.
    OutboundMessage.objects.filter(pk=message.pk, locked_until=message.locked_until).update(
        state=state,
        last_error=error[:2000],
        next_attempt_at=now + backoff(message.attempts),
        locked_until=None,
    )


def deliver(message: OutboundMessage, now=None) -> bool | None:
    """Send one claimed message and record the outcome.

    True when sent, False when it failed (and will be retried or is given up), None
    when the claim was lost to another worker and nothing was sent.
    """
    now = now or timezone.now()
    unfinished = getattr(message, "unfinished_attempt", False)
    message.unfinished_attempt = unfinished
    if unfinished and message.attempts >= settings.ADUAN_OUTBOX_MAX_ATTEMPTS:
        _fail(
            message,
            f"gave up: {message.attempts} attempts, the last ones unfinished",
            permanent=True,
            now=now,
        )
        return False
    if not _renew(message, now):
        log.info("outbox %s: claimed by another worker meanwhile; skipped", message.pk)
        return None
    if unfinished:
        log.warning(
            "outbox %s: the previous attempt did not finish; sending again as %s",
            message.pk,
            message_key(message),
        )
    try:
        with _heartbeat(message):
            provider_id = sender_for(message.channel).send(message)
    except Exception as exc:  # any sender failure is recorded, never lost
        _fail(
            message,
            f"{type(exc).__name__}: {exc}",
            permanent=isinstance(exc, PermanentSendError),
            now=now,
        )
        log.warning("outbox %s attempt %s failed: %s", message.pk, message.attempts, exc)
        return False
    # Sent is a fact whoever holds the claim: recorded unconditionally.
    OutboundMessage.objects.filter(pk=message.pk).update(
        state=OutboundMessage.State.SENT,
        sent_at=timezone.now(),
        provider_id=str(provider_id or "")[:200],
        locked_until=None,
        last_error="",
    )
    return True


def deliver_due(limit: int = 50, now=None) -> tuple[int, int]:
    sent = failed = 0
    for message in claim_due(limit=limit, now=now):
        outcome = deliver(message, now=now)
        if outcome:
            sent += 1
        elif outcome is False:
            failed += 1
    return sent, failed
