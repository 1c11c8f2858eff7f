"""Delivery receipts of outbound SMS, and sending a failed one again another way.

Every SMS gateway reports late, in its own way, whether a handset got a message:
SMSSync posts results, Gammu writes ``sentitems.Status``, an HTTP gateway calls back.
Each adapter turns its report into :func:`record` so the staff see one history per
message. When the operator lists more than one SMS sender (``ADUAN_SMS_SENDERS``, in
order of preference) a message whose delivery failed is queued once more, through the
next sender in the list (:class:`~aduan.channels.senders.FailoverSmsSender` reads the
choice from :class:`~aduan.channels.models.SmsRetry`).
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from aduan.core.models import OutboundMessage
from aduan.core.notify import queue_message

from . import conf
from .models import DeliveryReceipt, SmsRetry

log = logging.getLogger(__name__)
Status = DeliveryReceipt.Status


def sms_senders() -> list[str]:
    """Dotted paths of the SMS senders, primary first (``ADUAN_SMS_SENDERS``)."""
    return [p.strip() for p in conf.get("ADUAN_SMS_SENDERS").split(",") if p.strip()]


def sender_index(message) -> int:
    retry = SmsRetry.objects.filter(message_id=message.pk).first()
    return retry.sender_index if retry else 0


@transaction.atomic
def record(message: OutboundMessage, gateway: str, status: str, detail: str = "") -> bool:
    """Store one report; a failure is retried through the next sender. True if new.

    A report repeated by the gateway (the same final status again) is stored once.
    """
    if status not in Status.values:
        raise ValueError(f"unknown delivery status {status!r}")
    last = DeliveryReceipt.objects.filter(message=message).order_by("-received_at", "-id").first()
    if last is not None and last.status == status and last.detail == detail[:500]:
        return False
    DeliveryReceipt.objects.create(
        message=message, gateway=gateway[:40], status=status, detail=detail[:500]
    )
    if status == Status.FAILED:
        OutboundMessage.objects.filter(pk=message.pk).update(
            last_error=f"{gateway}: delivery failed: {detail}"[:2000]
        )
        retry_elsewhere(message)
    return True


def retry_elsewhere(message: OutboundMessage) -> OutboundMessage | None:
    """Queue ``message`` again for the next configured SMS sender, once; None if none."""
    if message.channel != "sms":
        return None
    following = sender_index(message) + 1
    if following >= len(sms_senders()):
        return None
    if SmsRetry.objects.filter(original=message).exists():
        return None
    copy = queue_message(
        message.channel,
        message.recipient,
        message.body,
        subject=message.subject,
        complaint=message.complaint,
    )
    try:
        with transaction.atomic():
            SmsRetry.objects.create(message=copy, original=message, sender_index=following)
    except IntegrityError:  # another report of the same failure got there first
        copy.delete()
        return None
    log.info("outbox %s failed on delivery; queued again as %s", message.pk, copy.pk)
    return copy


def latest_status(message: OutboundMessage) -> str:
    last = DeliveryReceipt.objects.filter(message=message).order_by("-received_at", "-id").first()
    return last.status if last else ""
