"""Inbound gateway payloads normalised into one ``InboundMessage`` (framework-free).

Every channel adapter (views, management commands, the Gammu hook) parses with
these functions and hands the result to the same intake code, so nothing
downstream knows which modem or cloud API a message came through.

All parsers raise ``PayloadError(field, code, message)`` on bad input and never
let a ``KeyError``/``TypeError`` escape: a gateway retries until it gets a
clear answer, and the answer must name the field. ``code`` is stable:
``invalid_payload``, ``missing_field``, ``invalid_type``, ``invalid_value``,
``invalid_phone``, ``invalid_timestamp``, ``invalid_secret``, ``invalid_udh``.

``raw`` is always JSON-serialisable and never holds a shared secret, so it can
be stored as is for audit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import NamedTuple

from aduan.lib.phones import normalize_phone
from aduan.lib.smsgrammar import WIB

SMS, WHATSAPP, TELEGRAM = "sms", "whatsapp", "telegram"

# Plausible clock range; a phone that lost its battery reports 1970 and a bug reports 2999.
_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC).timestamp()
_LATEST = datetime(2100, 1, 1, tzinfo=UTC).timestamp()
_MISSING = object()


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


# --- field helpers ---------------------------------------------------------------------


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _mapping(value, path: str, code: str = "invalid_type") -> Mapping:
    if not isinstance(value, Mapping):
        raise PayloadError(path, code, f"{path} must be an object")
    return value


def _get(obj: Mapping, key: str, path: str, kind, *, required=True, allow_empty=False):
    """``obj[key]`` checked against ``kind``; None when optional and absent."""
    full = _join(path, key)
    value = obj.get(key, _MISSING)
    if value is _MISSING or value is None or (value == "" and not allow_empty):
        if required:
            raise PayloadError(full, "missing_field", f"{full} is required")
        return None
    # bool is an int to Python, never to a gateway.
    if not isinstance(value, kind) or isinstance(value, bool):
        raise PayloadError(full, "invalid_type", f"{full} has the wrong type")
    return value


def _form(form: Mapping, key: str):
    # QueryDict.get already returns the last value; a plain dict from parse_qs holds lists.
    value = form.get(key)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    return value


def _phone(value, path: str, international: bool = False) -> str:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise PayloadError(path, "invalid_type", f"{path} must be a phone number")
    text = str(value).strip()
    if international:
        # WhatsApp ids are country code + number without "+"; never read them as national.
        if not text.isdigit():
            raise PayloadError(path, "invalid_phone", f"{path} is not a WhatsApp id")
        text = "+" + text
    try:
        return normalize_phone(text)
    except ValueError as exc:
        raise PayloadError(path, "invalid_phone", f"{path} is not a valid phone number") from exc


def _epoch(value, path: str) -> datetime:
    """Unix time in seconds or milliseconds, as a number or a numeric string."""
    try:
        seconds = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        seconds = None
    if seconds is None or seconds != seconds:
        raise PayloadError(path, "invalid_timestamp", f"{path} is not a Unix time")
    if seconds > 1e11:  # 1e11 s is the year 5138; 1e11 ms is 1973
        seconds /= 1000
    if not _EARLIEST <= seconds < _LATEST:
        raise PayloadError(path, "invalid_timestamp", f"{path} is out of range")
    return datetime.fromtimestamp(seconds, tz=UTC)


def _aware(value: datetime, path: str, local_tz: tzinfo | None) -> datetime:
    if value.tzinfo is None:
        if local_tz is None:
            raise PayloadError(path, "invalid_timestamp", f"{path} needs a UTC offset")
        value = value.replace(tzinfo=local_tz)
    value = value.astimezone(UTC)
    if not _EARLIEST <= value.timestamp() < _LATEST:
        raise PayloadError(path, "invalid_timestamp", f"{path} is out of range")
    return value


def _datetime(value, path: str, local_tz: tzinfo | None, formats: tuple[str, ...] = ()):
    """ISO 8601 (or one of ``formats``); naive values are read in ``local_tz``."""
    if isinstance(value, datetime):
        return _aware(value, path, local_tz)
    if not isinstance(value, str):
        raise PayloadError(path, "invalid_timestamp", f"{path} is not a date and time")
    text = value.strip()
    try:
        return _aware(datetime.fromisoformat(text), path, local_tz)
    except ValueError:
        pass
    for fmt in formats:
        try:
            return _aware(datetime.strptime(text, fmt), path, local_tz)
        except ValueError:
            continue
    raise PayloadError(path, "invalid_timestamp", f"{path} is not a date and time")


def _coordinate(value, path: str, limit: float) -> float:
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
        raise PayloadError(path, "invalid_value", f"{path} is not a coordinate")
    return float(value)


def _json_safe(value):
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _digest(*parts) -> str:
    blob = json.dumps(_json_safe(parts), sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()[:32]


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


def verify_whatsapp_signature(app_secret: bytes | str, body: bytes, header: str | None) -> bool:
    """Check ``X-Hub-Signature-256``; Meta always sends the ``sha256=`` prefix."""
    if not isinstance(header, str) or not header.strip().lower().startswith("sha256="):
        return False
    return verify_hmac_sha256(app_secret, body, header)


def verify_telegram_secret(expected: str, header: str | None) -> bool:
    """Check ``X-Telegram-Bot-Api-Secret-Token`` against the secret given to setWebhook."""
    if not expected or not isinstance(expected, str) or not isinstance(header, str):
        return False
    return hmac.compare_digest(expected.encode(), header.encode("utf-8", "replace"))


def whatsapp_challenge(query: Mapping, verify_token: str) -> str | None:
    """The ``hub.challenge`` to echo for a valid subscription check, else None (answer 403)."""
    if not verify_token or not isinstance(query, Mapping):
        return None
    mode, token, challenge = (
        _form(query, k) for k in ("hub.mode", "hub.verify_token", "hub.challenge")
    )
    if mode != "subscribe" or not isinstance(token, str) or not isinstance(challenge, str):
        return None
    if not hmac.compare_digest(token.encode(), verify_token.encode()):
        return None
    return challenge


# --- Gammu SMSD: RunOnReceive ----------------------------------------------------------


def _env_int(environ: Mapping, key: str, default: int | None = None) -> int:
    value = environ.get(key)
    if value is None:
        if default is None:
            raise PayloadError(key, "missing_field", f"{key} is required")
        return default
    try:
        number = int(str(value).strip())
    except ValueError:
        raise PayloadError(key, "invalid_type", f"{key} must be a whole number") from None
    if number < 0:
        raise PayloadError(key, "invalid_value", f"{key} must not be negative")
    return number


def parse_gammu_env(
    environ: Mapping[str, str], locations=(), received_at: datetime | None = None
) -> list[InboundMessage]:
    """Messages from the environment Gammu gives a ``RunOnReceive`` program.

    One invocation carries the physical parts of one message; when Gammu
    decoded them (``DECODED_PARTS`` > 0) the decoded text is the whole long
    message. Older Gammu numbered ``DECODED_0_TEXT`` from zero, so both
    numberings are read. Binary parts without text are dropped.

    ``gateway_message_id``: pass ``locations`` (the ids Gammu appends to the
    command line: inbox row ids or file names) and they are the id. Without
    them the id is a digest of the message variables: Gammu runs the program
    again after its two-minute limit with the same environment, so the digest
    catches that redelivery, but it also merges a citizen who sends identical
    text twice, so callers should deduplicate it within a short window only.
    The environment carries no receive time; ``received_at`` defaults to now.
    """
    if not isinstance(environ, Mapping):
        raise PayloadError("environ", "invalid_payload", "environ must be a mapping")
    count = _env_int(environ, "SMS_MESSAGES")
    decoded_count = _env_int(environ, "DECODED_PARTS", default=0)
    when = received_at.astimezone(UTC) if received_at else datetime.now(UTC)
    phone_id = str(environ.get("PHONE_ID") or "")
    raw = {
        k: str(v)
        for k, v in environ.items()
        if isinstance(k, str) and (k.startswith(("SMS_", "DECODED_")) or k == "PHONE_ID")
    }

    senders: dict[str, list[str]] = {}
    for n in range(1, count + 1):
        number = environ.get(f"SMS_{n}_NUMBER")
        if not number:
            raise PayloadError(f"SMS_{n}_NUMBER", "missing_field", f"SMS_{n}_NUMBER is required")
        senders.setdefault(_phone(number, f"SMS_{n}_NUMBER"), []).append(
            str(environ.get(f"SMS_{n}_TEXT") or "")
        )

    decoded, media = [], []
    for n in range(0, decoded_count + 1):
        if environ.get(f"DECODED_{n}_TEXT") is not None:
            decoded.append(str(environ[f"DECODED_{n}_TEXT"]))
        if environ.get(f"DECODED_{n}_MMS_ADDRESS"):
            media.append(
                {
                    "kind": "mms",
                    "url": str(environ[f"DECODED_{n}_MMS_ADDRESS"]),
                    "title": str(environ.get(f"DECODED_{n}_MMS_TITLE") or ""),
                    "sender": str(environ.get(f"DECODED_{n}_MMS_SENDER") or ""),
                }
            )
    if ("".join(decoded).strip() or media) and len(senders) == 1:
        texts = {next(iter(senders)): ["".join(decoded)]}
    else:
        texts, media = senders, []

    base_id = ",".join(str(x) for x in locations) if locations else _digest(raw)
    messages = []
    for sender, parts in texts.items():
        text = "".join(parts)
        if not text.strip() and not media:
            continue
        message_id = base_id if len(texts) == 1 else f"{base_id}#{sender}"
        messages.append(
            InboundMessage(
                channel=SMS,
                gateway="gammu",
                gateway_message_id=message_id,
                sender=sender,
                text=text,
                received_at=when,
                media=list(media),
                raw=raw,
                recipient=phone_id,
                message_type="mms" if media and not text else "text",
            )
        )
    return messages


# --- Gammu SMSD: SQL inbox -------------------------------------------------------------


class Concat(NamedTuple):
    """Concatenation header of one part: reference, parts in the set, this part's number."""

    reference: int
    total: int
    sequence: int
    reference_bits: int


