"""E-mail intake: IMAP polling against a fake server, the signed webhook, threading by code."""

from __future__ import annotations

import json
from email.message import EmailMessage

import pytest
from django.core import mail
from django.core.management import call_command

from aduan.channels import email_intake
from aduan.channels.models import InboundMessageLog
from aduan.core import lifecycle, outbox
from aduan.core.models import Attachment, Channel, Complaint, Event, OutboundMessage, Status

from .conftest import CODE_RE, post_json, sign

WEBHOOK = "/webhooks/email/"


def rfc822(
    *,
    sender="Rina Wati <rina@contoh.id>",
    subject="Jalan berlubang",
    body="",
    message_id=None,
    image=None,
    headers=None,
):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "aduan@malangkota.go.id"
    msg["Subject"] = subject
    msg["Date"] = "Fri, 21 Nov 2026 09:30:00 +0700"
    if message_id:
        msg["Message-ID"] = message_id
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body or "Jalan di depan SDN Kauman 1 berlubang dalam, sudah dua minggu.")
    if image:
        msg.add_attachment(image, maintype="image", subtype="jpeg", filename="lubang.jpg")
    return msg.as_bytes()


class FakeImap:
    """The slice of imaplib.IMAP4 that the poller uses, with messages in memory."""

    def __init__(self, messages: dict[bytes, bytes]):
        self.messages = messages
        self.seen: set[bytes] = set()
        self.selected = None
        self.logged_out = False

    def select(self, mailbox):
        self.selected = mailbox
        return "OK", [str(len(self.messages)).encode()]

    def uid(self, command, *args):
        if command == "SEARCH":
            unseen = [u for u in self.messages if u not in self.seen]
            return "OK", [b" ".join(unseen)]
        if command == "FETCH":
            uid = args[0]
            return "OK", [
                (
                    b"%s (UID %s BODY[] {%d}" % (uid, uid, len(self.messages[uid])),
                    self.messages[uid],
                ),
                b")",
            ]
        if command == "STORE":
            self.seen.add(args[0])
            return "OK", [b""]
        raise AssertionError(command)

    def logout(self):
        self.logged_out = True
        return "BYE", [b""]


@pytest.fixture
def imap(monkeypatch):
    server = FakeImap({})
    monkeypatch.setattr(email_intake, "connect_imap", lambda: server)
    return server


def test_poll_files_new_mail_once(imap, city, jpeg, channel_settings):
    imap.messages[b"7"] = rfc822(message_id="<m1@contoh.id>", image=jpeg())
    imap.messages[b"8"] = rfc822(message_id="<m1@contoh.id>")  # the same mail, delivered twice
    call_command("email", "poll")
    complaint = Complaint.objects.get()
    assert CODE_RE.match(complaint.code) and complaint.status == Status.BARU
    assert complaint.channel == Channel.EMAIL and complaint.reporter_email == "rina@contoh.id"
    assert complaint.reporter_name == "Rina Wati"
    assert complaint.text.startswith("Jalan berlubang\n\nJalan di depan SDN Kauman 1")
    assert Attachment.objects.filter(complaint=complaint).count() == 1
    assert imap.seen == {b"7", b"8"} and imap.logged_out and imap.selected == "INBOX"
    notice = OutboundMessage.objects.get(complaint=complaint)
    assert notice.channel == "email" and notice.recipient == "rina@contoh.id"
    call_command("email", "poll")
    assert Complaint.objects.count() == 1 and InboundMessageLog.objects.count() == 1


def test_reply_with_code_adds_requested_info(imap, complaint_in, channel_settings):
    waiting = complaint_in(
        Status.MENUNGGU_INFO, channel=Channel.EMAIL, reporter_email="rina@contoh.id"
    )
    body = "Rumahnya yang bercat hijau, nomor 12.\n\nOn Fri, 21 Nov 2026 Aduan wrote:\n> Di sebelah mana?"
    imap.messages[b"9"] = rfc822(
        subject=f"Re: [{waiting.code}] Informasi tambahan diminta",
        body=body,
        message_id="<r1@contoh.id>",
    )
    call_command("email", "poll")
    waiting.refresh_from_db()
    assert waiting.status == Status.DIDISPOSISIKAN
    event = waiting.events.get(kind=Event.Kind.INFO_PROVIDED)
    assert event.note == "Rumahnya yang bercat hijau, nomor 12." and event.data == {"via": "email"}
    assert Complaint.objects.count() == 1
    notice = OutboundMessage.objects.filter(channel="email").latest("id")
    assert waiting.code in notice.body and notice.subject.startswith("Re: ")


def test_reply_to_a_running_complaint_is_an_internal_note(imap, complaint_in, channel_settings):
    running = complaint_in(Status.DIPROSES, reporter_email="rina@contoh.id")
    imap.messages[b"10"] = rfc822(
        subject=f"Re: [{running.code.lower()}] Diproses",
        body="Kapan dikerjakan?",
        message_id="<r2@contoh.id>",
    )
    imap.messages[b"11"] = rfc822(
        sender="orang.lain@contoh.id",
        subject=f"Fwd: {running.code}",
        body="Saya juga mengalami ini.",
        message_id="<r3@contoh.id>",
    )
    call_command("email", "poll")
    running.refresh_from_db()
    assert running.status == Status.DIPROSES
    notes = list(running.events.filter(kind=Event.Kind.NOTE).order_by("id"))
    assert [n.data["from_reporter"] for n in notes] == [True, False]
    assert notes[0].is_public is False and "Kapan dikerjakan?" in notes[0].note
    assert Complaint.objects.count() == 1


