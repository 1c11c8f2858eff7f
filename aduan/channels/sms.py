"""The SMS keyword grammar acted on: file, check status, add information, dispute, rate.

Parsing lives in ``aduan.lib.smsgrammar`` (pure); this module looks up
complaints, calls the lifecycle and queues the reply SMS in the outbox.
The status, information, dispute and rating actions are shared with the chat channels.

A reply without a keyword (``belum selesai, lampu masih mati``) is how people answer a
text message, so it is read as an answer before it is read as a new complaint: when
the sender's number has exactly one complaint waiting for them (see :func:`awaiting`),
the text goes to it: as the information asked for, or, to an answer, as a dispute when
it says the problem is not solved (:data:`NOT_SOLVED`) and as a note otherwise. With
several such complaints the sender is asked which code they mean; with none, the text
is filed as a complaint as before.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.core import disclosure, lifecycle
from aduan.core.city import current_city
from aduan.core.models import Channel, Complaint, Event, Status
from aduan.lib import gsm7
from aduan.lib import smsgrammar as grammar
from aduan.lib.gateways import InboundMessage

from .intake import (
    Handled,
    Outcome,
    file_from_message,
    kelurahan_named,
    kelurahan_names,
    reply_on_creation,
)
from .intake import reply as queue_reply
from .models import InboundMessageLog

# An answer is waiting for the reporter's word this long; later replies are new messages.
ANSWER_WINDOW = timedelta(days=30)
# Words that say an answer did not solve the problem (Indonesian and common SMS spellings).
NOT_SOLVED = re.compile(
    r"\b(belum|blm|belom|blom|masih|msh|tidak|tdk|gak|ga|nggak|ngga|enggak|bohong|"
    r"sama saja|tetap|rusak lagi|mati lagi)\b",
    re.IGNORECASE,
)


def reply(channel: str, recipient: str, body: str, *, complaint=None) -> None:
    """Queue a reply; on SMS in the GSM-7 alphabet only (one odd quote makes it UCS-2)."""
    if channel == Channel.SMS:
        body = gsm7.normalize(body)
    queue_reply(channel, recipient, body, complaint=complaint)


def sms_number() -> str:
    """The number citizens text, as the City row gives it (empty when there is none)."""
    return current_city().sms_number


def reply_address(msg: InboundMessage) -> tuple[str, str]:
    """(channel, recipient) to answer ``msg`` on: WhatsApp wants the bare wa_id."""
    if msg.channel == Channel.WHATSAPP:
        wa_id = msg.raw.get("from") if isinstance(msg.raw, dict) else None
        return msg.channel, str(wa_id or msg.sender.lstrip("+"))
    return msg.channel, msg.sender


def owner_filter(msg: InboundMessage) -> Q:
    """Complaints this sender may act on: the reporter's own, found by the channel's address."""
    if msg.channel == Channel.TELEGRAM:
        return Q(channel=Channel.TELEGRAM, reporter_handle=msg.sender)
    if msg.channel == Channel.EMAIL:
        return Q(reporter_email__iexact=msg.sender)
    return Q(reporter_phone=msg.sender)


def own_complaint(msg: InboundMessage, code: str | None) -> Complaint | None:
    """The sender's complaint with ``code``; someone else's looks exactly like a missing one."""
    if not code or not msg.sender:
        return None
    return Complaint.objects.filter(owner_filter(msg), code=code).first()


def last_update(view: disclosure.ComplaintView):
    """When the public was last told something: the latest public event of the public
    projection (which holds none for an unlisted complaint, so it gets no date at all)."""
    if not view.shows_content:
        return None
    return view.events[-1].at if view.events else view.received_at


def status_reply(msg: InboundMessage, code: str) -> Handled:
    """Anyone may send any code: the reply is the public projection, as on the public
    tracking page; of an unlisted complaint nothing but its status."""
    channel, recipient = reply_address(msg)
    complaint = Complaint.objects.filter(code=code).first()
    if complaint is None:
        reply(channel, recipient, grammar.reply_not_found(code))
        return Handled(Outcome.STATUS_REPLY, None, "not_found", _("Kode tidak ditemukan."))
    view = disclosure.for_public(complaint, events=True)
    reply(
        channel,
        recipient,
        grammar.reply_status(view.code, view.status_label, last_update(view)),
        complaint=complaint,
    )
    return Handled(Outcome.STATUS_REPLY, complaint)


def add_info(msg: InboundMessage, code: str, text: str, complaint=None) -> Handled:
    """The reporter's extra information: answers a question, else a note for the staff."""
    channel, recipient = reply_address(msg)
    complaint = complaint or own_complaint(msg, code)
    if complaint is None:
        reply(channel, recipient, grammar.reply_not_found(code))
        return Handled(Outcome.REJECTED, None, "not_found", _("Kode tidak ditemukan."))
    if complaint.status == Status.MENUNGGU_INFO:
        lifecycle.provide_info(complaint, text=text, via=msg.channel)
        outcome = Outcome.INFO_ADDED
    else:
        lifecycle.record_note(
            complaint,
            None,
            note=_("Keterangan tambahan dari pelapor: %(text)s") % {"text": text},
            kind=Event.Kind.NOTE,
            data={"via": msg.channel, "from_reporter": True},
        )
        outcome = Outcome.NOTE_ADDED
    reply(channel, recipient, grammar.reply_info_added(complaint.code), complaint=complaint)
    return Handled(outcome, complaint)