def parse_udh(udh_hex: str | None, path: str = "UDH") -> Concat | None:
    """Read the concatenation element (IEI 00: 8-bit, IEI 08: 16-bit reference) of a UDH.

    Gammu stores the header with its length byte (``050003A70201``); a header
    without it is read too. Other elements (ports, language shift) are skipped.
    An element with sequence 0 or beyond the total is ignored, as GSM 03.40 says.
    """
    if not udh_hex:
        return None
    if not isinstance(udh_hex, str):
        raise PayloadError(path, "invalid_type", f"{path} must be hex text")
    try:
        data = bytes.fromhex(udh_hex.strip())
    except ValueError:
        raise PayloadError(path, "invalid_udh", f"{path} is not hex") from None
    if data and data[0] == len(data) - 1:
        data = data[1:]
    found, i = None, 0
    while i < len(data):
        if i + 2 > len(data) or i + 2 + data[i + 1] > len(data):
            raise PayloadError(path, "invalid_udh", f"{path} is truncated")
        iei, value = data[i], data[i + 2 : i + 2 + data[i + 1]]
        if iei == 0x00 and len(value) == 3:
            found = Concat(value[0], value[1], value[2], 8)
        elif iei == 0x08 and len(value) == 4:
            found = Concat(value[0] << 8 | value[1], value[2], value[3], 16)
        i += 2 + len(value)
    if found and not 1 <= found.sequence <= found.total:
        return None
    return found


