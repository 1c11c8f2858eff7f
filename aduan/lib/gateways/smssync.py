"""SMSSync-style Android gateways: inbound form posts and the outgoing ``task`` protocol."""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from typing import Annotated, Any, NamedTuple

from pydantic import (
    BeforeValidator,
    Field,
    PlainValidator,
    StrictStr,
    ValidationInfo,
    field_validator,
)

from aduan.lib.gateways.common import (
    SMS,
    InboundMessage,
    Payload,
    PayloadError,
    Phone,
    Problem,
    check_datetime,
    check_epoch,
    digest,
    form_value,
    json_safe,
    require_mapping,
    says,
    validate,
)
from aduan.lib.smsgrammar import WIB

_DATE_FORMATS = ("%m-%d-%y %H:%M", "%d-%m-%Y %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S")


def _message_id(value):
    # Unlike other ids, old builds' numeric ids came through as they were; keep that.
    if not isinstance(value, (str, int)):
        raise Problem("invalid_type", "message_id must be text").for_pydantic()
    return value


class SmsSyncMessage(Payload):
    """One inbound SMS as SMSSync posts it (see CHANNELS.md)."""

    keep_blank = frozenset({"message"})

    sender: Phone = Field(alias="from")
    message: Annotated[StrictStr, says("message must be text")]
    sent_timestamp: datetime | None = Field(None, validate_default=True)
    message_id: Annotated[str | int | None, PlainValidator(_message_id)] = None
    sent_to: Any = None

    @field_validator("sender", mode="before")
    @classmethod
    def _falsy_is_missing(cls, value):
        # Old builds post "from=0" or an empty list for withheld numbers: nobody to answer.
        if not value:
            raise Problem("missing_field", "{path} is required").for_pydantic()
        return value

    @field_validator("sent_timestamp", mode="plain")
    @classmethod
    def _sent_at(cls, value, info: ValidationInfo) -> datetime:
        context = info.context or {}
        try:
            if value is None:
                return (context.get("now") or datetime.now(UTC)).astimezone(UTC)
            if isinstance(value, (int, float)) or str(value).strip().replace(".", "", 1).isdigit():
                return check_epoch(value)
            # Phones keep local time and old builds send it without a zone.
            return check_datetime(value, context.get("local_tz"), _DATE_FORMATS)
        except Problem as problem:
            raise problem.for_pydantic() from None


def parse_smssync(
    form: Mapping,
    expected_secret: str | None = None,
    local_tz: tzinfo = WIB,
    now: datetime | None = None,
) -> InboundMessage:
    """One SMS posted by an SMSSync-style app (form fields, see CHANNELS.md).

    With ``expected_secret`` the ``secret`` field must match (``invalid_secret``).
    ``sent_timestamp`` may be Unix seconds or milliseconds or a date string read
    in ``local_tz`` (phones keep local time); absent, it is ``now``. Without a
    ``message_id`` (old versions) the id is a digest of sender, time and text.
    """
    require_mapping(form, "form")
    fields = {k: form_value(form, k) for k in form}
    if expected_secret is not None:
        secret = fields.get("secret")
        if (
            not isinstance(secret, str)
            or not expected_secret
            or not hmac.compare_digest(secret.encode(), expected_secret.encode())
        ):
            raise PayloadError("secret", "invalid_secret", "secret does not match")
    sms = validate(SmsSyncMessage, fields, context={"local_tz": local_tz, "now": now})
    stamp = fields.get("sent_timestamp")
    return InboundMessage(
        channel=SMS,
        gateway="smssync",
        gateway_message_id=str(sms.message_id)
        if sms.message_id
        else digest(sms.sender, str(stamp), sms.message),
        sender=sms.sender,
        text=sms.message,
        received_at=sms.sent_timestamp,
        raw={k: json_safe(v) for k, v in fields.items() if k != "secret"},
        recipient=str(sms.sent_to or ""),
    )


def smssync_response(success: bool, error: str | None = None) -> dict:
    """The JSON body SMSSync expects; on ``False`` it retries the message later."""
    return {"payload": {"success": bool(success), "error": None if success else (error or "")}}


