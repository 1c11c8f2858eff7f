"""Gammu SMSD's SQL backend: read the ``inbox`` table, write the ``outbox`` tables.

Gammu runs beside a GSM modem and keeps its own database (SQLite, MySQL or
PostgreSQL, chosen by the operator), so we talk to it through a plain DB-API
connection from a DSN rather than through Django's ORM. Gammu's PostgreSQL
schema quotes its mixed-case column names, so identifiers are always quoted.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import unquote, urlsplit

from aduan.lib.gateways import join_gammu_inbox_rows
from aduan.lib.smsgrammar import gsm7_length

from .intake import Outcome, receive
from .models import InboundMessageLog
from .sms import handle_sms

INBOX_COLUMNS = (
    "ID",
    "ReceivingDateTime",
    "Text",
    "TextDecoded",
    "SenderNumber",
    "Coding",
    "UDH",
    "SMSCNumber",
    "Class",
    "RecipientID",
)


class GammuDatabase:
    """A DB-API connection with the quoting and placeholder style of its engine."""

    def __init__(self, connection, *, placeholder: str, quote: str):
        self.connection = connection
        self.placeholder = placeholder
        self._quote = quote

    @property
    def supports_returning(self) -> bool:
        # MySQL has no INSERT ... RETURNING; SQLite's lastrowid is simpler than its RETURNING.
        return self.placeholder != "?" and self._quote != "`"

    def q(self, name: str) -> str:
        return f"{self._quote}{name}{self._quote}"

    def execute(self, sql: str, params=()):
        cursor = self.connection.cursor()
        cursor.execute(sql.replace("%s", self.placeholder), tuple(params))
        return cursor

    def fetch_dicts(self, sql: str, params=()) -> list[dict]:
        cursor = self.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def commit(self):
        self.connection.commit()

    def rollback(self):
        self.connection.rollback()

    def close(self):
        self.connection.close()


def connect(dsn: str) -> GammuDatabase:
    """``sqlite:////abs/path.db``, ``postgres://user:pw@host/db`` or ``mysql://...``."""
    parts = urlsplit(dsn or "")
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(dsn.split("://", 1)[1])
        # sqlite:////abs -> "//abs"; sqlite:///rel -> "/rel": strip one slash like SQLAlchemy.
        path = path[1:] if path.startswith("/") else path
        return GammuDatabase(sqlite3.connect(path, timeout=20), placeholder="?", quote='"')
    if scheme in ("postgres", "postgresql"):
        import psycopg

        return GammuDatabase(psycopg.connect(dsn), placeholder="%s", quote='"')
    if scheme == "mysql":
        try:
            import MySQLdb as driver
        except ImportError as exc:
            raise ValueError("mysql:// needs the mysqlclient package") from exc
        conn = driver.connect(
            host=parts.hostname or "localhost",
            port=parts.port or 3306,
            user=unquote(parts.username or ""),
            passwd=unquote(parts.password or ""),
            db=parts.path.lstrip("/"),
            charset="utf8mb4",
        )
        return GammuDatabase(conn, placeholder="%s", quote="`")
    raise ValueError(f"unsupported DSN scheme {scheme!r}")


# -- inbox -------------------------------------------------------------------------


@dataclass
class PollResult:
    handled: int = 0
    duplicates: int = 0
    rejected: int = 0
    pending: int = 0
    processed_ids: list = field(default_factory=list)


def poll_inbox(db: GammuDatabase, *, limit: int = 500, stale_after=timedelta(minutes=30)):
    """Handle unprocessed inbox rows and mark them ``Processed='true'``.

    Parts of a long SMS that are still missing their siblings stay
    unprocessed until the set is complete (or ``stale_after`` has passed, when
    the parts we have are joined with a gap marker: a lost part never loses
    the complaint). A row that cannot be read is stored as rejected.
    """
    q = db.q
    columns = ", ".join(q(c) for c in INBOX_COLUMNS)
    rows = db.fetch_dicts(
        f"SELECT {columns} FROM {q('inbox')} WHERE {q('Processed')} = %s "  # noqa: S608
        f"ORDER BY {q('ID')} LIMIT {int(limit)}",
        ("false",),
    )
    inbox = join_gammu_inbox_rows(rows, stale_after=stale_after)
    result = PollResult(pending=len(inbox.pending))
    for msg in inbox.messages:
        received = receive(msg, handle_sms)
        if received.duplicate:
            result.duplicates += 1
        else:
            result.handled += 1
        result.processed_ids += msg.gateway_message_id.split(",")
    raw_by_id = {str(r.get("ID")): r for r in rows}
    for rejected in inbox.rejected:
        InboundMessageLog.objects.get_or_create(
            gateway="gammu_sql",
            gateway_message_id=f"rejected:{rejected.row_id}",
            defaults={
                "channel": "sms",
                "raw": {k: str(v) for k, v in (raw_by_id.get(rejected.row_id) or {}).items()},
                "outcome": Outcome.REJECTED,
                "error_code": rejected.error.code,
                "error": rejected.error.message,
            },
        )
        result.rejected += 1
        result.processed_ids.append(rejected.row_id)
    if result.processed_ids:
        marks = ", ".join(["%s"] * len(result.processed_ids))
        db.execute(
            f"UPDATE {q('inbox')} SET {q('Processed')} = %s WHERE {q('ID')} IN ({marks})",  # noqa: S608
            ["true", *[int(i) if str(i).isdigit() else i for i in result.processed_ids]],
        )
        db.commit()
    return result


