"""E-mail intake: new complaints, and replies threaded to the complaint they answer.

Three ways in, one path through: an IMAP mailbox polled by ``aduan email poll``,
the mail services' inbound webhooks through django-anymail (:mod:`.mail_inbound`),
and our own signed JSON webhook. All become an ``InboundMessage`` (gateway
``email``, id = the Message-ID, so the same mail fetched twice, pushed again or
pushed and polled is handled once). A reply is threaded by the ids it answers
(In-Reply-To, References: :mod:`.mail_thread`) first, by the code in its subject
second. Auto-replies and bounces are stored and ignored, never filed.
"""

from __future__ import annotations

import email
import hashlib
import imaplib
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.utils import getaddresses, parsedate_to_datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from aduan.core import lifecycle
from aduan.core.models import Complaint, Status
from aduan.lib import smsgrammar as grammar
from aduan.lib.codes import normalize_code
from aduan.lib.gateways import InboundMessage, PayloadError
from aduan.lib.images import ImageRejected, clean_image

from . import conf, mail_thread
from .intake import Handled, Outcome, Received, file_from_message, receive, reply, scrub
from .models import InboundMessageLog

log = logging.getLogger(__name__)

GATEWAY = "email"
_CODE_IN_SUBJECT = re.compile(r"ADU[\s\-_.]?\d{4}[\s\-_.]?\d{4,6}", re.IGNORECASE)
# Where a quoted earlier message starts in a reply (Gmail, Outlook, Indonesian clients).
_QUOTE_START = re.compile(
    r"^(On .+ wrote:|Pada .+ menulis:|-{2,}\s*Original Message\s*-{2,}|"
    r"-{2,}\s*Pesan Asli\s*-{2,}|From: .+|Dari: .+)\s*$",
    re.IGNORECASE,
)
MAX_BODY = 5000
# Precedence values that robots set (RFC 3834 asks auto-responders to honour them too).
_ROBOT_PRECEDENCE = {"bulk", "junk", "auto_reply"}
# Local parts that only ever send delivery reports.
_ROBOT_SENDERS = {"mailer-daemon", "postmaster"}
_NOT_SET = {"", "no", "false", "0"}


@dataclass
class MailMessage:
    message_id: str
    from_addr: str
    from_name: str
    subject: str
    text: str
    received_at: datetime
    auto_submitted: bool = False
    # Why it is not a person's mail: "bounce" or "auto_reply" ("" for a person's).
    auto_reason: str = ""
    # In-Reply-To, then References newest first: the ids a reply answers, bare.
    thread_ids: list = field(default_factory=list)
    photos: list = field(default_factory=list)
    rejected_photos: list = field(default_factory=list)
    raw: dict = field(default_factory=dict)


def strip_quoted(text: str) -> str:
    """The new part of a reply: quoted history and the signature are dropped."""
    kept = []
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        if line.rstrip() == "--" or _QUOTE_START.match(line.strip()):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


def code_in_subject(subject: str) -> str | None:
    match = _CODE_IN_SUBJECT.search(subject or "")
    return normalize_code(match.group()) if match else None


def address_of(value, path: str = "from") -> tuple[str, str]:
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(path, "missing_field", f"{path} is required")
    pairs = [(n, a) for n, a in getaddresses([value]) if a]
    if not pairs:
        raise PayloadError(path, "invalid_value", f"{path} is not an e-mail address")
    name, addr = pairs[0]
    try:
        validate_email(addr)
    except ValidationError:
        raise PayloadError(path, "invalid_value", f"{path} is not an e-mail address") from None
    return addr.lower(), name.strip()


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()[:40]


def robot_reason(msg) -> str:
    """Why ``msg`` was written by a machine: "bounce", "auto_reply", or "" for a person.

    Delivery reports (RFC 3464, multipart/report; mailer-daemon and postmaster) are
    bounces; RFC 3834's Auto-Submitted, the older X-Autoreply / X-Autorespond marks and
    a robot's Precedence are auto-replies. Answering either could start a mail loop.
    """
    if msg.get_content_type() == "multipart/report":
        report = str(msg.get_param("report-type", "") or "").lower()
        return "bounce" if report == "delivery-status" else "auto_reply"
    for part in msg.walk():
        if part.get_content_type() in ("message/delivery-status", "message/global-delivery-status"):
            return "bounce"
    senders = getaddresses([str(v) for v in msg.get_all("From", [])])
    if any(addr.split("@")[0].strip().lower() in _ROBOT_SENDERS for _n, addr in senders):
        return "bounce"
    auto = str(msg.get("Auto-Submitted", "")).split(";")[0].strip().lower()
    if auto not in _NOT_SET:
        return "auto_reply"
    for name in ("X-Autoreply", "X-Autorespond"):
        if name in msg and str(msg.get(name, "")).strip().lower() not in _NOT_SET - {""}:
            return "auto_reply"
    if str(msg.get("Precedence", "")).strip().lower() in _ROBOT_PRECEDENCE:
        return "auto_reply"
    return ""


