"""Telegram Bot API: the webhook secret and ``Update`` objects."""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, Strict, StrictInt, StrictStr, ValidationInfo, field_validator

from aduan.lib.gateways.common import (
    TELEGRAM,
    Coordinates,
    InboundMessage,
    Loose,
    Payload,
    Problem,
    check_epoch,
    json_safe,
    lenient,
    require_mapping,
    says,
    validate,
)


def verify_telegram_secret(expected: str, header: str | None) -> bool:
    """Check ``X-Telegram-Bot-Api-Secret-Token`` against the secret given to setWebhook."""
    if not expected or not isinstance(expected, str) or not isinstance(header, str):
        return False
    return hmac.compare_digest(expected.encode(), header.encode("utf-8", "replace"))


_TG_MEDIA = ("document", "video", "voice", "audio", "sticker")
Lenient = lenient(None)


class TgUpdate(Payload):
    update_id: StrictInt


class TgChat(Payload):
    id: StrictInt
    type: Any = None


class TgUser(Payload):
    is_bot: Any = None
    first_name: Loose = ""
    last_name: Loose = ""
    username: Loose = ""

    @property
    def name(self) -> str:
        return " ".join((self.first_name, self.last_name)).strip() or self.username


class TgConversation(Payload):
    """Who wrote where: read first, so group chats and bots are ignored whatever they hold."""

    chat: Annotated[TgChat, says("{path} has the wrong type")]
    sender: Annotated[TgUser | None, Lenient] = Field(None, alias="from")

    @property
    def from_citizen(self) -> bool:
        # A complaint posted in a group would be answered in front of strangers.
        is_bot = self.sender is not None and self.sender.is_bot is True
        return self.chat.type == "private" and not is_bot


class TgPhotoSize(Payload):
    keep_blank = frozenset({"file_id"})

    file_id: StrictStr
    file_unique_id: Loose = ""
    width: Annotated[StrictInt, lenient(0)] = 0
    height: Annotated[StrictInt, lenient(0)] = 0


class TgFile(Payload):
    keep_blank = frozenset({"file_id"})

    file_id: StrictStr
    mime_type: Loose = ""


TgPhotos = Annotated[list[Annotated[TgPhotoSize | None, Lenient]], Strict(), lenient([])]


class TgMessage(Payload):
    """The content of a ``message`` or ``edited_message`` from a private chat."""

    keep_blank = frozenset({"text", "caption", "location"})

    edit_date: Any = None
    # Read as whole Unix seconds, kept as the aware time they name.
    date: StrictInt = Field(None, validate_default=True)
    text: Annotated[StrictStr | None, says("text must be a string")] = None
    caption: Any = None
    location: Coordinates | None = None
    photo: TgPhotos = []
    document: Annotated[TgFile | None, Lenient] = None
    video: Annotated[TgFile | None, Lenient] = None
    voice: Annotated[TgFile | None, Lenient] = None
    audio: Annotated[TgFile | None, Lenient] = None
    sticker: Annotated[TgFile | None, Lenient] = None

    @field_validator("date", mode="wrap")
    @classmethod
    def _when(cls, value, handler, info: ValidationInfo) -> datetime:
        edit_date = info.data.get("edit_date")
        # An edit is dated when it was made; its errors still name "date", as they always have.
        if not ((info.context or {}).get("edited") and edit_date):
            if value is None:
                raise Problem("missing_field", "{path} is required").for_pydantic()
            edit_date = handler(value)
        try:
            return check_epoch(edit_date)
        except Problem as problem:
            raise problem.for_pydantic() from None

    @field_validator("caption", mode="plain")
    @classmethod
    def _words(cls, value, info: ValidationInfo):
        # The caption stands in for the text (photos), and a bad one is a bad text.
        if "text" not in info.data or info.data["text"] is not None:
            return None
        if value is not None and not isinstance(value, str):
            raise Problem("invalid_type", "text must be a string", at="text").for_pydantic()
        return value

    @property
    def words(self) -> str | None:
        return self.text if self.text is not None else self.caption

    def media(self) -> tuple[list[dict], str | None]:
        media, kind = [], None
        sizes = [size for size in self.photo if size is not None]
        if sizes:
            best = max(sizes, key=lambda size: size.width * size.height)
            media.append(
                {
                    "kind": "photo",
                    "file_id": best.file_id,
                    "file_unique_id": best.file_unique_id,
                }
            )
            kind = "photo"
        for name in _TG_MEDIA:
            item = getattr(self, name)
            if item is not None:
                media.append({"kind": name, "file_id": item.file_id, "mime_type": item.mime_type})
                kind = name
        return media, kind


def parse_telegram(update) -> InboundMessage | None:
    """A citizen's message from a Telegram ``Update``, or None for anything else.

    Only private chats count (a complaint posted in a group would be answered
    in front of strangers); bots, channel posts and other update kinds are None.
    ``gateway_message_id`` is ``str(update_id)``, which Telegram repeats on
    redelivery. The largest photo size is kept; the caption is the text.
    """
    require_mapping(update, "update")
    update_id = validate(TgUpdate, update).update_id
    key = next((k for k in ("message", "edited_message") if update.get(k) is not None), None)
    if key is None:
        return None
    conversation = validate(TgConversation, update[key], key)
    if not conversation.from_citizen:
        return None
    msg = validate(TgMessage, update[key], key, {"edited": key == "edited_message"})

    text = msg.words
    lat = lon = None
    kind = "text" if text else "other"
    if msg.location is not None:
        lat, lon = msg.location.latitude, msg.location.longitude
        kind = "location"
    media, media_kind = msg.media()
    sender = conversation.sender or TgUser()
    return InboundMessage(
        channel=TELEGRAM,
        gateway="telegram",
        gateway_message_id=str(update_id),
        sender=str(conversation.chat.id),
        sender_name=sender.name,
        text=text or "",
        received_at=msg.date,
        latitude=lat,
        longitude=lon,
        media=media,
        raw=json_safe(update),
        message_type=media_kind or kind,
        is_edit=key == "edited_message",
    )