def test_auto_replies_are_ignored(imap, city, channel_settings):
    imap.messages[b"12"] = rfc822(
        subject="Out of office",
        message_id="<ooo@contoh.id>",
        headers={"Auto-Submitted": "auto-replied"},
    )
    call_command("email", "poll")
    assert not Complaint.objects.exists() and not OutboundMessage.objects.exists()
    assert InboundMessageLog.objects.get().outcome == "ignored"


def test_unreadable_sender_is_rejected_and_marked_seen(imap, city, channel_settings):
    imap.messages[b"13"] = rfc822(sender="undisclosed-recipients:;")
    call_command("email", "poll")
    assert not Complaint.objects.exists()
    assert InboundMessageLog.objects.get().outcome == "rejected"
    assert imap.seen == {b"13"}


def webhook_post(client, payload, secret="mail-hook-secret"):  # noqa: S107
    body = json.dumps(payload).encode()
    return post_json(client, WEBHOOK, body, HTTP_X_ADUAN_SIGNATURE=sign(secret, body))


def test_webhook_files_and_dedups_by_message_id(client, city, channel_settings):
    payload = {
        "from": "Budi <budi@contoh.id>",
        "subject": "Sampah di sungai",
        "text": "Sampah menumpuk di sungai dekat jembatan Kedungkandang.",
        "message_id": "<w1@contoh.id>",
    }
    first = webhook_post(client, payload)
    assert first.status_code == 200 and first.json()["outcome"] == "created"
    again = webhook_post(client, payload)
    assert again.json()["status"] == "duplicate"
    assert Complaint.objects.get().reporter_email == "budi@contoh.id"


def test_webhook_bad_signature_stores_nothing(client, city, channel_settings):
    payload = {
        "from": "a@b.id",
        "subject": "x",
        "text": "Jalan rusak parah sekali",
        "message_id": "<z>",
    }
    assert webhook_post(client, payload, secret="nope").status_code == 403
    assert not InboundMessageLog.objects.exists() and not Complaint.objects.exists()


def test_webhook_malformed_is_kept_when_it_reads_like_a_complaint(client, city, channel_settings):
    payload = {"from": "budi@contoh.id", "text": "Lampu jalan mati di seluruh gang Kauman tiga."}
    response = webhook_post(client, payload)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "message_id" and response.json()["kept"] is True
    complaint = Complaint.objects.get()
    assert complaint.reporter_email == "budi@contoh.id" and complaint.status == Status.BARU


def test_answer_goes_back_by_email(client, city, channel_settings, mira, dewi):
    webhook_post(
        client,
        {
            "from": "budi@contoh.id",
            "subject": "Sampah",
            "text": "Sampah menumpuk di sungai dekat jembatan.",
            "message_id": "<w2@contoh.id>",
        },
    )
    complaint = Complaint.objects.get()
    lifecycle.dispatch(complaint, mira, lead=city["dlh"])
    lifecycle.resolve(complaint, dewi, answer="Sampah sudah diangkut.")
    answer = OutboundMessage.objects.filter(channel="email").latest("id")
    assert answer.subject.startswith(f"[{complaint.code}]")
    outbox.deliver_due()
    sent = [m for m in mail.outbox if "Sampah sudah diangkut." in m.body]
    assert len(sent) == 1 and sent[0].to == ["budi@contoh.id"]
    assert complaint.code in sent[0].subject


def test_worker_job_polls_the_mailbox(imap, city, settings, channel_settings):
    from aduan.channels.jobs import poll_email

    imap.messages[b"20"] = rfc822(message_id="<job@contoh.id>")
    settings.ADUAN_IMAP_HOST = ""
    assert poll_email() == "" and not Complaint.objects.exists()
    settings.ADUAN_IMAP_HOST = "imap.contoh.id"
    assert poll_email() == "handled=1"
    assert Complaint.objects.count() == 1 and imap.logged_out


def test_a_broken_message_does_not_block_the_mailbox(imap, city, channel_settings, monkeypatch):
    imap.messages[b"30"] = rfc822(message_id="<broken@contoh.id>")
    imap.messages[b"31"] = rfc822(message_id="<fine@contoh.id>", subject="Lampu mati")
    real = email_intake.parse_rfc822

    def flaky(data):
        if b"broken@" in data:
            raise UnicodeError("bad bytes")
        return real(data)

    monkeypatch.setattr(email_intake, "parse_rfc822", flaky)
    call_command("email", "poll")
    assert Complaint.objects.count() == 1 and imap.seen == {b"30", b"31"}
    assert InboundMessageLog.objects.filter(outcome="rejected").count() == 1
