"""Delivering the outbox: claim due rows, send outside the transaction, retry with backoff.

Several workers on several machines may run this at once. A row is claimed
by setting ``locked_until`` inside a transaction that locked it with
``SKIP LOCKED`` (PostgreSQL), so two workers never take the same row; a
worker that dies leaves a claim that simply expires.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .models import OutboundMessage
from .senders import PermanentSendError, sender_for

log = logging.getLogger(__name__)

CLAIM_SECONDS = 300


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at 6 hours."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def claim_due(limit: int = 50, now=None) -> list[OutboundMessage]:
    now = now or timezone.now()
    with transaction.atomic():
        qs = OutboundMessage.objects.filter(
            state=OutboundMessage.State.PENDING, next_attempt_at__lte=now
        ).filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        rows = list(qs.order_by("next_attempt_at", "id")[:limit])
        if rows:
            OutboundMessage.objects.filter(pk__in=[r.pk for r in rows]).update(
                locked_until=now + timedelta(seconds=CLAIM_SECONDS)
            )
    return rows


def deliver(message: OutboundMessage, now=None) -> bool:
    """Send one claimed message and record the outcome. Returns True when sent."""
    attempts = message.attempts + 1
    try:
        provider_id = sender_for(message.channel).send(message)
    except Exception as exc:  # any sender failure is recorded, never lost
        now = now or timezone.now()
        permanent = isinstance(exc, PermanentSendError)
        exhausted = attempts >= settings.ADUAN_OUTBOX_MAX_ATTEMPTS
        state = (
            OutboundMessage.State.FAILED
            if permanent or exhausted
            else OutboundMessage.State.PENDING
        )
        OutboundMessage.objects.filter(pk=message.pk).update(
            attempts=attempts,
            state=state,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=now + backoff(attempts),
            locked_until=None,
        )
        log.warning("outbox %s attempt %s failed: %s", message.pk, attempts, exc)
        return False
    OutboundMessage.objects.filter(pk=message.pk).update(
        attempts=attempts,
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
        if deliver(message, now=now):
            sent += 1
        else:
            failed += 1
    return sent, failed