class _Part(NamedTuple):
    row_id: str
    sender: str
    recipient: str
    received_at: datetime
    text: str
    concat: Concat | None
    row: dict


@dataclass
class PendingMultipart:
    """A multipart SMS still missing parts; wait for them (or pass ``stale_after``)."""

    sender: str
    reference: int
    total: int
    parts: dict[int, _Part]
    first_received_at: datetime

    @property
    def row_ids(self) -> list[str]:
        return [self.parts[s].row_id for s in sorted(self.parts)]

    @property
    def missing(self) -> list[int]:
        return [s for s in range(1, self.total + 1) if s not in self.parts]


class RejectedRow(NamedTuple):
    row_id: str
    error: PayloadError


class GammuInbox(NamedTuple):
    messages: list[InboundMessage]
    pending: list[PendingMultipart]
    rejected: list[RejectedRow]


def _inbox_part(row, index: int, local_tz: tzinfo) -> _Part:
    path = f"rows[{index}]"
    _mapping(row, path)
    row_id = _get(row, "ID", path, (int, str))
    sender = _phone(_get(row, "SenderNumber", path, str), _join(path, "SenderNumber"))
    when = _datetime(
        _get(row, "ReceivingDateTime", path, (str, datetime)),
        _join(path, "ReceivingDateTime"),
        local_tz,
    )
    text = _get(row, "TextDecoded", path, str, required=False) or ""
    coding = _get(row, "Coding", path, str, required=False) or ""
    hex_text = _get(row, "Text", path, str, required=False)
    if not text and hex_text and coding != "8bit":
        # Gammu stores text parts as hex UCS-2 whatever the coding on the air.
        try:
            text = bytes.fromhex(hex_text).decode("utf-16-be")
        except ValueError:
            raise PayloadError(
                _join(path, "Text"), "invalid_value", "Text is not hex UCS-2"
            ) from None
    concat = parse_udh(_get(row, "UDH", path, str, required=False), _join(path, "UDH"))
    recipient = str(row.get("RecipientID") or "")
    return _Part(str(row_id), sender, recipient, when, text, concat, _json_safe(row))


