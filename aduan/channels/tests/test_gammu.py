"""Gammu SMSD: the RunOnReceive command, the SQL inbox poller and the outbox writer."""

from __future__ import annotations

import sqlite3

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from aduan.channels import gammu
from aduan.channels.models import InboundMessageLog
from aduan.core import lifecycle, outbox
from aduan.core.models import Complaint, OutboundMessage, Status

# Gammu's own SQLite schema for the tables we touch (columns as in its smsd docs; of
# sentitems only those the sender reads).
SCHEMA = """
CREATE TABLE inbox (
  UpdatedInDB NUMERIC NOT NULL DEFAULT (datetime('now', 'localtime')),
  ReceivingDateTime NUMERIC NOT NULL DEFAULT (datetime('now', 'localtime')),
  Text TEXT NOT NULL,
  SenderNumber TEXT NOT NULL DEFAULT '',
  Coding TEXT NOT NULL DEFAULT 'Default_No_Compression',
  UDH TEXT NOT NULL,
  SMSCNumber TEXT NOT NULL DEFAULT '',
  Class INTEGER NOT NULL DEFAULT -1,
  TextDecoded TEXT NOT NULL DEFAULT '',
  ID INTEGER PRIMARY KEY AUTOINCREMENT,
  RecipientID TEXT NOT NULL,
  Processed TEXT NOT NULL DEFAULT 'false'
);
CREATE TABLE outbox (
  UpdatedInDB NUMERIC NOT NULL DEFAULT (datetime('now', 'localtime')),
  InsertIntoDB NUMERIC NOT NULL DEFAULT (datetime('now', 'localtime')),
  SendingDateTime NUMERIC NOT NULL DEFAULT (datetime('now', 'localtime')),
  Text TEXT,
  DestinationNumber TEXT NOT NULL DEFAULT '',
  Coding TEXT NOT NULL DEFAULT 'Default_No_Compression',
  UDH TEXT,
  Class INTEGER DEFAULT -1,
  TextDecoded TEXT NOT NULL DEFAULT '',
  ID INTEGER PRIMARY KEY AUTOINCREMENT,
  MultiPart TEXT NOT NULL DEFAULT 'false',
  RelativeValidity INTEGER DEFAULT -1,
  SenderID TEXT,
  SendingTimeOut NUMERIC NOT NULL DEFAULT (datetime('now', 'localtime')),
  DeliveryReport TEXT DEFAULT 'default',
  CreatorID TEXT NOT NULL,
  Retries INTEGER DEFAULT 0,
  Priority INTEGER DEFAULT 0,
  Status TEXT NOT NULL DEFAULT 'Reserved',
  StatusCode INTEGER NOT NULL DEFAULT -1
);
CREATE TABLE sentitems (
  ID INTEGER NOT NULL DEFAULT 0,
  SequencePosition INTEGER NOT NULL DEFAULT 1,
  DestinationNumber TEXT NOT NULL DEFAULT '',
  TextDecoded TEXT NOT NULL DEFAULT '',
  CreatorID TEXT NOT NULL,
  Status TEXT NOT NULL DEFAULT 'SendingOK',
  PRIMARY KEY (ID, SequencePosition)
);
CREATE TABLE outbox_multipart (
  Text TEXT,
  Coding TEXT NOT NULL DEFAULT 'Default_No_Compression',
  UDH TEXT,
  Class INTEGER DEFAULT -1,
  TextDecoded TEXT DEFAULT NULL,
  ID INTEGER,
  SequencePosition INTEGER NOT NULL DEFAULT 1,
  Status TEXT NOT NULL DEFAULT 'Reserved',
  StatusCode INTEGER NOT NULL DEFAULT -1,
  PRIMARY KEY (ID, SequencePosition)
);
"""


@pytest.fixture
def smsd(tmp_path):
    path = tmp_path / "smsd.db"
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    conn.commit()
    yield path, conn
    conn.close()


def add_inbox(conn, sender, text, udh="", when="2026-11-21 09:30:00"):
    conn.execute(
        "INSERT INTO inbox (ReceivingDateTime, Text, SenderNumber, UDH, TextDecoded, RecipientID)"
        " VALUES (?, '', ?, ?, ?, 'modem1')",
        (when, sender, udh, text),
    )
    conn.commit()


