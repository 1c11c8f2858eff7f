"""One intake for every message channel: store once, handle, reply through the outbox.

Adapters (webhooks, management commands) parse their gateway's payload into an
``InboundMessage`` and call :func:`receive` with a handler for the channel
(the SMS keyword grammar, the chat conversation, e-mail threading). The
insert of the ``InboundMessageLog`` row is the deduplication, and the
handler's changes, its replies and the log's outcome commit together.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.core import intake, lifecycle
from aduan.core.models import Channel, Complaint, Kelurahan, OutboundMessage
from aduan.core.notify import queue_message
from aduan.lib.gateways import InboundMessage, PayloadError
from aduan.lib.smsgrammar import MIN_COMPLAINT_LETTERS

from .models import InboundMessageLog

log = logging.getLogger(__name__)
Outcome = InboundMessageLog.Outcome


@dataclass
class Handled:
    """What a handler did with one message."""

    outcome: str
    complaint: Complaint | None = None
    error_code: str = ""
    error: str = ""


@dataclass
class Received:
    """What :func:`receive` did: ``duplicate`` when the gateway redelivered."""

    log: InboundMessageLog | None
    duplicate: bool = False
    outcome: str = ""
    complaint: Complaint | None = None
    replies: list = field(default_factory=list)


Handler = Callable[[InboundMessage, InboundMessageLog], Handled]


def _clip(text: str, limit: int) -> str:
    return (text or "")[:limit]


def scrub(value):
    """Drop what PostgreSQL refuses to store: NUL characters and lone UTF-16 surrogates."""
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = value.encode("utf-8", "replace").decode("utf-8")
        return value
    if isinstance(value, dict):
        return {scrub(str(k)): scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(v) for v in value]
    return value


def _log_fields(msg: InboundMessage) -> dict:
    return {
        "channel": msg.channel,
        "gateway": _clip(msg.gateway, 40),
        "gateway_message_id": _clip(msg.gateway_message_id, 300),
        "sender": _clip(msg.sender, 200),
        "sender_name": _clip(msg.sender_name, 200),
        "text": msg.text or "",
        "raw": msg.raw or {},
        "received_at": msg.received_at,
    }


def receive(msg: InboundMessage, handler: Handler) -> Received:
    """Store ``msg`` once and let ``handler`` act on it, all in one transaction.

    A redelivery (same gateway and gateway message id) returns
    ``duplicate=True`` and changes nothing. If the handler fails with an
    unexpected error its work rolls back, but the message is still stored
    (outcome ``failed``, raw payload kept) so a moderator can find it; the
    gateway is not asked to retry a message that would fail the same way.
    """
    started = timezone.now()
    msg = replace(
        msg,
        text=scrub(msg.text or ""),
        sender=scrub(msg.sender or ""),
        sender_name=scrub(msg.sender_name or ""),
        gateway_message_id=scrub(str(msg.gateway_message_id or "")),
        raw=scrub(msg.raw or {}),
    )
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    entry = InboundMessageLog.objects.create(**_log_fields(msg))
            except IntegrityError:
                return Received(log=_existing(msg), duplicate=True)
            handled = handler(msg, entry)
            entry.outcome = handled.outcome
            entry.complaint = handled.complaint
            entry.error_code = _clip(handled.error_code, 40)
            entry.error = handled.error
            entry.save(update_fields=["outcome", "complaint", "error_code", "error"])
    except Exception as exc:  # a bug in a handler must not lose the citizen's message
        log.exception("inbound %s:%s failed", msg.gateway, msg.gateway_message_id)
        try:
            with transaction.atomic():
                entry = InboundMessageLog.objects.create(
                    **_log_fields(msg),
                    outcome=Outcome.FAILED,
                    error_code="internal_error",
                    error=f"{type(exc).__name__}: {exc}"[:2000],
                )
        except IntegrityError:
            return Received(log=_existing(msg), duplicate=True)
        return Received(log=entry, outcome=Outcome.FAILED)
    replies = list(
        OutboundMessage.objects.filter(
            complaint=handled.complaint, created_at__gte=started
        ).order_by("id")
        if handled.complaint
        else []
    )
    return Received(
        log=entry, outcome=handled.outcome, complaint=handled.complaint, replies=replies
    )


def _existing(msg: InboundMessage) -> InboundMessageLog | None:
    return InboundMessageLog.objects.filter(
        gateway=_clip(msg.gateway, 40), gateway_message_id=_clip(msg.gateway_message_id, 300)
    ).first()


def seen_recently(gateway: str, id_prefix: str, window: timedelta) -> bool:
    """For gateways without a real message id: was this digest stored within ``window``?"""
    return InboundMessageLog.objects.filter(
        gateway=gateway,
        gateway_message_id__startswith=id_prefix,
        created_at__gte=timezone.now() - window,
    ).exists()


# -- replies ---------------------------------------------------------------------


def reply(channel: str, recipient: str, body: str, *, complaint=None, subject="") -> None:
    """Queue a reply on the channel the citizen wrote from (sent by the outbox worker)."""
    if recipient and body:
        queue_message(channel, recipient, body, subject=subject, complaint=complaint)


def reply_on_creation(complaint: Complaint, channel: str, recipient: str, body: str) -> None:
    """Reword the "received" notice that filing queued, or queue ``body`` if none was.

    ``create_complaint`` already queues a notice on the reporter's channel;
    sending our own reply as well would cost the citizen a second SMS.
    """
    notice = (
        OutboundMessage.objects.filter(
            complaint=complaint,
            channel=channel,
            recipient=recipient,
            state=OutboundMessage.State.PENDING,
        )
        .order_by("-id")
        .first()
    )
    if notice is not None:
        OutboundMessage.objects.filter(pk=notice.pk).update(body=body)
    else:
        reply(channel, recipient, body, complaint=complaint)


# -- complaints from messages ------------------------------------------------------


def kelurahan_names() -> list[str]:
    return list(Kelurahan.objects.values_list("name", flat=True).distinct())


def kelurahan_named(name: str | None) -> Kelurahan | None:
    if not name:
        return None
    return Kelurahan.objects.select_related("kecamatan").filter(name=name).first()


def message_key(msg: InboundMessage, suffix: str = "") -> str:
    """A submission key per gateway message: a replayed message never files twice."""
    digest = hashlib.sha256(
        f"{msg.gateway}\x00{msg.gateway_message_id}\x00{suffix}".encode()
    ).hexdigest()
    return f"msg:{digest[:48]}"


def reporter_fields(msg: InboundMessage) -> dict:
    """How to reach the reporter again on the channel the message came from."""
    if msg.channel == Channel.WHATSAPP:
        wa_id = msg.raw.get("from") if isinstance(msg.raw, dict) else None
        return {
            "reporter_phone": msg.sender,
            "reporter_handle": str(wa_id or msg.sender.lstrip("+")),
            "reporter_name": _clip(msg.sender_name, 120),
        }
    if msg.channel == Channel.TELEGRAM:
        return {"reporter_handle": msg.sender, "reporter_name": _clip(msg.sender_name, 120)}
    if msg.channel == Channel.EMAIL:
        return {"reporter_email": msg.sender, "reporter_name": _clip(msg.sender_name, 120)}
    return {"reporter_phone": msg.sender, "reporter_name": _clip(msg.sender_name, 120)}


def file_from_message(
    msg: InboundMessage,
    *,
    text: str,
    kelurahan: Kelurahan | None = None,
    address: str = "",
    latitude=None,
    longitude=None,
    photos=(),
    unparsed: str = "",
    key_suffix: str = "",
) -> Complaint:
    """File the complaint a message carries, through the same intake as every surface
    (``core.intake``, the ``MESSAGE`` rules: the sender is the contact, no name or
    kelurahan is asked for, the handler has already judged the text).

    ``unparsed`` is a reason for the moderators when the message did not
    follow the format: it is written as an internal note flagged
    ``{"unparsed": true}`` so the queue can show it. A position the intake refuses
    (outside Indonesia: a phone's stale fix, a shared place far away) is left out and
    the moderators are told, rather than losing the complaint; any other refusal
    raises ``IntakeErrors`` and :func:`receive` keeps the message as failed.
    """
    submission = intake.Submission(
        # The whole message stays in the inbound log; the complaint holds what fits.
        text=_clip(text, intake.MAX_TEXT),
        kelurahan=kelurahan,
        address=_clip(address, intake.MAX_ADDRESS),
        latitude=latitude,
        longitude=longitude,
        photos=list(photos),
        **reporter_fields(msg),
    )
    try:
        checked = intake.check(submission, channel=msg.channel)
    except intake.IntakeErrors as exc:
        if not exc.fields() <= {"latitude", "longitude"}:
            raise
        checked = intake.check(
            replace(submission, latitude=None, longitude=None), channel=msg.channel
        )
        dropped = _("Titik lokasi yang dikirim di luar wilayah Indonesia; tentukan lokasinya.")
        unparsed = f"{unparsed} {dropped}" if unparsed else dropped
    complaint, _created = intake.file(
        checked, channel=msg.channel, submission_key=message_key(msg, key_suffix)
    )
    if unparsed:
        lifecycle.record_note(
            complaint,
            None,
            note=unparsed,
            data={"unparsed": True, "gateway": msg.gateway, "raw_text": msg.text},
        )
    return complaint


def could_be_complaint(text) -> bool:
    return isinstance(text, str) and sum(ch.isalpha() for ch in text) >= MIN_COMPLAINT_LETTERS


def keep_malformed(
    *,
    channel: str,
    gateway: str,
    raw,
    error: PayloadError,
    text=None,
    sender: str = "",
    sender_name: str = "",
) -> tuple[InboundMessageLog | None, Complaint | None]:
    """Store a payload we could not parse; file it for the moderators if it reads like one.

    The id is a digest of the raw payload, so a gateway retrying the same
    broken payload does not file it twice. Returns ``(log, complaint)``;
    ``log`` is None when this payload was already stored.
    """
    safe_raw = raw if isinstance(raw, dict) else {"payload": raw}
    digest = hashlib.sha256(
        json.dumps(safe_raw, sort_keys=True, default=str).encode("utf-8", "replace")
    ).hexdigest()
    msg = InboundMessage(
        channel=channel,
        gateway=gateway,
        gateway_message_id=f"malformed:{digest[:40]}",
        sender=sender,
        sender_name=sender_name,
        text=text if isinstance(text, str) else "",
        received_at=timezone.now(),
        raw=safe_raw,
    )

    def handle(msg, entry):
        if could_be_complaint(msg.text):
            complaint = file_from_message(
                msg,
                text=msg.text,
                unparsed=_("Pesan dari gateway tidak lengkap (%(error)s); periksa isinya.")
                % {"error": error.message},
            )
            return Handled(Outcome.KEPT, complaint, error.code, error.message)
        return Handled(Outcome.REJECTED, None, error.code, error.message)

    result = receive(msg, handle)
    if result.duplicate:
        return None, None
    return result.log, result.complaint