def thread_ids(msg) -> list[str]:
    """The ids ``msg`` answers: In-Reply-To first, then References from the newest."""
    ids = mail_thread.message_ids(msg.get("In-Reply-To"))
    ids += reversed(mail_thread.message_ids(msg.get("References")))
    return list(dict.fromkeys(ids))[: mail_thread.MAX_IDS]


def parse_rfc822(data: bytes) -> MailMessage:
    """Read one raw message from the mailbox (``PayloadError`` if it has no usable sender)."""
    msg = email.message_from_bytes(data, policy=policy.default)
    return parse_message(msg, fallback_id=_digest(data))


def parse_message(msg, *, fallback_id: str = "", extra: dict | None = None) -> MailMessage:
    """Read one parsed message (``email.message.EmailMessage``; anymail's inbound
    message is one). ``fallback_id`` names it when it has no Message-ID (default: a
    digest of the message). ``PayloadError`` if it has no usable sender."""
    if not fallback_id and not str(msg.get("Message-ID", "")).strip():
        try:
            fallback_id = _digest(msg.as_bytes())
        except (LookupError, UnicodeError, ValueError):  # headers no policy can fold
            fallback_id = _digest(str(msg).encode("utf-8", "replace"))
    from_addr, from_name = address_of(str(msg.get("From", "")), "From")
    body = msg.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        try:
            text = body.get_content()
        except (LookupError, ValueError):  # an unknown or lying charset
            text = (body.get_payload(decode=True) or b"").decode("utf-8", "replace")
        if body.get_content_type() == "text/html":
            text = strip_tags(text)
    photos, rejected = [], []
    for part in msg.iter_attachments():
        if part.get_content_maintype() != "image":
            continue
        if len(photos) >= settings.ADUAN_MAX_PHOTOS:
            rejected.append(part.get_filename() or "foto")
            continue
        try:
            photos.append(
                clean_image(
                    part.get_payload(decode=True) or b"",
                    max_bytes=settings.ADUAN_MAX_PHOTO_BYTES,
                )
            )
        except ImageRejected:
            rejected.append(part.get_filename() or "foto")
    try:
        received = parsedate_to_datetime(str(msg.get("Date", "")))
        received = received if received.tzinfo else received.replace(tzinfo=UTC)
    except (TypeError, ValueError):
        received = timezone.now()
    auto_reason = robot_reason(msg)
    message_id = str(msg.get("Message-ID", "")).strip() or fallback_id
    return MailMessage(
        message_id=scrub(message_id[:300]),
        from_addr=from_addr,
        from_name=scrub(from_name),
        subject=scrub(str(msg.get("Subject", "")).strip()),
        text=scrub(text),
        received_at=received,
        auto_submitted=bool(auto_reason),
        auto_reason=auto_reason,
        thread_ids=thread_ids(msg),
        photos=photos,
        rejected_photos=rejected,
        raw={
            "message_id": message_id,
            "from": str(msg.get("From", "")),
            "subject": str(msg.get("Subject", "")),
            "date": str(msg.get("Date", "")),
            "text": text[:20000],
            "attachments": [
                p.get_filename() or p.get_content_type() for p in msg.iter_attachments()
            ],
            "in_reply_to": str(msg.get("In-Reply-To", ""))[:1000],
            "references": str(msg.get("References", ""))[:2000],
            **(extra or {}),
        },
    )