def _inbox_message(parts: list[_Part], missing: list[int] = ()) -> InboundMessage:
    by_seq = {p.concat.sequence: p for p in parts} if parts[0].concat else {1: parts[0]}
    total = parts[0].concat.total if parts[0].concat else 1
    pieces = [by_seq[s].text if s in by_seq else " [...] " for s in range(1, total + 1)]
    ordered = [by_seq[s] for s in sorted(by_seq)]
    raw = {"rows": [p.row for p in ordered]}
    if missing:
        raw["missing_parts"] = list(missing)
    return InboundMessage(
        channel=SMS,
        gateway="gammu_sql",
        gateway_message_id=",".join(p.row_id for p in ordered),
        sender=parts[0].sender,
        text="".join(pieces),
        received_at=min(p.received_at for p in parts),
        raw=raw,
        recipient=parts[0].recipient,
    )


def join_gammu_inbox_rows(
    rows: list[dict],
    local_tz: tzinfo = WIB,
    stale_after=None,
    now: datetime | None = None,
) -> GammuInbox:
    """Join Gammu ``inbox`` rows into whole messages.

    Returns ``(messages, pending, rejected)``. Parts of one long SMS share
    sender, recipient and concatenation reference; since an 8-bit reference
    wraps after 256 messages, a repeated part number starts a new set rather
    than overwriting. Incomplete sets are ``pending`` (mark nothing processed
    yet); with ``stale_after`` (a timedelta) a set older than that is joined
    with ``[...]`` for the missing parts, so a lost part never loses the
    complaint. ``gateway_message_id`` is the inbox IDs in part order, stable
    across polls. Naive ``ReceivingDateTime`` values are read in ``local_tz``
    (the database server's zone). A bad row is ``rejected``, not fatal.
    """
    if not isinstance(rows, (list, tuple)):
        raise PayloadError("rows", "invalid_payload", "rows must be a list")
    parts, rejected = [], []
    for index, row in enumerate(rows):
        try:
            parts.append(_inbox_part(row, index, local_tz))
        except PayloadError as exc:
            row_id = row.get("ID") if isinstance(row, Mapping) else None
            rejected.append(RejectedRow(str(row_id if row_id is not None else f"#{index}"), exc))
    parts.sort(key=lambda p: (p.received_at, int(p.row_id) if p.row_id.isdigit() else 0, p.row_id))

    messages, sets = [], {}
    for part in parts:
        if part.concat is None or part.concat.total == 1:
            messages.append(_inbox_message([part]))
            continue
        c = part.concat
        bucket = sets.setdefault(
            (part.sender, part.recipient, c.reference_bits, c.reference, c.total), []
        )
        target = next((s for s in bucket if c.sequence not in s), None)
        if target is None:
            bucket.append(target := {})
        target[c.sequence] = part

    pending = []
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=local_tz)
    for (sender, _, _, reference, total), bucket in sets.items():
        for found in bucket:
            group = PendingMultipart(
                sender, reference, total, found, min(p.received_at for p in found.values())
            )
            if not group.missing:
                messages.append(_inbox_message(list(found.values())))
            elif stale_after is not None and now - group.first_received_at >= stale_after:
                messages.append(_inbox_message(list(found.values()), group.missing))
            else:
                pending.append(group)
    messages.sort(key=lambda m: m.received_at)
    return GammuInbox(messages, pending, rejected)