def _status_words(complaint: Complaint) -> str:
    """The status as the reporter reads it on their own page (a label, never a key)."""
    return disclosure.for_reporter(complaint).status_label


def dispute(msg: InboundMessage, code: str, reason: str, complaint=None) -> Handled:
    """The reporter says the answer did not solve it: the complaint goes back to work."""
    channel, recipient = reply_address(msg)
    complaint = complaint or own_complaint(msg, code)
    if complaint is None:
        reply(channel, recipient, grammar.reply_not_found(code))
        return Handled(Outcome.REJECTED, None, "not_found", _("Kode tidak ditemukan."))
    if complaint.status != Status.SELESAI:
        reply(
            channel,
            recipient,
            grammar.reply_not_answered(complaint.code, _status_words(complaint)),
            complaint=complaint,
        )
        return Handled(
            Outcome.REJECTED, complaint, "not_answered", _("Aduan belum dijawab; tidak dibantah.")
        )
    lifecycle.dispute(complaint, reason=reason)
    reply(channel, recipient, grammar.reply_disputed(complaint.code), complaint=complaint)
    return Handled(Outcome.DISPUTED, complaint)


def awaiting(msg: InboundMessage) -> list[Complaint]:
    """The sender's complaints that wait for their word: asked for information, or
    answered (within :data:`ANSWER_WINDOW`) and neither rated nor disputed since."""
    since = timezone.now() - ANSWER_WINDOW
    return list(
        Complaint.objects.filter(owner_filter(msg))
        .filter(
            Q(status=Status.MENUNGGU_INFO)
            | Q(status=Status.SELESAI, rating__isnull=True, answered_at__gte=since)
        )
        .order_by("-id")[:5]
    )


def answer_without_code(msg: InboundMessage, text: str, reason: str = "") -> Handled | None:
    """Attach a keyword-less reply to the one complaint waiting for it (module docstring).

    ``reason`` is the text after a dispute keyword (BELUM ...), when there was one.
    Returns None when the sender has nothing waiting: the caller files the text.
    """
    channel, recipient = reply_address(msg)
    waiting = awaiting(msg)
    if not waiting:
        return None
    if len(waiting) > 1:
        reply(
            channel, recipient, grammar.reply_choose_code([c.code for c in waiting], sms_number())
        )
        return Handled(
            Outcome.REPLIED, None, "ambiguous", _("Pengirim punya beberapa aduan; kode diminta.")
        )
    complaint = waiting[0]
    if complaint.status == Status.MENUNGGU_INFO:
        return add_info(msg, complaint.code, text, complaint=complaint)
    if reason or NOT_SOLVED.search(text):
        return dispute(msg, complaint.code, reason or text, complaint=complaint)
    return add_info(msg, complaint.code, text, complaint=complaint)


