"""Background polling for ``aduan worker``: Gammu's SQL inbox and the IMAP mailbox.

Each job does nothing until its channel is configured, so a deployment
without a modem or a mailbox pays nothing. A mailbox or database that is
down is reported in the worker's log and tried again on the next pass.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
from datetime import timedelta

from django.utils import timezone

from aduan.core import jobs as core_jobs
from aduan.core.models import OutboundMessage

from . import conf, email_intake, gammu, media_fetch, receipts
from .models import DeliveryReceipt

log = logging.getLogger(__name__)


def poll_gammu() -> str:
    dsn = conf.get("ADUAN_GAMMU_DSN")
    if not dsn:
        return ""
    try:
        db = gammu.connect(dsn)
    except Exception as exc:  # each database driver has its own error classes
        log.warning("gammu inbox unreachable: %s", exc)
        return f"gammu unreachable: {type(exc).__name__}"
    try:
        result = gammu.poll_inbox(db)
    finally:
        db.close()
    if result.handled or result.rejected:
        return f"handled={result.handled} rejected={result.rejected} pending={result.pending}"
    return ""


# Gammu keeps reporting on a message for a while (the handset may be off); not forever.
RECEIPT_WINDOW = timedelta(days=3)


def poll_gammu_receipts() -> str:
    """Read Gammu's ``sentitems`` for SMS sent through it and record their receipts."""
    dsn = conf.get("ADUAN_GAMMU_DSN")
    if not dsn:
        return ""
    pending = {
        m.provider_id.removeprefix("gammu:"): m
        for m in OutboundMessage.objects.filter(
            channel="sms",
            state=OutboundMessage.State.SENT,
            provider_id__startswith="gammu:",
            sent_at__gte=timezone.now() - RECEIPT_WINDOW,
        )
        .exclude(receipts__status__in=DeliveryReceipt.FINAL)
        .order_by("id")[:500]
    }
    if not pending:
        return ""
    try:
        db = gammu.connect(dsn)
    except Exception as exc:  # each database driver has its own error classes
        log.warning("gammu database unreachable: %s", exc)
        return f"gammu unreachable: {type(exc).__name__}"
    try:
        found = gammu.read_receipts(db, list(pending))
    finally:
        db.close()
    recorded = 0
    for outbox_id, (status, word) in found.items():
        recorded += receipts.record(pending[outbox_id], "gammu", status, word)
    return f"receipts={recorded}" if recorded else ""


def poll_email() -> str:
    if not conf.get("ADUAN_IMAP_HOST"):
        return ""
    try:
        imap = email_intake.connect_imap()
    except (OSError, RuntimeError, imaplib.IMAP4.error) as exc:
        log.warning("IMAP unreachable: %s", exc)
        return f"imap unreachable: {type(exc).__name__}"
    try:
        result = email_intake.poll_mailbox(imap, mailbox=conf.get("ADUAN_IMAP_MAILBOX") or "INBOX")
    except (OSError, RuntimeError, imaplib.IMAP4.error) as exc:
        log.warning("IMAP poll failed: %s", exc)
        return f"imap failed: {type(exc).__name__}"
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            imap.logout()
    return f"handled={result.handled}" if result.handled else ""


# Registered here, where ``ChannelsConfig.ready`` imports this module: photos citizens
# send on WhatsApp and Telegram are fetched outside the webhook, on the default queue.
@core_jobs.register("channels.chat_media", every_seconds=10, queue=core_jobs.DEFAULT)
def fetch_chat_media() -> str:
    return media_fetch.download_due()
