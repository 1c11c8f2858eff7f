"""Our own documented JSON webhook for HTTP SMS gateways."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, StrictStr

from aduan.lib.gateways.common import (
    SMS,
    InboundMessage,
    Payload,
    TextOrInt,
    after,
    check_datetime,
    check_phone,
    json_safe,
    require_mapping,
    validate,
)


class GenericSms(Payload):
    """``{"id", "from", "text", "received_at"}``, optional ``name`` and ``to``."""

    keep_blank = frozenset({"text"})

    id: TextOrInt
    sender: Annotated[StrictStr, after(check_phone)] = Field(alias="from")
    text: StrictStr
    # The sender knows its zone; a naive time is rejected rather than guessed.
    received_at: Annotated[StrictStr, after(check_datetime, None)]
    name: StrictStr | None = None
    to: Any = None


def parse_generic_sms(json_obj, gateway: str = "generic") -> InboundMessage:
    """Our own documented webhook: ``{"id", "from", "text", "received_at"}``.

    ``received_at`` is ISO 8601 with a UTC offset (a naive time is rejected:
    the sender knows its zone, we would only guess). ``name`` is optional.
    Verify the body with ``verify_hmac_sha256`` before parsing.
    """
    require_mapping(json_obj, "body")
    sms = validate(GenericSms, json_obj)
    received_at: datetime = sms.received_at
    return InboundMessage(
        channel=SMS,
        gateway=gateway,
        gateway_message_id=str(sms.id),
        sender=sms.sender,
        sender_name=sms.name or "",
        text=sms.text,
        received_at=received_at,
        raw=json_safe(json_obj),
        recipient=str(sms.to or ""),
    )
