"""Photos and location pins citizens send on WhatsApp and Telegram: the webhook's half.

:func:`handle_chat_message` runs the chat dialogue (``conversation.handle_chat``) inside
the webhook's transaction and writes one :class:`ChatMedia` row per file the message
carries: nothing is downloaded here (``channels.media_fetch`` does that in the worker).
A row knows its complaint when the message belongs to one (it filed or added to it, or
it follows, without a caption and within ``ADUAN_CHAT_MEDIA_WINDOW`` minutes, a message
that did); otherwise it waits for the complaint the chat's draft files, and is dropped
with the draft. A location pin without text that follows a filed complaint without a
pin sets the complaint's position (and its kelurahan when a boundary holds the point);
a complaint filed with a pin but no kelurahan gets the one holding the pin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from aduan.core import lifecycle
from aduan.core.intake import LATITUDE_RANGE, LONGITUDE_RANGE
from aduan.core.models import Channel, Complaint
from aduan.geo.locate import locate
from aduan.lib.gateways import InboundMessage

from . import conf
from .conversation import DRAFT_LIFETIME, IDLE, chat_handle, handle_chat
from .intake import Handled, Outcome, reply
from .models import ChatMedia, Conversation, InboundMessageLog

# Outcomes of a message that acted on a complaint: its photo belongs to that complaint.
ATTACHING = frozenset({Outcome.CREATED, Outcome.INFO_ADDED, Outcome.NOTE_ADDED, Outcome.DISPUTED})
# Kinds kept as possible evidence; stickers, voice notes and audio are not.
_KEPT_KINDS = {"image", "photo", "document", "video"}
# One reply for an album: photos arriving this close together are one sending.
_BURST = timedelta(seconds=60)
CHANNEL_LABEL = {Channel.WHATSAPP: "WhatsApp", Channel.TELEGRAM: "Telegram"}


@dataclass(frozen=True)
class Item:
    kind: str
    file_id: str
    mime_type: str
    size: int | None

    @property
    def maybe_photo(self) -> bool:
        return self.kind in ("image", "photo") or self.mime_type.startswith("image/")


def declared_size(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value > 0:
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _telegram_size(msg: InboundMessage, media: dict) -> int | None:
    """Telegram gives ``file_size`` beside each file in the update (optional)."""
    update = msg.raw if isinstance(msg.raw, dict) else {}
    message = update.get("message") or update.get("edited_message") or {}
    if not isinstance(message, dict):
        return None
    if media.get("kind") == "photo":
        sizes = message.get("photo") if isinstance(message.get("photo"), list) else []
        for size in sizes:
            if isinstance(size, dict) and size.get("file_id") == media.get("file_id"):
                return declared_size(size.get("file_size"))
        return None
    item = message.get(media.get("kind"))
    return declared_size(item.get("file_size")) if isinstance(item, dict) else None


def media_items(msg: InboundMessage) -> list[Item]:
    """The files of one parsed WhatsApp or Telegram message worth keeping."""
    items = []
    for media in msg.media or []:
        kind = str(media.get("kind") or "")
        file_id = str(media.get("id") or media.get("file_id") or "")
        if kind not in _KEPT_KINDS or not file_id:
            continue
        mime = str(media.get("mime_type") or "").split(";")[0].strip().lower()
        size = None
        if msg.channel == Channel.TELEGRAM:
            # Telegram stores every photo it delivers as JPEG.
            mime = mime or ("image/jpeg" if kind == "photo" else "")
            size = _telegram_size(msg, media)
        items.append(Item(kind, file_id, mime, size))
    return items


# -- the webhook side ------------------------------------------------------------------


def _lock_conversation(msg: InboundMessage) -> Conversation:
    """The chat's row, locked for the whole message (the dialogue locks it again)."""
    handle = chat_handle(msg)
    try:
        with transaction.atomic():
            conv, _created = Conversation.objects.select_for_update().get_or_create(
                channel=msg.channel, handle=handle
            )
    except IntegrityError:  # two first messages at once; the other created the row
        conv = Conversation.objects.select_for_update().get(channel=msg.channel, handle=handle)
    return conv


def _window() -> timedelta:
    return timedelta(minutes=conf.get_int("ADUAN_CHAT_MEDIA_WINDOW"))


def recent_complaint(msg: InboundMessage, entry: InboundMessageLog, now) -> Complaint | None:
    """The complaint this sender's last message filed or added to, within the window."""
    earlier = (
        InboundMessageLog.objects.filter(
            channel=msg.channel,
            sender=entry.sender,
            complaint__isnull=False,
            outcome__in=ATTACHING,
            created_at__gte=now - _window(),
        )
        .exclude(pk=entry.pk)
        .select_related("complaint")
        .order_by("-created_at", "-id")
        .first()
    )
    return earlier.complaint if earlier else None


def _keep(msg, entry, items: list[Item], complaint: Complaint | None) -> None:
    handle = chat_handle(msg)
    for position, item in enumerate(items):
        ChatMedia.objects.create(
            inbound=entry,
            position=position,
            channel=msg.channel,
            handle=handle,
            kind=item.kind[:20],
            file_id=item.file_id[:300],
            mime_type=item.mime_type[:100],
            declared_size=item.size,
            complaint=complaint,
            state=ChatMedia.State.PENDING if complaint else ChatMedia.State.WAITING,
        )


def _waiting(msg: InboundMessage, now):
    return ChatMedia.objects.filter(
        channel=msg.channel,
        handle=chat_handle(msg),
        state=ChatMedia.State.WAITING,
        complaint__isnull=True,
        created_at__gte=now - DRAFT_LIFETIME,
    )