def processed(conn):
    return dict(conn.execute("SELECT ID, Processed FROM inbox").fetchall())


# -- RunOnReceive ---------------------------------------------------------------------


def gammu_env(monkeypatch, **variables):
    for key in list(__import__("os").environ):
        if key.startswith(("SMS_", "DECODED_")):
            monkeypatch.delenv(key)
    for key, value in variables.items():
        monkeypatch.setenv(key, value)


def test_run_on_receive_joins_multipart(monkeypatch, city, capsys):
    gammu_env(
        monkeypatch,
        SMS_MESSAGES="2",
        DECODED_PARTS="1",
        PHONE_ID="modem1",
        SMS_1_NUMBER="+6281234567890",
        SMS_1_TEXT="ADUAN Kauman#Jalan di depan pasar berlubang besar, ",
        SMS_2_NUMBER="+6281234567890",
        SMS_2_TEXT="sudah dua minggu.",
        DECODED_1_TEXT="ADUAN Kauman#Jalan di depan pasar berlubang besar, sudah dua minggu.",
    )
    call_command("sms", "gammu-receive", "41", "42")
    complaint = Complaint.objects.get()
    assert complaint.text == "Jalan di depan pasar berlubang besar, sudah dua minggu."
    assert complaint.kelurahan == city["kauman"] and complaint.status == Status.BARU
    assert InboundMessageLog.objects.get().gateway_message_id == "41,42"
    # Gammu runs the hook again for the same ids: nothing new.
    call_command("sms", "gammu-receive", "41", "42")
    assert Complaint.objects.count() == 1
    assert "duplicate" in capsys.readouterr().out


def test_run_on_receive_without_ids_dedups_briefly(monkeypatch, city):
    gammu_env(
        monkeypatch,
        SMS_MESSAGES="1",
        SMS_1_NUMBER="081234567890",
        SMS_1_TEXT="ADUAN Gadang#Air PDAM keruh sejak kemarin pagi",
    )
    call_command("sms", "gammu-receive")
    call_command("sms", "gammu-receive")
    assert Complaint.objects.count() == 1
    assert InboundMessageLog.objects.count() == 1


def test_run_on_receive_malformed_env_is_an_error(monkeypatch, city):
    gammu_env(
        monkeypatch, SMS_MESSAGES="1", SMS_1_TEXT="Banjir di jalan Kawi, tolong dibantu segera."
    )
    with pytest.raises(CommandError, match="SMS_1_NUMBER"):
        call_command("sms", "gammu-receive")
    complaint = Complaint.objects.get()
    assert complaint.status == Status.BARU and complaint.reporter_phone == ""
    assert InboundMessageLog.objects.get().outcome == "kept"


# -- SQL inbox --------------------------------------------------------------------------


def test_poll_handles_rows_and_marks_them_processed(smsd, city, complaint_in):
    path, conn = smsd
    waiting = complaint_in(Status.MENUNGGU_INFO, reporter_phone="+6285712345678")
    add_inbox(conn, "+6281234567890", "LAPOR kel. oro oro dowo # Trotoar rusak dan berlubang")
    add_inbox(conn, "085712345678", f"info {waiting.code} di sebelah warung bu Sri")
    # A long SMS in two parts, and a part whose sibling has not arrived yet.
    add_inbox(conn, "+6281111111111", "ADUAN Gadang#Sampah di TPS ", udh="050003A70201")
    add_inbox(conn, "+6281111111111", "belum diangkut seminggu.", udh="050003A70202")
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
    add_inbox(conn, "+6282222222222", "ADUAN Kauman#awal pesan ", udh="0500031B0201", when=now)
    add_inbox(conn, "bogus", "x")
    call_command("sms", "gammu-poll", "--dsn", f"sqlite:///{path}")
    texts = set(Complaint.objects.exclude(pk=waiting.pk).values_list("text", flat=True))
    assert texts == {"Trotoar rusak dan berlubang", "Sampah di TPS belum diangkut seminggu."}
    waiting.refresh_from_db()
    assert waiting.status == Status.DIDISPOSISIKAN
    assert processed(conn) == {1: "true", 2: "true", 3: "true", 4: "true", 5: "false", 6: "true"}
    assert InboundMessageLog.objects.filter(outcome="rejected", gateway="gammu_sql").count() == 1
    # Polling again changes nothing; the incomplete set still waits.
    call_command("sms", "gammu-poll", "--dsn", f"sqlite:///{path}")
    assert Complaint.objects.count() == 3
    assert processed(conn)[5] == "false"
    # Once the set is stale, the parts we have are filed with a gap marker, not lost.
    call_command("sms", "gammu-poll", "--dsn", f"sqlite:///{path}", "--stale-minutes", "0")
    assert Complaint.objects.latest("id").text == "awal pesan  [...]"
    assert processed(conn)[5] == "true"


