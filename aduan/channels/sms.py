"""The SMS keyword grammar acted on: file, check status, add information, rate.

Parsing lives in ``aduan.lib.smsgrammar`` (pure); this module looks up
complaints, calls the lifecycle and queues the reply SMS in the outbox.
The status, information and rating actions are shared with the chat channels.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from aduan.core import disclosure, lifecycle
from aduan.core.models import Channel, Complaint, Event, Status
from aduan.lib import smsgrammar as grammar
from aduan.lib.gateways import InboundMessage

from .intake import (
    Handled,
    Outcome,
    file_from_message,
    kelurahan_named,
    kelurahan_names,
    reply,
    reply_on_creation,
)
from .models import InboundMessageLog


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


def add_info(msg: InboundMessage, code: str, text: str) -> Handled:
    """The reporter's extra information: answers a question, else a note for the staff."""
    channel, recipient = reply_address(msg)
    complaint = own_complaint(msg, code)
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
            reply(channel, recipient, grammar.help_text())
        return Handled(Outcome.REJECTED, None, "not_found", _("Tidak ada aduan untuk dinilai."))
    try:
        lifecycle.rate(complaint, rating=rating, via=msg.channel)
    except lifecycle.TransitionError as exc:
        reply(channel, recipient, exc.message[:160], complaint=complaint)
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
    if cmd.action == grammar.FILE and cmd.ok:
        complaint = file_from_message(
            msg,
            text=cmd.body,
            kelurahan=kelurahan_named(cmd.kelurahan),
            unparsed=_unparsed_reason(cmd),
        )
        reply_on_creation(complaint, channel, recipient, grammar.reply_filed(complaint.code))
        outcome = Outcome.KEPT if cmd.keyword_missing else Outcome.CREATED
        return Handled(outcome, complaint)
    if cmd.action == grammar.STATUS and cmd.ok:
        return status_reply(msg, cmd.code)
    if cmd.action == grammar.INFO and cmd.ok:
        return add_info(msg, cmd.code, cmd.body)
    if cmd.action == grammar.RATE and cmd.ok:
        return rate(msg, cmd.code, cmd.rating)
    if cmd.action == grammar.HELP:
        reply(channel, recipient, grammar.help_text(names[0] if names else None))
        return Handled(Outcome.REPLIED)
    reply(channel, recipient, grammar.reply_malformed(cmd))
    return Handled(Outcome.REJECTED, None, cmd.error_code or "unrecognised", cmd.error or "")