def city_text(message: str, **params) -> str:
    """``message`` (marked with ``gettext_noop`` where it is written) in the city's
    language: a note kept in the record does not depend on whose request wrote it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(message) % params if params else _(message)


def _in_indonesia(lat: float, lon: float) -> bool:
    return float(LATITUDE_RANGE[0]) <= lat <= float(LATITUDE_RANGE[1]) and float(
        LONGITUDE_RANGE[0]
    ) <= lon <= float(LONGITUDE_RANGE[1])


def _kelurahan_at(lat, lon):
    try:
        return locate(lat, lon).kelurahan
    except (TypeError, ValueError):
        return None


def _locate_filed(complaint: Complaint) -> None:
    """A complaint filed with a pin but without a kelurahan gets the one holding the pin."""
    if complaint.latitude is None or complaint.kelurahan_id is not None:
        return
    kelurahan = _kelurahan_at(complaint.latitude, complaint.longitude)
    if kelurahan is not None:
        lifecycle.correct(
            complaint,
            None,
            kelurahan=kelurahan,
            reason=city_text(
                gettext_noop("Kelurahan ditentukan dari titik lokasi yang dikirim pelapor.")
            ),
        )


def _place_pin(msg: InboundMessage, complaint: Complaint) -> Handled | None:
    lat, lon = round(msg.latitude, 6), round(msg.longitude, 6)
    if not _in_indonesia(lat, lon):
        return None
    kelurahan = None if complaint.kelurahan_id else _kelurahan_at(lat, lon)
    try:
        lifecycle.correct(
            complaint,
            None,
            latitude=lat,
            longitude=lon,
            kelurahan=kelurahan,
            reason=city_text(
                gettext_noop("Titik lokasi dikirim pelapor lewat %(channel)s."),
                channel=CHANNEL_LABEL.get(msg.channel, msg.channel),
            ),
        )
    except lifecycle.TransitionError:
        return None
    reply(
        msg.channel,
        chat_handle(msg),
        _("Titik lokasi dicatat pada aduan %(code)s. Terima kasih.") % {"code": complaint.code},
        complaint=complaint,
    )
    return Handled(Outcome.NOTE_ADDED, complaint)


def _bare_files(msg, entry, conv, drafting: bool, items: list[Item], now) -> Handled:
    """Files without a caption: the draft's, the recent complaint's, or a later draft's."""
    complaint = None if drafting else recent_complaint(msg, entry, now)
    handle = chat_handle(msg)
    # Captioned files were answered by the dialogue; only bare ones count for the burst.
    first_of_burst = not ChatMedia.objects.filter(
        channel=msg.channel, handle=handle, created_at__gte=now - _BURST, inbound__text=""
    ).exists()
    _keep(msg, entry, items, complaint)
    conv.last_inbound_at = now
    if drafting:
        conv.updated_at = now  # the draft is alive
    conv.save(update_fields=["last_inbound_at", "updated_at"])
    if not any(item.maybe_photo for item in items):
        body = _("Maaf, kami hanya dapat menerima foto, teks dan lokasi.")
    elif complaint is not None:
        body = _("Foto diterima dan akan dilampirkan pada aduan %(code)s.") % {
            "code": complaint.code
        }
    elif drafting:
        body = _("Foto diterima; foto akan dilampirkan pada aduan Anda setelah dikirim.")
    else:
        body = _(
            "Foto diterima. Ketik ADUAN untuk menyampaikan aduan; foto ini akan ikut dilampirkan."
        )
    if first_of_burst:
        reply(msg.channel, handle, body, complaint=complaint)
    if complaint is not None:
        return Handled(Outcome.NOTE_ADDED, complaint)
    return Handled(Outcome.CONVERSATION)


def handle_chat_message(msg: InboundMessage, entry: InboundMessageLog) -> Handled:
    """The chat handler for WhatsApp and Telegram, with their photos and pins.

    Runs inside :func:`aduan.channels.intake.receive`'s transaction; queues downloads
    (rows) and replies (outbox rows), never fetches anything itself.
    """
    now = timezone.now()
    conv = _lock_conversation(msg)
    drafting = conv.state != IDLE and now - conv.updated_at <= DRAFT_LIFETIME
    items = [] if msg.is_edit else media_items(msg)
    text = (msg.text or "").strip()
    if items and not text:
        return _bare_files(msg, entry, conv, drafting, items, now)
    if msg.latitude is not None and not text and not drafting and not msg.is_edit:
        complaint = recent_complaint(msg, entry, now)
        if complaint is not None and complaint.latitude is None:
            placed = _place_pin(msg, complaint)
            if placed is not None:
                Conversation.objects.filter(pk=conv.pk).update(last_inbound_at=now)
                return placed
    handled = handle_chat(msg, entry)
    state = Conversation.objects.filter(pk=conv.pk).values_list("state", flat=True).first()
    if handled.outcome == Outcome.CREATED and handled.complaint is not None:
        _waiting(msg, now).update(
            complaint=handled.complaint, state=ChatMedia.State.PENDING, next_attempt_at=now
        )
        _locate_filed(handled.complaint)
    elif drafting and state == IDLE:
        # The draft was cancelled: its photos go with it.
        _waiting(msg, now).update(state=ChatMedia.State.DISCARDED, finished_at=now)
    if items:
        complaint = handled.complaint if handled.outcome in ATTACHING else None
        if complaint is None and state == IDLE:
            complaint = recent_complaint(msg, entry, now)
        _keep(msg, entry, items, complaint)
    return handled