def rate(msg: InboundMessage, code: str | None, rating: int) -> Handled:
    """A rating by code, or (a bare digit) for the sender's latest answered complaint."""
    channel, recipient = reply_address(msg)
    if code:
        complaint = own_complaint(msg, code)
    else:
        complaint = (
            Complaint.objects.filter(
                owner_filter(msg),
                status__in=(Status.SELESAI, Status.DITUTUP),
                rating__isnull=True,
            )
            .order_by("-answered_at", "-id")
            .first()
        )
    if complaint is None:
        if code:
            reply(channel, recipient, grammar.reply_not_found(code))
        else:
            reply(channel, recipient, grammar.help_text(number=sms_number()))
        return Handled(Outcome.REJECTED, None, "not_found", _("Tidak ada aduan untuk dinilai."))
    if complaint.status not in lifecycle.TRANSITIONS["rate"].sources:
        reply(
            channel,
            recipient,
            grammar.reply_not_answered(complaint.code, _status_words(complaint)),
            complaint=complaint,
        )
        return Handled(
            Outcome.REJECTED, complaint, "not_answered", _("Aduan belum dijawab; tidak dinilai.")
        )
    try:
        lifecycle.rate(complaint, rating=rating, via=msg.channel)
    except lifecycle.TransitionError as exc:
        # The lifecycle's words are for web pages (typographic quotes): cut for one SMS.
        reply(
            channel, recipient, gsm7.truncate(gsm7.normalize(exc.message), 160), complaint=complaint
        )
        return Handled(Outcome.REJECTED, complaint, exc.code, exc.message)
    reply(channel, recipient, grammar.reply_rated(rating, complaint.code), complaint=complaint)
    return Handled(Outcome.RATED, complaint)


def _unparsed_reason(cmd: grammar.SmsCommand) -> str:
    if cmd.keyword_missing:
        return _("SMS tanpa format ADUAN; periksa isi dan tentukan lokasinya.")
    if cmd.kelurahan is None:
        return _("Kelurahan “%(raw)s” tidak dikenali; tentukan lokasinya.") % {
            "raw": cmd.kelurahan_raw or "-"
        }
    return ""


def handle_sms(msg: InboundMessage, entry: InboundMessageLog) -> Handled:
    """Act on one inbound SMS (any gateway); the reply goes out through the outbox."""
    names = kelurahan_names()
    cmd = grammar.parse_sms(msg.text, names)
    channel, recipient = reply_address(msg)
    number = sms_number()
    if cmd.action == grammar.DISPUTE and cmd.ok and cmd.code is None:
        handled = answer_without_code(msg, cmd.text, reason=cmd.body)
        if handled is not None:
            return handled
        # Nothing of theirs to dispute: "TOLAK tambang pasir ..." is a complaint.
        if grammar.could_be_complaint(cmd.text):
            cmd = grammar.SmsCommand(grammar.FILE, body=cmd.text, keyword_missing=True)
        else:
            cmd = grammar.SmsCommand(
                grammar.DISPUTE,
                error=grammar.ERRORS["missing_code"],
                error_code="missing_code",
            )
    if cmd.action == grammar.FILE and cmd.ok and cmd.keyword_missing and cmd.kelurahan is None:
        handled = answer_without_code(msg, cmd.body)
        if handled is not None:
            return handled
    if cmd.action == grammar.FILE and cmd.ok:
        complaint = file_from_message(
            msg,
            text=cmd.body,
            kelurahan=kelurahan_named(cmd.kelurahan),
            unparsed=_unparsed_reason(cmd),
        )
        reply_on_creation(
            complaint, channel, recipient, grammar.reply_filed(complaint.code, number)
        )
        outcome = Outcome.KEPT if cmd.keyword_missing else Outcome.CREATED
        return Handled(outcome, complaint)
    if cmd.action == grammar.STATUS and cmd.ok:
        return status_reply(msg, cmd.code)
    if cmd.action == grammar.INFO and cmd.ok:
        return add_info(msg, cmd.code, cmd.body)
    if cmd.action == grammar.DISPUTE and cmd.ok:
        return dispute(msg, cmd.code, cmd.body)
    if cmd.action == grammar.RATE and cmd.ok:
        return rate(msg, cmd.code, cmd.rating)
    if cmd.action == grammar.HELP:
        reply(channel, recipient, grammar.help_text(names[0] if names else None, number))
        return Handled(Outcome.REPLIED)
    reply(channel, recipient, grammar.reply_malformed(cmd, number))
    return Handled(Outcome.REJECTED, None, cmd.error_code or "unrecognised", cmd.error or "")