# --- SMSSync-style Android gateways ----------------------------------------------------

_SMSSYNC_DATE_FORMATS = ("%m-%d-%y %H:%M", "%d-%m-%Y %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S")


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
    _mapping(form, "form", "invalid_payload")
    if expected_secret is not None:
        secret = _form(form, "secret")
        if (
            not isinstance(secret, str)
            or not expected_secret
            or not hmac.compare_digest(secret.encode(), expected_secret.encode())
        ):
            raise PayloadError("secret", "invalid_secret", "secret does not match")
    sender_raw = _form(form, "from")
    if not sender_raw:
        raise PayloadError("from", "missing_field", "from is required")
    sender = _phone(sender_raw, "from")
    text = _form(form, "message")
    if text is None:
        raise PayloadError("message", "missing_field", "message is required")
    if not isinstance(text, str):
        raise PayloadError("message", "invalid_type", "message must be text")

    stamp = _form(form, "sent_timestamp")
    if stamp in (None, ""):
        when = (now or datetime.now(UTC)).astimezone(UTC)
    elif isinstance(stamp, (int, float)) or str(stamp).strip().replace(".", "", 1).isdigit():
        when = _epoch(stamp, "sent_timestamp")
    else:
        when = _datetime(stamp, "sent_timestamp", local_tz, _SMSSYNC_DATE_FORMATS)

    message_id = _form(form, "message_id")
    if message_id is not None and not isinstance(message_id, (str, int)):
        raise PayloadError("message_id", "invalid_type", "message_id must be text")
    raw = {k: _json_safe(_form(form, k)) for k in form if k != "secret"}
    return InboundMessage(
        channel=SMS,
        gateway="smssync",
        gateway_message_id=str(message_id) if message_id else _digest(sender, str(stamp), text),
        sender=sender,
        text=text,
        received_at=when,
        raw=raw,
        recipient=str(_form(form, "sent_to") or ""),
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


def _uuid_list(value, path: str) -> list[str]:
    if isinstance(value, str):
        # Form posts carry the list JSON-encoded in one field.
        try:
            value = json.loads(value)
        except ValueError:
            raise PayloadError(path, "invalid_payload", f"{path} is not a JSON list") from None
    if not isinstance(value, list):
        raise PayloadError(path, "invalid_type", f"{path} must be a list")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, (str, int)) or isinstance(item, bool) or not str(item).strip():
            raise PayloadError(f"{path}[{i}]", "invalid_type", "a message uuid must be text")
        out.append(str(item).strip()[:64])
    return out


def parse_smssync_sent(obj: Mapping) -> list[str]:
    """The uuids of ``POST ?task=sent``: messages the phone queued for sending."""
    _mapping(obj, "body", "invalid_payload")
    value = obj.get("queued_messages")
    if value is None:
        raise PayloadError("queued_messages", "missing_field", "queued_messages is required")
    return _uuid_list(value, "queued_messages")


def _result_code(item: Mapping, key: str, path: str) -> int | None:
    value = item.get(key)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise PayloadError(_join(path, key), "invalid_type", f"{key} must be a number") from None