def test_poll_needs_a_dsn(db, monkeypatch):
    monkeypatch.delenv("ADUAN_GAMMU_DSN", raising=False)
    with pytest.raises(CommandError):
        call_command("sms", "gammu-poll", "--dsn", "")
    with pytest.raises(CommandError, match="unsupported"):
        call_command("sms", "gammu-poll", "--dsn", "oracle://x")


# -- outbox ----------------------------------------------------------------------------


def test_split_sms():
    assert gammu.split_sms("halo") == ("Default_No_Compression", ["halo"])
    coding, parts = gammu.split_sms("a" * 200)
    assert coding == "Default_No_Compression" and [len(p) for p in parts] == [153, 47]
    coding, parts = gammu.split_sms("€" * 100)  # two septets each
    assert [len(p) for p in parts] == [76, 24]
    coding, parts = gammu.split_sms("ü😀" * 40)
    assert coding == "Unicode_No_Compression" and "".join(parts) == "ü😀" * 40
    assert all(sum(2 if ord(c) > 0xFFFF else 1 for c in p) <= 67 for p in parts)


def test_answer_goes_out_through_gammu_outbox(smsd, settings, complaint_in, adi):
    path, conn = smsd
    settings.ADUAN_GAMMU_DSN = f"sqlite:///{path}"
    settings.ADUAN_SENDERS = {
        **settings.ADUAN_SENDERS,
        "sms": "aduan.channels.senders.GammuOutboxSender",
    }
    from aduan.core import senders

    senders._sender_for.cache_clear()
    complaint = complaint_in(Status.DIPROSES)
    OutboundMessage.objects.all().delete()
    lifecycle.resolve(complaint, adi, answer="Lubang sudah ditambal. " + "Terima kasih. " * 15)
    message = OutboundMessage.objects.get(channel="sms")
    assert outbox.deliver_due() == (1, 0)
    message.refresh_from_db()
    rows = conn.execute(
        "SELECT ID, DestinationNumber, MultiPart, UDH, TextDecoded, CreatorID FROM outbox"
    ).fetchall()
    [(outbox_id, number, multipart, udh, first, creator)] = rows
    assert message.provider_id == f"gammu:{outbox_id}" and message.state == "sent"
    assert number == "+6281234567890" and creator == f"aduan:outbox-{message.pk}@testserver"
    rest = conn.execute(
        "SELECT SequencePosition, TextDecoded, UDH FROM outbox_multipart WHERE ID = ? ORDER BY 1",
        (outbox_id,),
    ).fetchall()
    assert first + "".join(r[1] for r in rest) == message.body
    assert [r[0] for r in rest] == list(range(2, len(rest) + 2))
    total = len(rest) + 1
    assert multipart == "true" and total >= 2
    assert udh == f"050003{udh[6:8]}{total:02X}01"
    assert [r[2] for r in rest] == [
        f"050003{udh[6:8]}{total:02X}{n:02X}" for n in range(2, total + 1)
    ]
    senders._sender_for.cache_clear()


def test_worker_job_polls_when_configured(smsd, settings, city):
    from aduan.channels.jobs import poll_gammu

    path, conn = smsd
    settings.ADUAN_GAMMU_DSN = ""
    add_inbox(conn, "+6281234567890", "ADUAN Kauman#Jalan berlubang di gang tiga")
    assert poll_gammu() == "" and processed(conn) == {1: "false"}
    settings.ADUAN_GAMMU_DSN = f"sqlite:///{path}"
    assert poll_gammu().startswith("handled=1")
    assert processed(conn) == {1: "true"} and Complaint.objects.count() == 1
    settings.ADUAN_GAMMU_DSN = "sqlite:////nonexistent/dir/smsd.db"
    assert "unreachable" in poll_gammu()
