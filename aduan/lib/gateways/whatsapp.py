"""WhatsApp Cloud API (Meta): webhook verification, signatures and message bodies."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field, StrictStr, ValidationInfo, field_validator

from aduan.lib.gateways.common import (
    WHATSAPP,
    Coordinates,
    InboundMessage,
    Loose,
    Payload,
    Problem,
    TextOrInt,
    after,
    check_epoch,
    check_phone,
    form_value,
    json_safe,
    lenient,
    require_mapping,
    validate,
    verify_hmac_sha256,
    when_sibling,
)


def verify_whatsapp_signature(app_secret: bytes | str, body: bytes, header: str | None) -> bool:
    """Check ``X-Hub-Signature-256``; Meta always sends the ``sha256=`` prefix."""
    if not isinstance(header, str) or not header.strip().lower().startswith("sha256="):
        return False
    return verify_hmac_sha256(app_secret, body, header)


def whatsapp_challenge(query: Mapping, verify_token: str) -> str | None:
    """The ``hub.challenge`` to echo for a valid subscription check, else None (answer 403)."""
    if not verify_token or not isinstance(query, Mapping):
        return None
    mode, token, challenge = (
        form_value(query, k) for k in ("hub.mode", "hub.verify_token", "hub.challenge")
    )
    if mode != "subscribe" or not isinstance(token, str) or not isinstance(challenge, str):
        return None
    if not hmac.compare_digest(token.encode(), verify_token.encode()):
        return None
    return challenge


_WA_MEDIA = ("image", "video", "audio", "voice", "document", "sticker")


def _wa_id_checked(value: str, info: ValidationInfo, key: str, at: str) -> str:
    # The number is read after the message's id, as it always was, so a payload with
    # several faults names the same first fault as before.
    if isinstance(info.data.get(key), str):
        try:
            check_phone(info.data[key], True)
        except Problem as problem:
            raise Problem(problem.code, problem.template, at=at).for_pydantic() from None
    return value


class WaText(Payload):
    keep_blank = frozenset({"body"})

    body: StrictStr


class WaMedia(Payload):
    id: Loose = ""
    mime_type: Loose = ""
    # A photo's caption is the citizen's words about it; dropping it would lose the complaint.
    caption: Annotated[StrictStr, lenient("")] = ""


class WaButton(Payload):
    text: Loose = ""


class WaInteractive(Payload):
    button_reply: Any = None
    list_reply: Any = None

    @property
    def title(self) -> str:
        reply = self.button_reply or self.list_reply
        return str(reply.get("title") or "") if isinstance(reply, Mapping) else ""


Lenient = lenient(None)


class WaMessage(Payload):
    """One item of ``value.messages``; the content object is read for its ``type`` only."""

    sender: StrictStr = Field(alias="from")
    type: StrictStr
    text: Annotated[WaText | None, when_sibling("type", "text")] = Field(
        None, validate_default=True
    )
    location: Annotated[Coordinates | None, when_sibling("type", "location")] = Field(
        None, validate_default=True
    )
    image: Annotated[WaMedia | None, Lenient] = None
    video: Annotated[WaMedia | None, Lenient] = None
    audio: Annotated[WaMedia | None, Lenient] = None
    voice: Annotated[WaMedia | None, Lenient] = None
    document: Annotated[WaMedia | None, Lenient] = None
    sticker: Annotated[WaMedia | None, Lenient] = None
    button: Annotated[WaButton | None, Lenient] = None
    interactive: Annotated[WaInteractive | None, Lenient] = None
    id: StrictStr
    timestamp: Annotated[TextOrInt, after(check_epoch)]

    @field_validator("id")
    @classmethod
    def _then_sender(cls, value: str, info: ValidationInfo) -> str:
        return _wa_id_checked(value, info, "sender", "from")

    @property
    def phone(self) -> str:
        return check_phone(self.sender, True)

    def inbound(self, raw: Mapping, names: dict[str, str], recipient: str) -> InboundMessage:
        text, media, lat, lon = "", [], None, None
        if self.type == "text":
            text = self.text.body
        elif self.type == "location":
            lat, lon = self.location.latitude, self.location.longitude
        elif self.type in _WA_MEDIA and getattr(self, self.type) is not None:
            item = getattr(self, self.type)
            media.append({"kind": self.type, "id": item.id, "mime_type": item.mime_type})
            text = item.caption
        elif self.type == "button" and self.button is not None:
            text = self.button.text
        elif self.type == "interactive" and self.interactive is not None:
            text = self.interactive.title
        return InboundMessage(
            channel=WHATSAPP,
            gateway="whatsapp_cloud",
            gateway_message_id=self.id,
            sender=self.phone,
            sender_name=names.get(self.sender, ""),
            text=text,
            received_at=self.timestamp,
            latitude=lat,
            longitude=lon,
            media=media,
            raw=json_safe(raw),
            message_type=self.type,
            recipient=recipient,
        )


class WaStatus(Payload):
    """One item of ``value.statuses``: what happened to a message we sent."""

    recipient_id: StrictStr | None = None
    id: StrictStr
    status: StrictStr
    timestamp: Annotated[TextOrInt, after(check_epoch)]
    errors: Any = None

    @field_validator("status")
    @classmethod
    def _then_recipient(cls, value: str, info: ValidationInfo) -> str:
        return _wa_id_checked(value, info, "recipient_id", "recipient_id")

    def as_dict(self, raw: Mapping) -> dict:
        return {
            "id": self.id,
            "status": self.status,
            "recipient": check_phone(self.recipient_id, True) if self.recipient_id else None,
            "timestamp": self.timestamp,
            "errors": json_safe(self.errors) if isinstance(self.errors, list) else [],
            "raw": json_safe(raw),
        }


class WaProfile(Payload):
    name: Loose = ""


class WaContact(Payload):
    profile: Annotated[WaProfile | None, Lenient] = None
    wa_id: Annotated[StrictStr | None, Lenient] = None


class WaMetadata(Payload):
    display_phone_number: Any = None
    phone_number_id: Any = None


class WaValue(Payload):
    metadata: Annotated[WaMetadata | None, Lenient] = None
    contacts: list[WaContact] | None = None
    messages: list[WaMessage] | None = None
    statuses: list[WaStatus] | None = None


class WaChange(Payload):
    field: Any = None
    # Other fields (account_update, templates, ...) carry other shapes; only messages are read.
    value: Annotated[WaValue | None, when_sibling("field", "messages")] = Field(
        None, validate_default=True
    )


class WaEntry(Payload):
    changes: list[WaChange]


def _business_account(value: str) -> str:
    if value != "whatsapp_business_account":
        raise Problem("invalid_value", "object must be whatsapp_business_account")
    return value


class WaBody(Payload):
    """A Cloud API webhook body (``object``, ``entry[].changes[].value``)."""

    object: Annotated[StrictStr, after(_business_account)]
    entry: list[WaEntry]


def parse_whatsapp(json_obj) -> tuple[list[InboundMessage], list[dict]]:
    """Messages and delivery statuses of one Cloud API webhook body.

    Text, location, media (caption as text, media ids in ``media``), button and
    interactive replies are read; any other type comes back with text "" and
    its ``message_type`` so nothing is silently dropped. Statuses are dicts
    with ``id``, ``status``, ``recipient`` (E.164), ``timestamp``, ``errors``.
    """
    require_mapping(json_obj, "body")
    body = validate(WaBody, json_obj)
    messages, statuses = [], []
    for e, entry in enumerate(body.entry):
        for c, change in enumerate(entry.changes):
            value = change.value
            if value is None:
                continue
            raw = json_obj["entry"][e]["changes"][c]["value"]
            metadata = value.metadata or WaMetadata()
            recipient = str(metadata.display_phone_number or metadata.phone_number_id or "")
            names = {
                contact.wa_id: contact.profile.name
                for contact in value.contacts or []
                if contact.wa_id is not None and contact.profile is not None
            }
            for m, msg in enumerate(value.messages or []):
                messages.append(msg.inbound(raw["messages"][m], names, recipient))
            for s, status in enumerate(value.statuses or []):
                statuses.append(status.as_dict(raw["statuses"][s]))
    return messages, statuses