def parse_smssync_results(obj: Mapping) -> list[SmsSyncResult]:
    """The reports of ``POST ?task=result``, each read as sent, delivered or failed."""
    _mapping(obj, "body", "invalid_payload")
    value = obj.get("message_result")
    if value is None:
        raise PayloadError("message_result", "missing_field", "message_result is required")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise PayloadError("message_result", "invalid_payload", "not JSON") from None
    if not isinstance(value, list):
        raise PayloadError("message_result", "invalid_type", "message_result must be a list")
    results = []
    for i, item in enumerate(value):
        path = f"message_result[{i}]"
        item = _mapping(item, path)
        uuid = item.get("uuid")
        if not isinstance(uuid, (str, int)) or not str(uuid).strip():
            raise PayloadError(_join(path, "uuid"), "missing_field", "uuid is required")
        sent = _result_code(item, "sent_result_code", path)
        delivered = _result_code(item, "delivered_result_code", path)
        sent_text = str(item.get("sent_result_message") or "")
        delivered_text = str(item.get("delivered_result_message") or "")
        if sent not in (None, 0):
            status, detail = "failed", f"{sent}: {sent_text}".strip()
        elif delivered == 0:
            status, detail = "delivered", delivered_text
        elif delivered not in (None, -1):
            status, detail = "failed", f"{delivered}: {delivered_text}".strip()
        else:
            status, detail = "sent", sent_text
        results.append(SmsSyncResult(str(uuid).strip()[:64], status, detail[:500]))
    return results


class SmsReceipt(NamedTuple):
    reference: str
    provider_id: str
    status: str
    detail: str


# Words HTTP gateways use for a final failure; "sent"/"accepted" are not final.
_RECEIPT_STATUS = {
    "delivered": "delivered",
    "sent": "sent",
    "accepted": "sent",
    "failed": "failed",
    "undelivered": "failed",
    "rejected": "failed",
    "expired": "failed",
}


def parse_sms_receipt(json_obj) -> SmsReceipt:
    """Our documented delivery-report webhook for HTTP SMS gateways::

        {"reference": "<ours, sent with the message>", "id": "<theirs>",
         "status": "delivered" | "failed" | "sent" (also undelivered, rejected,
         expired, accepted), "error": "<optional text>"}

    ``reference`` or ``id`` must be given.
    """
    obj = _mapping(json_obj, "body", "invalid_payload")
    reference = _get(obj, "reference", "", (str, int), required=False)
    provider_id = _get(obj, "id", "", (str, int), required=False)
    if reference is None and provider_id is None:
        raise PayloadError("reference", "missing_field", "reference or id is required")
    status = _get(obj, "status", "", str)
    if status.strip().lower() not in _RECEIPT_STATUS:
        raise PayloadError("status", "invalid_value", f"unknown status {status[:40]!r}")
    detail = _get(obj, "error", "", str, required=False) or ""
    return SmsReceipt(
        str(reference or "").strip()[:40],
        str(provider_id or "").strip()[:200],
        _RECEIPT_STATUS[status.strip().lower()],
        detail[:500],
    )


# --- generic JSON webhook --------------------------------------------------------------


def parse_generic_sms(json_obj, gateway: str = "generic") -> InboundMessage:
    """Our own documented webhook: ``{"id", "from", "text", "received_at"}``.

    ``received_at`` is ISO 8601 with a UTC offset (a naive time is rejected:
    the sender knows its zone, we would only guess). ``name`` is optional.
    Verify the body with ``verify_hmac_sha256`` before parsing.
    """
    _mapping(json_obj, "body", "invalid_payload")
    message_id = _get(json_obj, "id", "", (str, int))
    sender = _phone(_get(json_obj, "from", "", str), "from")
    text = _get(json_obj, "text", "", str, allow_empty=True)
    when = _datetime(_get(json_obj, "received_at", "", str), "received_at", None)
    name = _get(json_obj, "name", "", str, required=False) or ""
    return InboundMessage(
        channel=SMS,
        gateway=gateway,
        gateway_message_id=str(message_id),
        sender=sender,
        sender_name=name,
        text=text,
        received_at=when,
        raw=_json_safe(json_obj),
        recipient=str(json_obj.get("to") or ""),
    )


