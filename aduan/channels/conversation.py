"""A short chat dialogue on WhatsApp and Telegram: file a complaint or check one.

Filing asks for the kelurahan, then the complaint text, then an optional
location (a shared location pin or a typed address), shows a summary and
files on "YA". A citizen who types a whole command at once (``ADUAN
Kauman#...``, ``CEK ADU-2611-0042``) skips the questions. The state is one
``Conversation`` row per (channel, chat), locked while a message is handled,
so two messages arriving together cannot both file the draft.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.core.city import site_name
from aduan.core.models import Kelurahan
from aduan.core.notify import tracking_url
from aduan.lib import smsgrammar as grammar
from aduan.lib.gateways import InboundMessage

from . import sms
from .intake import (
    Handled,
    Outcome,
    file_from_message,
    kelurahan_named,
    kelurahan_names,
    reply,
    reply_on_creation,
)
from .models import Conversation, InboundMessageLog

IDLE, ASK_KELURAHAN, ASK_TEXT, ASK_LOCATION, CONFIRM = (
    "idle",
    "ask_kelurahan",
    "ask_text",
    "ask_location",
    "confirm",
)
# A draft left alone this long is forgotten: the citizen has moved on.
DRAFT_LIFETIME = timedelta(hours=24)
MIN_TEXT_LETTERS = 10

_CANCEL = {"BATAL", "CANCEL", "STOP", "/BATAL", "/CANCEL"}
_SKIP = {"LEWATI", "LEWAT", "SKIP", "TIDAK", "TIDAK ADA", "-"}
_YES = {"YA", "Y", "YES", "IYA", "KIRIM", "OK", "OKE"}
_START = {"ADUAN", "LAPOR", "/ADUAN", "/LAPOR"}
_MENU = {"/START", "/HELP", "MENU", "HALO", "HAI", "HI", "HELLO", "PAGI", "SIANG", "SORE", "MALAM"}


def menu_text() -> str:
    return _(
        "Selamat datang di layanan aduan %(site)s.\n"
        "• Ketik ADUAN untuk menyampaikan aduan.\n"
        "• Ketik CEK <kode> untuk melihat status aduan, misalnya CEK ADU-2611-0042.\n"
        "• Ketik BATAL kapan saja untuk membatalkan."
    ) % {"site": site_name()}


def _ask_kelurahan() -> str:
    names = kelurahan_names()
    example = names[0] if names else "Kauman"
    return _(
        "Di kelurahan mana lokasi masalahnya? Ketik nama kelurahan, misalnya %(example)s. "
        "Ketik LEWATI bila tidak tahu."
    ) % {"example": example}


def _ask_text() -> str:
    return _("Ceritakan masalahnya: apa yang terjadi, di mana tepatnya, dan sejak kapan.")


def _ask_location() -> str:
    return _(
        "Bila bisa, kirim lokasi (lampiran › Lokasi) atau ketik alamat/patokan. "
        "Ketik LEWATI untuk melanjutkan tanpa lokasi."
    )


def _summary(data: dict) -> str:
    if data.get("latitude") is not None:
        where = _("titik %(lat).5f, %(lon).5f") % {
            "lat": data["latitude"],
            "lon": data["longitude"],
        }
    else:
        where = data.get("address") or "-"
    return _(
        "Periksa aduan Anda:\nKelurahan: %(kel)s\nLokasi: %(where)s\nIsi: %(text)s\n\n"
        "Ketik YA untuk mengirim, atau BATAL untuk membatalkan."
    ) % {"kel": data.get("kelurahan_name") or "-", "where": where, "text": data.get("text", "")}


def chat_handle(msg: InboundMessage) -> str:
    return sms.reply_address(msg)[1]


def _conversation(msg: InboundMessage) -> Conversation:
    handle = chat_handle(msg)
    try:
        with transaction.atomic():
            conv, _created = Conversation.objects.select_for_update().get_or_create(
                channel=msg.channel, handle=handle
            )
    except IntegrityError:  # two first messages at once; the other created the row
        conv = Conversation.objects.select_for_update().get(channel=msg.channel, handle=handle)
    return conv


def handle_chat(msg: InboundMessage, entry: InboundMessageLog) -> Handled:
    """Act on one WhatsApp or Telegram message; replies go to the same chat via the outbox."""
    conv = _conversation(msg)
    now = timezone.now()
    if conv.state != IDLE and now - conv.updated_at > DRAFT_LIFETIME:
        conv.state, conv.data = IDLE, {}
    conv.last_inbound_at = now
    try:
        handled = _step(conv, msg)
    finally:
        conv.updated_at = now
        conv.save()
    return handled


def _say(conv: Conversation, msg: InboundMessage, body: str, complaint=None) -> None:
    reply(msg.channel, conv.handle, body, complaint=complaint)


def _step(conv: Conversation, msg: InboundMessage) -> Handled:
    text = (msg.text or "").strip()
    word = " ".join(text.upper().split())
    if msg.is_edit:
        return Handled(Outcome.IGNORED)
    if word in _CANCEL:
        had_draft = conv.state != IDLE
        conv.state, conv.data = IDLE, {}
        _say(
            conv,
            msg,
            _("Baik, aduan dibatalkan. Ketik ADUAN untuk memulai lagi.")
            if had_draft
            else menu_text(),
        )
        return Handled(Outcome.CONVERSATION)
    if not text and msg.latitude is None:
        _say(conv, msg, _("Maaf, kami hanya dapat membaca pesan teks dan lokasi."))
        return Handled(Outcome.REPLIED, None, "unsupported_type", msg.message_type)
    handler = {
        IDLE: _idle,
        ASK_KELURAHAN: _kelurahan,
        ASK_TEXT: _text,
        ASK_LOCATION: _location,
        CONFIRM: _confirm,
    }.get(conv.state, _idle)
    return handler(conv, msg, text, word)


def _next_question(conv: Conversation, msg: InboundMessage) -> Handled:
    """Ask for whatever the draft still lacks, in the dialogue's order."""
    data = conv.data
    if "kelurahan_name" not in data:
        conv.state = ASK_KELURAHAN
        _say(conv, msg, _ask_kelurahan())
    elif not data.get("text"):
        conv.state = ASK_TEXT
        _say(conv, msg, _ask_text())
    elif not data.get("location_done"):
        conv.state = ASK_LOCATION
        _say(conv, msg, _ask_location())
    else:
        conv.state = CONFIRM
        _say(conv, msg, _summary(data))
    return Handled(Outcome.CONVERSATION)