# -- outbox ------------------------------------------------------------------------

SINGLE_GSM, PART_GSM = 160, 153
SINGLE_UCS2, PART_UCS2 = 70, 67


def _units(ch: str, gsm: bool) -> int:
    if gsm:
        return gsm7_length(ch) or 1
    return 2 if ord(ch) > 0xFFFF else 1  # UTF-16 code units


def split_sms(text: str) -> tuple[str, list[str]]:
    """(Gammu coding, parts) for ``text``: GSM-7 when it fits the alphabet, else UCS-2.

    A part never ends inside a GSM escape pair or a surrogate pair, so each
    part decodes on its own on an old handset.
    """
    gsm = gsm7_length(text) is not None
    coding = "Default_No_Compression" if gsm else "Unicode_No_Compression"
    single, part = (SINGLE_GSM, PART_GSM) if gsm else (SINGLE_UCS2, PART_UCS2)
    if sum(_units(ch, gsm) for ch in text) <= single:
        return coding, [text]
    parts, current, used = [], [], 0
    for ch in text:
        size = _units(ch, gsm)
        if used + size > part:
            parts.append("".join(current))
            current, used = [], 0
        current.append(ch)
        used += size
    if current:
        parts.append("".join(current))
    return coding, parts


def write_outbox(db: GammuDatabase, recipient: str, text: str, creator: str = "aduan") -> str:
    """Queue ``text`` for Gammu to send; returns the outbox ID. Caller commits."""
    q = db.q
    coding, parts = split_sms(text)
    if len(parts) > 255:
        raise ValueError("message too long for one concatenated SMS")
    reference = random.randint(0, 255)

    def udh(seq: int) -> str:
        return f"050003{reference:02X}{len(parts):02X}{seq:02X}" if len(parts) > 1 else ""

    columns = ("DestinationNumber", "TextDecoded", "CreatorID", "Coding", "MultiPart", "UDH")
    values = (recipient, parts[0], creator, coding, "true" if len(parts) > 1 else "false", udh(1))
    sql = (
        f"INSERT INTO {q('outbox')} ({', '.join(q(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    if db.supports_returning:
        cursor = db.execute(sql + f" RETURNING {q('ID')}", values)
        outbox_id = cursor.fetchone()[0]
    else:
        cursor = db.execute(sql, values)
        outbox_id = cursor.lastrowid
    multipart_columns = ("ID", "SequencePosition", "TextDecoded", "Coding", "UDH")
    for seq, chunk in enumerate(parts[1:], start=2):
        db.execute(
            f"INSERT INTO {q('outbox_multipart')} "  # noqa: S608
            f"({', '.join(q(c) for c in multipart_columns)}) "
            f"VALUES ({', '.join(['%s'] * len(multipart_columns))})",
            (outbox_id, seq, chunk, coding, udh(seq)),
        )
    return str(outbox_id)


# -- delivery reports --------------------------------------------------------------

# ``sentitems.Status`` as Gammu writes it, read as a delivery receipt.
_SENT_STATUS = {
    "DeliveryOK": "delivered",
    "SendingOK": "sent",
    "SendingOKNoReport": "sent",
    "DeliveryPending": "sent",
    "DeliveryUnknown": "sent",
    "SendingError": "failed",
    "DeliveryFailed": "failed",
    "Error": "failed",
}


def read_receipts(db: GammuDatabase, outbox_ids: list[str]) -> dict[str, tuple[str, str]]:
    """{outbox ID: (status, Gammu's word)} from ``sentitems`` for messages Gammu has sent.

    A multipart message has a row per part: one failed part fails it, and it is
    delivered only when every part is.
    """
    ids = [int(i) for i in outbox_ids if str(i).isdigit()]
    if not ids:
        return {}
    q = db.q
    marks = ", ".join(["%s"] * len(ids))
    rows = db.fetch_dicts(
        f"SELECT {q('ID')}, {q('Status')} FROM {q('sentitems')} "  # noqa: S608
        f"WHERE {q('ID')} IN ({marks})",
        ids,
    )
    parts: dict[str, list[str]] = {}
    for row in rows:
        parts.setdefault(str(row["ID"]), []).append(str(row["Status"] or ""))
    found = {}
    for outbox_id, words in parts.items():
        statuses = [_SENT_STATUS.get(w, "sent") for w in words]
        if "failed" in statuses:
            word = next(w for w in words if _SENT_STATUS.get(w) == "failed")
            found[outbox_id] = ("failed", word)
        elif all(s == "delivered" for s in statuses):
            found[outbox_id] = ("delivered", "DeliveryOK")
        else:
            found[outbox_id] = ("sent", words[0])
    return found