# --- WhatsApp Cloud API ----------------------------------------------------------------

_WA_MEDIA = ("image", "video", "audio", "voice", "document", "sticker")


def _wa_message(msg, path: str, names: dict[str, str], recipient: str) -> InboundMessage:
    _mapping(msg, path)
    wa_id = _get(msg, "from", path, str)
    kind = _get(msg, "type", path, str)
    text, media, lat, lon = "", [], None, None
    if kind == "text":
        body = _get(msg, "text", path, Mapping)
        text = _get(body, "body", _join(path, "text"), str, allow_empty=True)
    elif kind == "location":
        loc_path = _join(path, "location")
        loc = _get(msg, "location", path, Mapping)
        lat = _coordinate(loc.get("latitude"), _join(loc_path, "latitude"), 90)
        lon = _coordinate(loc.get("longitude"), _join(loc_path, "longitude"), 180)
    elif kind in _WA_MEDIA and isinstance(msg.get(kind), Mapping):
        item = msg[kind]
        media.append(
            {
                "kind": kind,
                "id": str(item.get("id") or ""),
                "mime_type": str(item.get("mime_type") or ""),
            }
        )
        # A photo's caption is the citizen's words about it; dropping it would lose the complaint.
        text = item.get("caption") if isinstance(item.get("caption"), str) else ""
    elif kind == "button" and isinstance(msg.get("button"), Mapping):
        text = str(msg["button"].get("text") or "")
    elif kind == "interactive" and isinstance(msg.get("interactive"), Mapping):
        reply = msg["interactive"].get("button_reply") or msg["interactive"].get("list_reply")
        text = str(reply.get("title") or "") if isinstance(reply, Mapping) else ""
    return InboundMessage(
        channel=WHATSAPP,
        gateway="whatsapp_cloud",
        gateway_message_id=_get(msg, "id", path, str),
        sender=_phone(wa_id, _join(path, "from"), international=True),
        sender_name=names.get(wa_id, ""),
        text=text,
        received_at=_epoch(_get(msg, "timestamp", path, (str, int)), _join(path, "timestamp")),
        latitude=lat,
        longitude=lon,
        media=media,
        raw=_json_safe(msg),
        message_type=kind,
        recipient=recipient,
    )


def _wa_status(status, path: str) -> dict:
    _mapping(status, path)
    recipient_id = _get(status, "recipient_id", path, str, required=False)
    errors = status.get("errors")
    return {
        "id": _get(status, "id", path, str),
        "status": _get(status, "status", path, str),
        "recipient": _phone(recipient_id, _join(path, "recipient_id"), True)
        if recipient_id
        else None,
        "timestamp": _epoch(_get(status, "timestamp", path, (str, int)), _join(path, "timestamp")),
        "errors": _json_safe(errors) if isinstance(errors, list) else [],
        "raw": _json_safe(status),
    }


def parse_whatsapp(json_obj) -> tuple[list[InboundMessage], list[dict]]:
    """Messages and delivery statuses of one Cloud API webhook body.

    Text, location, media (caption as text, media ids in ``media``), button and
    interactive replies are read; any other type comes back with text "" and
    its ``message_type`` so nothing is silently dropped. Statuses are dicts
    with ``id``, ``status``, ``recipient`` (E.164), ``timestamp``, ``errors``.
    """
    _mapping(json_obj, "body", "invalid_payload")
    if _get(json_obj, "object", "", str) != "whatsapp_business_account":
        raise PayloadError("object", "invalid_value", "object must be whatsapp_business_account")
    messages, statuses = [], []
    for e, entry in enumerate(_get(json_obj, "entry", "", list)):
        entry_path = f"entry[{e}]"
        changes = _get(_mapping(entry, entry_path), "changes", entry_path, list)
        for c, change in enumerate(changes):
            path = f"{entry_path}.changes[{c}]"
            if _mapping(change, path).get("field") != "messages":
                continue
            value = _get(change, "value", path, Mapping)
            path = _join(path, "value")
            metadata = value.get("metadata") if isinstance(value.get("metadata"), Mapping) else {}
            recipient = str(
                metadata.get("display_phone_number") or metadata.get("phone_number_id") or ""
            )
            names = {}
            for k, contact in enumerate(_get(value, "contacts", path, list, required=False) or []):
                contact = _mapping(contact, f"{path}.contacts[{k}]")
                profile = contact.get("profile")
                if isinstance(contact.get("wa_id"), str) and isinstance(profile, Mapping):
                    names[contact["wa_id"]] = str(profile.get("name") or "")
            for m, msg in enumerate(_get(value, "messages", path, list, required=False) or []):
                messages.append(_wa_message(msg, f"{path}.messages[{m}]", names, recipient))
            for s, status in enumerate(_get(value, "statuses", path, list, required=False) or []):
                statuses.append(_wa_status(status, f"{path}.statuses[{s}]"))
    return messages, statuses