def parse_webhook(obj) -> MailMessage:
    """The inbound webhook body: ``{"from", "subject", "text", "message_id"}``."""
    if not isinstance(obj, dict):
        raise PayloadError("body", "invalid_payload", "body must be a JSON object")
    from_addr, from_name = address_of(obj.get("from"), "from")
    for name in ("subject", "text", "message_id"):
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise PayloadError(name, "invalid_type", f"{name} must be text")
    message_id = (obj.get("message_id") or "").strip()
    if not message_id:
        raise PayloadError("message_id", "missing_field", "message_id is required")
    return MailMessage(
        message_id=scrub(message_id[:300]),
        from_addr=from_addr,
        from_name=scrub(from_name),
        subject=scrub((obj.get("subject") or "").strip()),
        text=scrub(obj.get("text") or ""),
        received_at=timezone.now(),
        raw={k: obj.get(k) for k in ("from", "subject", "text", "message_id")},
    )


def _inbound(mail: MailMessage) -> InboundMessage:
    return InboundMessage(
        channel="email",
        gateway=GATEWAY,
        gateway_message_id=mail.message_id,
        sender=mail.from_addr,
        sender_name=mail.from_name,
        text=mail.text,
        received_at=mail.received_at,
        raw=mail.raw,
    )


def _handler(mail: MailMessage):
    def handle(msg: InboundMessage, entry: InboundMessageLog) -> Handled:
        return handle_mail(mail, msg)

    return handle


def receive_mail(mail: MailMessage) -> Received:
    return receive(_inbound(mail), _handler(mail))


def _notice(mail: MailMessage, body: str, complaint=None) -> None:
    # Never answer an auto-reply: two robots would mail each other forever.
    if not mail.auto_submitted:
        subject = mail.subject if mail.subject.lower().startswith("re:") else f"Re: {mail.subject}"
        reply("email", mail.from_addr, body, complaint=complaint, subject=subject[:200])


def handle_mail(mail: MailMessage, msg: InboundMessage) -> Handled:
    if mail.auto_submitted:
        return Handled(Outcome.IGNORED, None, mail.auto_reason or "auto_submitted", "")
    body = strip_quoted(msg.text)[:MAX_BODY]
    complaint = mail_thread.complaint_for(mail.thread_ids)
    if complaint is None:
        code = code_in_subject(mail.subject)
        complaint = Complaint.objects.filter(code=code).first() if code else None
    if complaint is not None:
        return _thread(mail, complaint, body)
    subject = mail.subject.strip()
    text = f"{subject}\n\n{body}".strip() if subject else body
    if sum(ch.isalnum() for ch in text) < 3:
        _notice(mail, _("Pesan Anda kosong. Tuliskan aduan Anda di isi e-mail."))
        return Handled(Outcome.REJECTED, None, "empty", _("Pesan kosong."))
    complaint = file_from_message(msg, text=text[:MAX_BODY], photos=mail.photos)
    if mail.rejected_photos:
        lifecycle.record_note(
            complaint,
            None,
            note=_("Lampiran yang tidak dapat disimpan: %(names)s")
            % {"names": ", ".join(mail.rejected_photos)},
        )
    return Handled(Outcome.CREATED, complaint)


def _reply_command(mail: MailMessage, complaint: Complaint, body: str) -> Handled | None:
    """The reporter's reply that starts with a dispute or rating keyword (BANTAH/BELUM
    ..., NILAI n), as the answer's notice tells them: the same words as on SMS and chat,
    about this complaint (a code in the line, when there is one, must be this one)."""
    first = next((line.strip() for line in body.splitlines() if line.strip()), "")
    cmd = grammar.parse_sms(first, [])
    if not cmd.ok or cmd.action not in (grammar.DISPUTE, grammar.RATE):
        return None
    if cmd.code and cmd.code != complaint.code:
        return None
    try:
        if cmd.action == grammar.RATE:
            lifecycle.rate(complaint, rating=cmd.rating, via="email")
            text = _("Terima kasih, penilaian %(rating)s/5 untuk aduan %(code)s sudah kami catat.")
            outcome = Outcome.RATED
        else:
            reason = cmd.body or body
            lifecycle.dispute(complaint, reason=reason)
            text = _("Aduan %(code)s dibuka kembali dan diteruskan lagi kepada petugas.")
            outcome = Outcome.DISPUTED
    except lifecycle.TransitionError:
        return None  # not possible now (already rated, not answered): kept as a note
    _notice(mail, text % {"code": complaint.code, "rating": cmd.rating}, complaint)
    return Handled(outcome, complaint)