def _idle(conv, msg, text, word) -> Handled:
    if msg.latitude is not None and not text:
        _say(conv, msg, menu_text())
        return Handled(Outcome.REPLIED)
    if word in _MENU:
        _say(conv, msg, menu_text())
        return Handled(Outcome.REPLIED)
    if word in _START:
        conv.data = {}
        return _next_question(conv, msg)
    # Telegram commands arrive as "/cek ADU-..."; the grammar reads them without the slash.
    cmd = grammar.parse_sms(text.lstrip("/"), kelurahan_names())
    if cmd.action == grammar.STATUS and cmd.ok:
        return _status(conv, msg, cmd.code)
    if cmd.action == grammar.INFO and cmd.ok:
        return sms.add_info(msg, cmd.code, cmd.body)
    if cmd.action == grammar.DISPUTE and cmd.ok and cmd.code:
        return sms.dispute(msg, cmd.code, cmd.body)
    # As on SMS: a reply without a code ("BELUM ...", or plain words without a kelurahan)
    # goes to the one complaint waiting for the citizen's word (asked for information, or
    # just answered), not into a new draft.
    if cmd.action == grammar.DISPUTE and cmd.ok and cmd.code is None:
        handled = sms.answer_without_code(msg, cmd.text, reason=cmd.body)
        if handled is not None:
            return handled
    if cmd.action == grammar.FILE and cmd.ok and cmd.keyword_missing and cmd.kelurahan is None:
        handled = sms.answer_without_code(msg, cmd.body)
        if handled is not None:
            return handled
    if cmd.action == grammar.RATE and cmd.ok:
        return sms.rate(msg, cmd.code, cmd.rating)
    if cmd.action == grammar.FILE and (cmd.ok or cmd.error_code == "missing_body"):
        conv.data = {}
        if cmd.kelurahan:
            conv.data["kelurahan_name"] = cmd.kelurahan
        if cmd.ok and sum(ch.isalpha() for ch in cmd.body) >= MIN_TEXT_LETTERS:
            conv.data["text"] = cmd.body
        return _next_question(conv, msg)
    _say(conv, msg, menu_text())
    return Handled(Outcome.REPLIED, None, cmd.error_code or "", cmd.error or "")