# SMSSync's outgoing tasks (its "task" protocol): the phone polls ``GET ?task=send``
# for messages, acknowledges with ``POST ?task=sent`` the ones it queued, asks with
# ``GET ?task=result`` which ones we want reports of, and posts those with
# ``POST ?task=result``. Result codes are Android's: ``sent_result_code`` 0 is sent,
# ``delivered_result_code`` 0 delivered, -1 not yet known, anything else a failure.


class SmsSyncResult(NamedTuple):
    uuid: str
    status: str  # "sent", "delivered" or "failed"
    detail: str


def smssync_send_payload(secret: str, messages: list[dict]) -> dict:
    """``GET ?task=send`` answer: SMSSync sends only when ``secret`` matches its own."""
    return {"payload": {"task": "send", "secret": secret, "messages": messages}}


def _json_list(message: str):
    def run(value):
        if isinstance(value, str):
            # Form posts carry the list JSON-encoded in one field.
            try:
                return json.loads(value)
            except ValueError:
                raise Problem("invalid_payload", message).for_pydantic() from None
        return value

    return BeforeValidator(run)


def _uuid(value) -> str:
    if not isinstance(value, (str, int)) or isinstance(value, bool) or not str(value).strip():
        raise Problem("invalid_type", "a message uuid must be text").for_pydantic()
    return str(value).strip()[:64]


class SmsSyncSent(Payload):
    """``POST ?task=sent``: the uuids of the messages the phone queued."""

    keep_blank = frozenset({"queued_messages"})

    queued_messages: Annotated[
        list[Annotated[str, PlainValidator(_uuid)]],
        says("{path} must be a list"),
        _json_list("{path} is not a JSON list"),
    ]


def parse_smssync_sent(obj: Mapping) -> list[str]:
    """The uuids of ``POST ?task=sent``: messages the phone queued for sending."""
    require_mapping(obj, "body")
    return list(validate(SmsSyncSent, obj).queued_messages)


def _result_code(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Problem("invalid_type", "{name} must be a number").for_pydantic() from None


ResultCode = Annotated[int | None, PlainValidator(_result_code)]


class SmsSyncReport(Payload):
    """One item of ``message_result``: Android's result codes for one message."""

    keep_blank = frozenset({"uuid"})

    uuid: str = Field(None, validate_default=True)
    sent_result_code: ResultCode = None
    delivered_result_code: ResultCode = None
    sent_result_message: Any = None
    delivered_result_message: Any = None

    @field_validator("uuid", mode="plain")
    @classmethod
    def _required_uuid(cls, value) -> str:
        if not isinstance(value, (str, int)) or not str(value).strip():
            raise Problem("missing_field", "uuid is required").for_pydantic()
        return str(value).strip()[:64]

    @property
    def result(self) -> SmsSyncResult:
        sent, delivered = self.sent_result_code, self.delivered_result_code
        sent_text = str(self.sent_result_message or "")
        delivered_text = str(self.delivered_result_message or "")
        if sent not in (None, 0):
            status, detail = "failed", f"{sent}: {sent_text}".strip()
        elif delivered == 0:
            status, detail = "delivered", delivered_text
        elif delivered not in (None, -1):
            status, detail = "failed", f"{delivered}: {delivered_text}".strip()
        else:
            status, detail = "sent", sent_text
        return SmsSyncResult(self.uuid, status, detail[:500])


class SmsSyncResults(Payload):
    """``POST ?task=result``: delivery reports, as a list or a JSON-encoded form field."""

    keep_blank = frozenset({"message_result"})

    message_result: Annotated[
        list[SmsSyncReport], says("message_result must be a list"), _json_list("not JSON")
    ]


def parse_smssync_results(obj: Mapping) -> list[SmsSyncResult]:
    """The reports of ``POST ?task=result``, each read as sent, delivered or failed."""
    require_mapping(obj, "body")
    return [report.result for report in validate(SmsSyncResults, obj).message_result]
