"""Gammu SMSD: the ``RunOnReceive`` environment and rows of the SQL ``inbox`` table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Annotated, Any, NamedTuple

from pydantic import PlainValidator, StrictStr, ValidationInfo, field_validator

from aduan.lib.gateways.common import (
    SMS,
    InboundMessage,
    Payload,
    PayloadError,
    Problem,
    TextOrInt,
    after,
    check_datetime,
    check_phone,
    digest,
    json_safe,
    phone,
    require_mapping,
    validate,
)
from aduan.lib.smsgrammar import WIB

# --- RunOnReceive ----------------------------------------------------------------------


def _count(value) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise Problem("invalid_type", "{path} must be a whole number") from None
    if number < 0:
        raise Problem("invalid_value", "{path} must not be negative")
    return number


def _checked_count(value) -> int:
    try:
        return _count(value)
    except Problem as problem:
        raise problem.for_pydantic() from None


Count = Annotated[int, PlainValidator(_checked_count)]


class GammuEnv(Payload):
    """The fixed variables; the numbered ``SMS_<n>_*`` ones are read per part."""

    keep_blank = frozenset({"SMS_MESSAGES", "DECODED_PARTS"})

    SMS_MESSAGES: Count
    DECODED_PARTS: Count = 0
    PHONE_ID: Any = None


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
    require_mapping(environ, "environ", "environ must be a mapping")
    env = validate(GammuEnv, environ)
    when = received_at.astimezone(UTC) if received_at else datetime.now(UTC)
    phone_id = str(env.PHONE_ID or "")
    raw = {
        k: str(v)
        for k, v in environ.items()
        if isinstance(k, str) and (k.startswith(("SMS_", "DECODED_")) or k == "PHONE_ID")
    }

    senders: dict[str, list[str]] = {}
    for n in range(1, env.SMS_MESSAGES + 1):
        number = environ.get(f"SMS_{n}_NUMBER")
        if not number:
            raise PayloadError(f"SMS_{n}_NUMBER", "missing_field", f"SMS_{n}_NUMBER is required")
        senders.setdefault(phone(number, f"SMS_{n}_NUMBER"), []).append(
            str(environ.get(f"SMS_{n}_TEXT") or "")
        )

    decoded, media = [], []
    for n in range(0, env.DECODED_PARTS + 1):
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

    base_id = ",".join(str(x) for x in locations) if locations else digest(raw)
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


# --- SQL inbox -------------------------------------------------------------------------


class Concat(NamedTuple):
    """Concatenation header of one part: reference, parts in the set, this part's number."""

    reference: int
    total: int
    sequence: int
    reference_bits: int


def check_udh(udh_hex) -> Concat | None:
    if not udh_hex:
        return None
    if not isinstance(udh_hex, str):
        raise Problem("invalid_type", "{path} must be hex text")
    try:
        data = bytes.fromhex(udh_hex.strip())
    except ValueError:
        raise Problem("invalid_udh", "{path} is not hex") from None
    if data and data[0] == len(data) - 1:
        data = data[1:]
    found, i = None, 0
    while i < len(data):
        if i + 2 > len(data) or i + 2 + data[i + 1] > len(data):
            raise Problem("invalid_udh", "{path} is truncated")
        iei, value = data[i], data[i + 2 : i + 2 + data[i + 1]]
        if iei == 0x00 and len(value) == 3:
            found = Concat(value[0], value[1], value[2], 8)
        elif iei == 0x08 and len(value) == 4:
            found = Concat(value[0] << 8 | value[1], value[2], value[3], 16)
        i += 2 + len(value)
    if found and not 1 <= found.sequence <= found.total:
        return None
    return found


def parse_udh(udh_hex: str | None, path: str = "UDH") -> Concat | None:
    """Read the concatenation element (IEI 00: 8-bit, IEI 08: 16-bit reference) of a UDH.

    Gammu stores the header with its length byte (``050003A70201``); a header
    without it is read too. Other elements (ports, language shift) are skipped.
    An element with sequence 0 or beyond the total is ignored, as GSM 03.40 says.
    """
    try:
        return check_udh(udh_hex)
    except Problem as problem:
        raise problem.at(path) from None


class InboxRow(Payload):
    """One row of Gammu's ``inbox`` table, as the database driver returns it."""

    ID: TextOrInt
    SenderNumber: Annotated[StrictStr, after(check_phone)]
    ReceivingDateTime: datetime
    TextDecoded: StrictStr | None = None
    Coding: StrictStr | None = None
    Text: StrictStr | None = None
    UDH: Annotated[StrictStr | None, after(check_udh)] = None
    RecipientID: Any = None

    @field_validator("ReceivingDateTime", mode="plain")
    @classmethod
    def _received(cls, value, info: ValidationInfo) -> datetime:
        try:
            if not isinstance(value, (str, datetime)):
                raise Problem("invalid_type", "{path} has the wrong type")
            # Naive times are the database server's zone, which the caller knows.
            return check_datetime(value, (info.context or {}).get("local_tz"))
        except Problem as problem:
            raise problem.for_pydantic() from None

    @field_validator("Text")
    @classmethod
    def _decoded(cls, value, info: ValidationInfo) -> str | None:
        if info.data.get("TextDecoded") or not value or info.data.get("Coding") == "8bit":
            return value
        # Gammu stores text parts as hex UCS-2 whatever the coding on the air.
        try:
            return bytes.fromhex(value).decode("utf-16-be")
        except ValueError:
            raise Problem("invalid_value", "Text is not hex UCS-2").for_pydantic() from None

    @property
    def text(self) -> str:
        if self.TextDecoded:
            return self.TextDecoded
        return "" if self.Coding == "8bit" else self.Text or ""


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
    inbox = validate(InboxRow, row, f"rows[{index}]", {"local_tz": local_tz})
    return _Part(
        str(inbox.ID),
        inbox.SenderNumber,
        str(inbox.RecipientID or ""),
        inbox.ReceivingDateTime,
        inbox.text,
        inbox.UDH,
        json_safe(row),
    )


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