def _status(conv, msg, code) -> Handled:
    handled = sms.status_reply(msg, code)
    if handled.complaint is not None:
        _say(
            conv,
            msg,
            _("Rincian: %(url)s") % {"url": tracking_url(handled.complaint, private=False)},
            complaint=handled.complaint,
        )
    return handled


def _kelurahan(conv, msg, text, word) -> Handled:
    if word in _SKIP:
        conv.data["kelurahan_name"] = ""
        return _next_question(conv, msg)
    found = grammar.match_kelurahan(text, kelurahan_names()) if text else None
    if not found:
        _say(
            conv,
            msg,
            _("Kelurahan “%(raw)s” tidak kami temukan. Periksa ejaannya, atau ketik LEWATI.")
            % {"raw": text[:60] or "-"},
        )
        return Handled(Outcome.CONVERSATION, None, "unknown_kelurahan", text[:200])
    conv.data["kelurahan_name"] = found
    return _next_question(conv, msg)


def _text(conv, msg, text, word) -> Handled:
    if sum(ch.isalpha() for ch in text) < MIN_TEXT_LETTERS:
        _say(
            conv,
            msg,
            _("Isi aduan terlalu pendek. Ceritakan masalahnya dalam satu atau dua kalimat."),
        )
        return Handled(Outcome.CONVERSATION, None, "too_short", "")
    conv.data["text"] = text[:5000]
    return _next_question(conv, msg)


def _location(conv, msg, text, word) -> Handled:
    if msg.latitude is not None:
        conv.data.update(latitude=msg.latitude, longitude=msg.longitude)
        loc = msg.raw.get("location") if isinstance(msg.raw, dict) else None
        if isinstance(loc, dict):
            parts = [str(loc.get(k) or "") for k in ("name", "address")]
            conv.data["address"] = ", ".join(p for p in parts if p)[:300]
    elif word not in _SKIP:
        conv.data["address"] = text[:300]
    conv.data["location_done"] = True
    return _next_question(conv, msg)


def _confirm(conv, msg, text, word) -> Handled:
    if word not in _YES:
        _say(conv, msg, _("Ketik YA untuk mengirim aduan, atau BATAL untuk membatalkan."))
        return Handled(Outcome.CONVERSATION)
    data = conv.data
    kelurahan: Kelurahan | None = kelurahan_named(data.get("kelurahan_name"))
    lat, lon = data.get("latitude"), data.get("longitude")
    complaint = file_from_message(
        msg,
        text=data["text"],
        kelurahan=kelurahan,
        address=data.get("address", ""),
        latitude=round(lat, 6) if lat is not None else None,
        longitude=round(lon, 6) if lon is not None else None,
        unparsed="" if kelurahan else _("Pelapor tidak menyebut kelurahan; tentukan lokasinya."),
    )
    conv.state, conv.data = IDLE, {}
    reply_on_creation(
        complaint,
        msg.channel,
        conv.handle,
        _(
            "Terima kasih, aduan Anda kami terima dengan kode %(code)s. Simpan kode ini; "
            "ketik CEK %(code)s untuk melihat statusnya. Pantau juga di %(url)s"
        )
        % {"code": complaint.code, "url": tracking_url(complaint)},
    )
    return Handled(Outcome.CREATED, complaint)