def _thread(mail: MailMessage, complaint: Complaint, body: str) -> Handled:
    """A reply about an existing complaint: information if it was asked for, else a note."""
    if not body:
        body = _("(e-mail tanpa isi)")
    is_reporter = bool(complaint.reporter_email) and (
        complaint.reporter_email.lower() == mail.from_addr
    )
    if is_reporter:
        answered = _reply_command(mail, complaint, body)
        if answered is not None:
            return answered
    if is_reporter and complaint.status == Status.MENUNGGU_INFO:
        lifecycle.provide_info(complaint, text=body, photos=mail.photos, via="email")
        _notice(
            mail,
            _("Terima kasih, informasi tambahan untuk aduan %(code)s sudah kami terima.")
            % {"code": complaint.code},
            complaint,
        )
        return Handled(Outcome.INFO_ADDED, complaint)
    lifecycle.record_note(
        complaint,
        None,
        note=_("E-mail dari %(sender)s: %(body)s") % {"sender": mail.from_addr, "body": body},
        data={
            "via": "email",
            "from": mail.from_addr,
            "from_reporter": is_reporter,
            "message_id": mail.message_id,
            "subject": mail.subject[:200],
        },
    )
    _notice(
        mail,
        _("Pesan Anda tentang aduan %(code)s sudah kami catat dan diteruskan kepada petugas.")
        % {"code": complaint.code},
        complaint,
    )
    return Handled(Outcome.NOTE_ADDED, complaint)


# -- IMAP ------------------------------------------------------------------------


def connect_imap():
    """An IMAP connection logged in with ``ADUAN_IMAP_*`` (tests replace this function)."""
    host = conf.get("ADUAN_IMAP_HOST")
    if not host:
        raise RuntimeError("ADUAN_IMAP_HOST is not set")
    port = conf.get_int("ADUAN_IMAP_PORT")
    timeout = conf.get_float("ADUAN_HTTP_TIMEOUT") * 3
    if conf.get_bool("ADUAN_IMAP_SSL"):
        imap = imaplib.IMAP4_SSL(host, port, timeout=timeout)
    else:
        imap = imaplib.IMAP4(host, port, timeout=timeout)
        imap.starttls()
    imap.login(conf.get("ADUAN_IMAP_USER"), conf.get("ADUAN_IMAP_PASSWORD"))
    return imap


@dataclass
class PollResult:
    fetched: int = 0
    handled: int = 0
    duplicates: int = 0
    rejected: int = 0


def _message_bytes(fetched) -> bytes | None:
    for item in fetched or ():
        if isinstance(item, tuple) and len(item) >= 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def poll_mailbox(imap, *, mailbox: str = "INBOX", limit: int = 100) -> PollResult:
    """Handle unseen messages, then flag each \\Seen (only after it was stored).

    Messages are fetched with ``BODY.PEEK[]`` so a crash half-way leaves the
    rest unseen for the next poll; the Message-ID dedup makes a re-fetch harmless.
    """
    result = PollResult()
    status, _data = imap.select(mailbox)
    if status != "OK":
        raise RuntimeError(f"cannot select mailbox {mailbox!r}")
    status, data = imap.uid("SEARCH", None, "UNSEEN")
    if status != "OK":
        raise RuntimeError("IMAP search failed")
    uids = (data[0] or b"").split() if data else []
    for uid in uids[:limit]:
        status, fetched = imap.uid("FETCH", uid, "(BODY.PEEK[])")
        raw = _message_bytes(fetched) if status == "OK" else None
        if raw is None:
            continue
        result.fetched += 1
        try:
            mail = parse_rfc822(raw)
        except Exception as exc:  # one broken message must not block the mailbox forever
            if not isinstance(exc, PayloadError):
                log.warning("unreadable message uid %s: %s", uid, exc)
                exc = PayloadError("message", "invalid_payload", f"unreadable: {exc}")
            InboundMessageLog.objects.get_or_create(
                gateway=GATEWAY,
                gateway_message_id=_digest(raw),
                defaults={
                    "channel": "email",
                    "raw": {"rfc822": scrub(raw[:20000].decode("utf-8", "replace"))},
                    "outcome": Outcome.REJECTED,
                    "error_code": exc.code,
                    "error": exc.message,
                },
            )
            result.rejected += 1
        else:
            received = receive_mail(mail)
            if received.duplicate:
                result.duplicates += 1
            else:
                result.handled += 1
        imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    return result