# --- Telegram Bot API ------------------------------------------------------------------

_TG_MEDIA = ("document", "video", "voice", "audio", "sticker")


def _size(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def parse_telegram(update) -> InboundMessage | None:
    """A citizen's message from a Telegram ``Update``, or None for anything else.

    Only private chats count (a complaint posted in a group would be answered
    in front of strangers); bots, channel posts and other update kinds are None.
    ``gateway_message_id`` is ``str(update_id)``, which Telegram repeats on
    redelivery. The largest photo size is kept; the caption is the text.
    """
    _mapping(update, "update", "invalid_payload")
    update_id = _get(update, "update_id", "", int)
    key = next((k for k in ("message", "edited_message") if update.get(k) is not None), None)
    if key is None:
        return None
    msg = _mapping(update[key], key)
    chat = _get(msg, "chat", key, Mapping)
    chat_id = _get(chat, "id", _join(key, "chat"), int)
    if chat.get("type") != "private":
        return None
    sender = msg.get("from") if isinstance(msg.get("from"), Mapping) else {}
    if sender.get("is_bot") is True:
        return None
    stamp = msg.get("edit_date") if key == "edited_message" and msg.get("edit_date") else None
    when = _epoch(stamp if stamp is not None else _get(msg, "date", key, int), _join(key, "date"))

    text = msg.get("text") if msg.get("text") is not None else msg.get("caption")
    if text is not None and not isinstance(text, str):
        raise PayloadError(_join(key, "text"), "invalid_type", "text must be a string")
    lat = lon = None
    media, kind = [], "text" if text else "other"
    if msg.get("location") is not None:
        loc = _mapping(msg["location"], _join(key, "location"))
        lat = _coordinate(loc.get("latitude"), _join(key, "location.latitude"), 90)
        lon = _coordinate(loc.get("longitude"), _join(key, "location.longitude"), 180)
        kind = "location"
    photos = msg.get("photo")
    if isinstance(photos, list):
        sizes = [p for p in photos if isinstance(p, Mapping) and isinstance(p.get("file_id"), str)]
        if sizes:
            best = max(sizes, key=lambda p: _size(p.get("width")) * _size(p.get("height")))
            media.append(
                {
                    "kind": "photo",
                    "file_id": best["file_id"],
                    "file_unique_id": str(best.get("file_unique_id") or ""),
                }
            )
            kind = "photo"
    for name in _TG_MEDIA:
        item = msg.get(name)
        if isinstance(item, Mapping) and isinstance(item.get("file_id"), str):
            media.append(
                {
                    "kind": name,
                    "file_id": item["file_id"],
                    "mime_type": str(item.get("mime_type") or ""),
                }
            )
            kind = name
    full_name = " ".join(str(sender.get(k) or "") for k in ("first_name", "last_name")).strip()
    return InboundMessage(
        channel=TELEGRAM,
        gateway="telegram",
        gateway_message_id=str(update_id),
        sender=str(chat_id),
        sender_name=full_name or str(sender.get("username") or ""),
        text=text or "",
        received_at=when,
        latitude=lat,
        longitude=lon,
        media=media,
        raw=_json_safe(update),
        message_type=kind,
        is_edit=key == "edited_message",
    )
