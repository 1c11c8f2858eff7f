"""What every gateway module shares: the error, the message, field checks, the model base.

Field checks (``check_phone``, ``check_epoch``, ...) raise ``Problem`` without a
path; ``phone(value, path)`` turns that into a ``PayloadError`` for fields read
by hand (Gammu's numbered variables), and the annotated types (``Phone``,
``TextOrInt``, ``after(check)``, ...) turn it into a pydantic error that
``validate`` maps back to the same ``PayloadError``. One rule, one message,
whichever way a field is read.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    WrapValidator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from aduan.lib.phones import normalize_phone

SMS, WHATSAPP, TELEGRAM = "sms", "whatsapp", "telegram"

# Plausible clock range; a phone that lost its battery reports 1970 and a bug reports 2999.
_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC).timestamp()
_LATEST = datetime(2100, 1, 1, tzinfo=UTC).timestamp()


class PayloadError(ValueError):
    """Bad inbound payload; ``field`` is a dotted path such as ``entry[0].changes[0]``."""

    def __init__(self, field: str, code: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.code, self.message = field, code, message

    def as_dict(self) -> dict:
        return {"field": self.field, "code": self.code, "message": self.message}


@dataclass(kw_only=True)
class InboundMessage:
    """One citizen message, whatever carried it.

    ``sender`` is E.164 for phone channels and the chat id for Telegram.
    ``gateway_message_id`` is what redeliveries of the same message share.
    ``message_type`` names the gateway's type (text, location, image, ...).
    """

    channel: str
    gateway: str
    gateway_message_id: str
    sender: str
    sender_name: str = ""
    text: str = ""
    received_at: datetime
    latitude: float | None = None
    longitude: float | None = None
    media: list[dict] = field(default_factory=list)
    raw: dict = field(default_factory=dict)
    message_type: str = "text"
    recipient: str = ""
    is_edit: bool = False


class Problem(Exception):
    """A field check failed; ``template`` may name the field as ``{path}``."""

    def __init__(self, code: str, template: str, at: str | None = None):
        super().__init__(template)
        self.code, self.template, self.at_key = code, template, at

    def at(self, path: str) -> PayloadError:
        return PayloadError(path, self.code, self.template.replace("{path}", path))

    def for_pydantic(self) -> PydanticCustomError:
        context = {"payload_template": self.template, "payload_at": self.at_key}
        return PydanticCustomError(self.code, self.template, context)


# --- plain helpers ---------------------------------------------------------------------


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def require_mapping(value, name: str, message: str | None = None) -> Mapping:
    """The top of a payload; anything but a mapping is ``invalid_payload``."""
    if not isinstance(value, Mapping):
        raise PayloadError(name, "invalid_payload", message or f"{name} must be an object")
    return value


def form_value(form: Mapping, key: str):
    # QueryDict.get already returns the last value; a plain dict from parse_qs holds lists.
    value = form.get(key)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    return value


def json_safe(value):
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def digest(*parts) -> str:
    blob = json.dumps(json_safe(parts), sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()[:32]


# --- field checks ----------------------------------------------------------------------


def check_text_or_int(value):
    # bool is an int to Python, never to a gateway.
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise Problem("invalid_type", "{path} has the wrong type")
    return value


def check_phone(value, international: bool = False) -> str:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise Problem("invalid_type", "{path} must be a phone number")
    text = str(value).strip()
    if international:
        # WhatsApp ids are country code + number without "+"; never read them as national.
        if not text.isdigit():
            raise Problem("invalid_phone", "{path} is not a WhatsApp id")
        text = "+" + text
    try:
        return normalize_phone(text)
    except ValueError:
        raise Problem("invalid_phone", "{path} is not a valid phone number") from None


def check_epoch(value) -> datetime:
    """Unix time in seconds or milliseconds, as a number or a numeric string."""
    try:
        seconds = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        seconds = None
    if seconds is None or seconds != seconds:
        raise Problem("invalid_timestamp", "{path} is not a Unix time")
    if seconds > 1e11:  # 1e11 s is the year 5138; 1e11 ms is 1973
        seconds /= 1000
    if not _EARLIEST <= seconds < _LATEST:
        raise Problem("invalid_timestamp", "{path} is out of range")
    return datetime.fromtimestamp(seconds, tz=UTC)


def _aware(value: datetime, local_tz: tzinfo | None) -> datetime:
    if value.tzinfo is None:
        if local_tz is None:
            raise Problem("invalid_timestamp", "{path} needs a UTC offset")
        value = value.replace(tzinfo=local_tz)
    value = value.astimezone(UTC)
    if not _EARLIEST <= value.timestamp() < _LATEST:
        raise Problem("invalid_timestamp", "{path} is out of range")
    return value


def check_datetime(value, local_tz: tzinfo | None, formats: tuple[str, ...] = ()) -> datetime:
    """ISO 8601 (or one of ``formats``); naive values are read in ``local_tz``."""
    if isinstance(value, datetime):
        return _aware(value, local_tz)
    if not isinstance(value, str):
        raise Problem("invalid_timestamp", "{path} is not a date and time")
    text = value.strip()
    try:
        return _aware(datetime.fromisoformat(text), local_tz)
    except ValueError:
        pass
    for fmt in formats:
        try:
            return _aware(datetime.strptime(text, fmt), local_tz)
        except ValueError:
            continue
    raise Problem("invalid_timestamp", "{path} is not a date and time")


def check_coordinate(value, limit: float) -> float:
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            value = None
    if (
        not isinstance(value, (int, float))
        or isinstance(value, bool)
        or not -limit <= value <= limit
    ):
        raise Problem("invalid_value", "{path} is not a coordinate")
    return float(value)


def phone(value, path: str, international: bool = False) -> str:
    try:
        return check_phone(value, international)
    except Problem as problem:
        raise problem.at(path) from None


# --- signatures ------------------------------------------------------------------------


def _as_bytes(value) -> bytes | None:
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    return None


def verify_hmac_sha256(secret: bytes | str, body: bytes, signature_header: str | None) -> bool:
    """True when the header is the hex HMAC-SHA256 of ``body`` (``sha256=<hex>`` or bare)."""
    key, payload = _as_bytes(secret), _as_bytes(body)
    if not key or payload is None or not isinstance(signature_header, (str, bytes)):
        return False
    if isinstance(signature_header, bytes):
        signature_header = signature_header.decode("latin-1")
    given = signature_header.strip()
    if given[:7].lower() == "sha256=":
        given = given[7:]
    expected = hmac.new(key, payload, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), given.lower().encode("utf-8", "replace"))


# --- models ----------------------------------------------------------------------------


class Payload(BaseModel):
    """Base of every gateway model.

    Providers add fields, so extras are ignored. A field sent as ``None`` is
    absent, and so is ``""`` unless the field is in ``keep_blank``: gateways
    send empty strings for "no value", and a required field must then say
    ``missing_field`` rather than ``invalid_type``.
    """

    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)
    keep_blank: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data):
        if not isinstance(data, Mapping):
            return data
        # Not dict(data): for a dict subclass such as Django's QueryDict that copies the
        # stored lists, where .get() (what the hand-written readers used) gives the value.
        out = {key: data.get(key) for key in data}
        for name, info in cls.model_fields.items():
            key = info.alias or name
            value = out.get(key)
            if key in out and (
                value is None
                or (isinstance(value, str) and value == "" and key not in cls.keep_blank)
            ):
                del out[key]
        return out


def _checked(check, *args):
    """Run a ``check_*`` function as a pydantic validator."""

    def run(value):
        try:
            return check(value, *args)
        except Problem as problem:
            raise problem.for_pydantic() from None

    return run


def _retyped(handler, value, template: str):
    """``handler(value)``, its own wrong-type error (not a nested field's) said as ``template``."""
    try:
        return handler(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["loc"] == () and "payload_template" not in (first.get("ctx") or {}):
            raise Problem("invalid_type", template).for_pydantic() from None
        raise


def says(template: str):
    """Give a field's own wrong-type error the message it has always had."""
    return WrapValidator(lambda value, handler: _retyped(handler, value, template))


def lenient(default=None):
    """Read a field when it has the right shape, else use ``default``; never an error."""

    def run(value, handler):
        try:
            return handler(value)
        except ValidationError:
            return default

    return WrapValidator(run)


def when_sibling(sibling: str, wanted, template: str = "{path} has the wrong type"):
    """Validate a field only when ``sibling`` equals ``wanted``; then it is required.

    Used with ``Field(None, validate_default=True)`` so that absence is seen.
    """

    def run(value, handler, info):
        if info.data.get(sibling) != wanted:
            return None
        if value is None:
            raise Problem("missing_field", "{path} is required").for_pydantic()
        return _retyped(handler, value, template)

    return WrapValidator(run)


TextOrInt = Annotated[str | int, PlainValidator(_checked(check_text_or_int))]
Phone = Annotated[Any, PlainValidator(_checked(check_phone))]
Latitude = Annotated[float, PlainValidator(_checked(check_coordinate, 90))]
Longitude = Annotated[float, PlainValidator(_checked(check_coordinate, 180))]
# Read as text whatever was sent ("" when nothing); for display fields only.
Loose = Annotated[str, BeforeValidator(lambda v: str(v or ""))]


def after(check, *args):
    return AfterValidator(_checked(check, *args))


class Coordinates(Payload):
    # A missing coordinate is "not a coordinate", as it has always been, not "missing".
    latitude: Latitude = Field(None, validate_default=True)
    longitude: Longitude = Field(None, validate_default=True)


_TYPE_MESSAGES = {
    "model_type": "{path} must be an object",
    "model_attributes_type": "{path} must be an object",
    "dict_type": "{path} must be an object",
}


def _error(error: dict, prefix: str) -> PayloadError:
    loc = list(error["loc"])
    context = error.get("ctx") or {}
    if context.get("payload_at") and loc:
        loc[-1] = context["payload_at"]
    path = prefix
    for part in loc:
        path = f"{path}[{part}]" if isinstance(part, int) else join(path, str(part))
    if "payload_template" in context:
        code, template = error["type"], context["payload_template"]
    elif error["type"] == "missing":
        code, template = "missing_field", "{path} is required"
    else:
        code = "invalid_type"
        template = _TYPE_MESSAGES.get(error["type"], "{path} has the wrong type")
    name = next((str(part) for part in reversed(loc) if isinstance(part, str)), path)
    return PayloadError(path, code, template.replace("{path}", path).replace("{name}", name))


def validate(model: type[Payload], data, path: str = "", context: dict | None = None):
    """``model`` read from ``data``, or the first problem as a ``PayloadError`` under ``path``.

    Pydantic reports problems in field order, so the first one is the one a
    reader going through the payload top to bottom would meet first.
    """
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise _error(exc.errors(include_url=False)[0], path) from None
