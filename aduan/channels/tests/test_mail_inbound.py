"""Inbound mail from mail services through django-anymail, threading by Message-ID, robots.

The payloads follow each service's documented inbound format, written out by hand:
Mailgun's forward() route (a form POST with ``timestamp``, ``token`` and ``signature``),
Postmark's inbound JSON (behind HTTP basic auth) and SendGrid's Inbound Parse
(multipart/form-data with the raw header block). As in anymail's own tests, the
service's settings go in ``settings.ANYMAIL`` and each request is signed the way the
service signs it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.test import Client

from aduan.channels.models import InboundMessageLog, OutboundMailId
from aduan.core import lifecycle, outbox
from aduan.core.models import Attachment, Channel, Complaint, Event, OutboundMessage, Status

from .conftest import CODE_RE

MAILGUN = "/webhooks/email/mailgun/inbound/"
POSTMARK = "/webhooks/email/postmark/inbound/"
SENDGRID = "/webhooks/email/sendgrid/inbound/"
BREVO = "/webhooks/email/brevo/inbound/"
BASIC = "kota-malang:rahasia-webhook-surat"
SIGNING_KEY = "key-mailgun-signing-0123456789"
BODY = "Lampu jalan di Jl. Kawi depan toko roti mati sejak Senin, gelap sekali malam hari."


@pytest.fixture
def anymail(settings, channel_settings, city):
    settings.ANYMAIL = {
        "WEBHOOK_SECRET": BASIC,
        "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY,
        "BREVO_API_KEY": "xkeysib-test",
    }
    return settings


def auth(credentials: str = BASIC) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


# -- Mailgun --------------------------------------------------------------------------


def mailgun_form(
    *,
    message_id="<CAJ8mg01@mail.gmail.com>",
    subject="Lampu jalan mati",
    body=BODY,
    sender="Rina Wati <rina@contoh.id>",
    headers=(),
    key=SIGNING_KEY,
    timestamp="1764901800",
    token="a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0",  # noqa: S107
):
    """Mailgun's forward() POST: parsed fields, the headers as a JSON list, the signature."""
    message_headers = [
        ["Received", "by luna.mailgun.net with SMTP mgrt 8734663311733"],
        ["Mime-Version", "1.0"],
        ["From", sender],
        ["To", "aduan@malangkota.go.id"],
        ["Subject", subject],
        ["Date", "Fri, 05 Dec 2026 09:30:00 +0700"],
        ["Message-Id", message_id],
        ["Content-Type", 'text/plain; charset="utf-8"'],
        *[list(h) for h in headers],
    ]
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "recipient": "aduan@malangkota.go.id",
        "sender": "rina@contoh.id",
        "from": sender,
        "subject": subject,
        "body-plain": body,
        "stripped-text": body,
        "stripped-signature": "",
        "message-headers": json.dumps(message_headers),
        "timestamp": timestamp,
        "token": token,
        "signature": signature,
    }


def post_mailgun(client, form, **extra):
    return client.post(
        MAILGUN,
        data=urlencode(form),
        content_type="application/x-www-form-urlencoded",
        **{**auth(), **extra},
    )


def test_mailgun_mail_files_a_complaint(client, anymail):
    response = post_mailgun(client, mailgun_form())
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert CODE_RE.match(complaint.code) and complaint.status == Status.BARU
    assert complaint.channel == Channel.EMAIL and complaint.reporter_email == "rina@contoh.id"
    assert complaint.reporter_name == "Rina Wati"
    assert complaint.text == f"Lampu jalan mati\n\n{BODY}"
    entry = InboundMessageLog.objects.get()
    assert entry.gateway == "email" and entry.gateway_message_id == "<CAJ8mg01@mail.gmail.com>"
    assert entry.outcome == "created" and entry.raw["esp"] == "Mailgun"
    notice = OutboundMessage.objects.get(complaint=complaint)
    assert notice.channel == "email" and notice.recipient == "rina@contoh.id"


def test_mailgun_bad_signature_stores_nothing(client, anymail):
    forged = mailgun_form(key="not-the-signing-key")
    assert post_mailgun(client, forged).status_code == 400
    # The right signature for another timestamp is no better (a replayed token).
    replayed = {**mailgun_form(), "timestamp": "1764901801"}
    assert post_mailgun(client, replayed).status_code == 400
    assert not InboundMessageLog.objects.exists() and not Complaint.objects.exists()
    assert not OutboundMessage.objects.exists()


def test_a_retried_webhook_files_once(client, anymail):
    form = mailgun_form()
    assert post_mailgun(client, form).status_code == 200
    # Mailgun retries when it did not see our 200; a new token, the same Message-ID.
    again = mailgun_form(token="f0e3d2c1b0a99887766554433221100ffeeddccbbaa99887766")
    assert post_mailgun(client, again).status_code == 200
    assert post_mailgun(client, form).status_code == 200
    assert Complaint.objects.count() == 1 and InboundMessageLog.objects.count() == 1
    assert OutboundMessage.objects.count() == 1


def test_the_same_mail_pushed_and_polled_is_handled_once(client, anymail, monkeypatch):
    from aduan.channels import email_intake

    from .test_email import FakeImap, rfc822

    assert post_mailgun(client, mailgun_form(message_id="<both@contoh.id>")).status_code == 200
    server = FakeImap({b"1": rfc822(message_id="<both@contoh.id>")})
    result = email_intake.poll_mailbox(server)
    assert result.duplicates == 1 and Complaint.objects.count() == 1


# -- Postmark ---------------------------------------------------------------------------


def postmark_json(
    *,
    message_id="<pm-1@contoh.id>",
    subject="Sampah menumpuk",
    text="Sampah menumpuk di pinggir sungai Brantas dekat jembatan, baunya menyengat.",
    headers=(),
    attachments=(),
    from_email="budi@contoh.id",
    from_name="Budi Santoso",
):
    """Postmark's inbound webhook body (its own MessageID is not the Message-ID header)."""
    return {
        "FromName": from_name,
        "MessageStream": "inbound",
        "From": from_email,
        "FromFull": {"Email": from_email, "Name": from_name, "MailboxHash": ""},
        "To": "aduan@malangkota.go.id",
        "ToFull": [{"Email": "aduan@malangkota.go.id", "Name": "", "MailboxHash": ""}],
        "Cc": "",
        "CcFull": [],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": "aduan@malangkota.go.id",
        "Subject": subject,
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "ReplyTo": "",
        "MailboxHash": "",
        "Date": "Fri, 5 Dec 2026 09:41:00 +0700",
        "TextBody": text,
        "HtmlBody": "",
        "StrippedTextReply": "",
        "Tag": "",
        "Headers": [
            {"Name": "Return-Path", "Value": f"<{from_email}>"},
            {"Name": "X-Spam-Status", "Value": "No"},
            {"Name": "X-Spam-Score", "Value": "-0.1"},
            {"Name": "MIME-Version", "Value": "1.0"},
            {"Name": "Message-ID", "Value": message_id},
            *[{"Name": n, "Value": v} for n, v in headers],
        ],
        "Attachments": list(attachments),
    }


def post_postmark(client, payload, **extra):
    return client.post(
        POSTMARK, data=json.dumps(payload), content_type="application/json", **{**auth(), **extra}
    )


def test_postmark_mail_with_a_photo_files_a_complaint(client, anymail, jpeg):
    photo = {
        "Name": "sampah.jpg",
        "Content": base64.b64encode(jpeg()).decode(),
        "ContentType": "image/jpeg",
        "ContentLength": len(jpeg()),
    }
    assert post_postmark(client, postmark_json(attachments=[photo])).status_code == 200
    complaint = Complaint.objects.get()
    assert (
        complaint.reporter_email == "budi@contoh.id" and complaint.reporter_name == "Budi Santoso"
    )
    assert complaint.text.startswith("Sampah menumpuk\n\nSampah menumpuk di pinggir sungai")
    assert Attachment.objects.filter(complaint=complaint).count() == 1
    assert InboundMessageLog.objects.get().raw["esp"] == "Postmark"


def test_postmark_without_the_basic_auth_stores_nothing(client, anymail):
    assert post_postmark(client, postmark_json(), **auth("kota-malang:salah")).status_code == 400
    response = client.post(
        POSTMARK, data=json.dumps(postmark_json()), content_type="application/json"
    )
    assert response.status_code == 400
    assert not InboundMessageLog.objects.exists() and not Complaint.objects.exists()


def test_a_service_checked_by_basic_auth_alone_is_closed_until_a_secret_is_set(
    client, settings, channel_settings, city
):
    settings.ANYMAIL = {}
    response = client.post(
        POSTMARK, data=json.dumps(postmark_json()), content_type="application/json"
    )
    assert response.status_code == 403
    assert not InboundMessageLog.objects.exists() and not Complaint.objects.exists()


def test_a_tracking_event_sent_to_the_inbound_url_files_nothing(anymail):
    bounce = {
        "RecordType": "Bounce",
        "MessageStream": "outbound",
        "ID": 4323372036854775807,
        "Type": "HardBounce",
        "TypeCode": 1,
        "Name": "Hard bounce",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "Email": "rina@contoh.id",
        "From": "aduan@malangkota.go.id",
        "BouncedAt": "2026-12-05T09:00:00Z",
    }
    response = post_postmark(Client(raise_request_exception=False), bounce)
    assert response.status_code >= 400
    assert not InboundMessageLog.objects.exists() and not Complaint.objects.exists()


# -- SendGrid ---------------------------------------------------------------------------


def test_sendgrid_inbound_parse_files_a_complaint(client, anymail):
    raw_headers = (
        "Received: from mail-yw1-f170.google.com by mx.sendgrid.net with SMTP\n"
        "MIME-Version: 1.0\n"
        "From: Sri Lestari <sri@contoh.id>\n"
        "Date: Fri, 5 Dec 2026 10:02:00 +0700\n"
        "Message-ID: <CAHsg77@mail.gmail.com>\n"
        "Subject: Saluran air tersumbat\n"
        "To: aduan@malangkota.go.id\n"
        'Content-Type: multipart/alternative; boundary="000000000000b1"\n'
    )
    form = {
        "headers": raw_headers,
        "dkim": "{@contoh.id : pass}",
        "to": "aduan@malangkota.go.id",
        "from": "Sri Lestari <sri@contoh.id>",
        "subject": "Saluran air tersumbat",
        "text": "Saluran air di Jl. Ijen tersumbat, air meluap ke jalan setiap hujan.\n",
        "html": "<div>Saluran air di Jl. Ijen tersumbat, air meluap ke jalan setiap hujan.</div>",
        "sender_ip": "209.85.128.170",
        "envelope": json.dumps({"to": ["aduan@malangkota.go.id"], "from": "sri@contoh.id"}),
        "attachments": "0",
        "charsets": json.dumps(
            {"to": "UTF-8", "html": "UTF-8", "subject": "UTF-8", "from": "UTF-8", "text": "UTF-8"}
        ),
        "SPF": "pass",
        "spam_score": "0.1",
    }
    with pytest.warns(Warning):  # anymail no longer supports SendGrid officially; it works
        assert client.post(SENDGRID, data=form, **auth()).status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.reporter_email == "sri@contoh.id"
    assert complaint.text.startswith("Saluran air tersumbat\n\nSaluran air di Jl. Ijen")
    entry = InboundMessageLog.objects.get()
    assert entry.gateway_message_id == "<CAHsg77@mail.gmail.com>" and entry.raw["esp"] == "SendGrid"


# -- Brevo ------------------------------------------------------------------------------


def brevo_item(uuid, message_id, sender, subject, text):
    """One parsed mail of Brevo's inbound webhook; it posts them in batches as ``items``."""
    return {
        "Uuid": [uuid],
        "MessageId": message_id,
        "InReplyTo": None,
        "From": {"Name": None, "Address": sender},
        "To": [{"Name": None, "Address": "aduan@malangkota.go.id"}],
        "Cc": None,
        "ReplyTo": None,
        "SentAtDate": "Fri, 5 Dec 2026 10:15:00 +0700",
        "Subject": subject,
        "Attachments": [],
        "Headers": {
            "Received": "by mx.brevo.com with ESMTP",
            "Message-ID": message_id,
            "From": sender,
            "To": "aduan@malangkota.go.id",
            "Subject": subject,
            "Date": "Fri, 5 Dec 2026 10:15:00 +0700",
            "Content-Type": "text/plain; charset=UTF-8",
        },
        "SpamScore": 0.2,
        "ExtractedMarkdownMessage": text,
        "ExtractedMarkdownSignature": None,
        "RawHtmlBody": None,
        "RawTextBody": text,
        "EMLDownloadURL": None,
    }


def test_brevo_batch_files_each_mail(client, anymail):
    payload = {
        "items": [
            brevo_item(
                "b1", "<b1@contoh.id>", "ani@contoh.id", "Trotoar rusak", "Trotoar Jl. Ijen ambles."
            ),
            brevo_item(
                "b2",
                "<b2@contoh.id>",
                "eko@contoh.id",
                "Pohon tumbang",
                "Pohon tumbang di Jl. Semeru.",
            ),
        ]
    }
    body = json.dumps(payload)
    assert (
        client.post(BREVO, data=body, content_type="application/json", **auth()).status_code == 200
    )
    assert sorted(Complaint.objects.values_list("reporter_email", flat=True)) == [
        "ani@contoh.id",
        "eko@contoh.id",
    ]
    response = client.post(BREVO, data=body, content_type="application/json")
    assert response.status_code == 400 and Complaint.objects.count() == 2


# -- threading --------------------------------------------------------------------------


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def test_a_reply_to_our_message_id_threads_without_the_code(client, anymail, complaint_in):
    waiting = complaint_in(
        Status.MENUNGGU_INFO,
        channel=Channel.EMAIL,
        reporter_email="rina@contoh.id",
        reporter_phone="",
    )
    other = complaint_in(Status.DIPROSES)
    outbox.deliver_due()
    question = sent_to("rina@contoh.id")[-1]
    our_id = question.extra_headers["Message-ID"]
    assert our_id.startswith("<outbox-") and our_id.endswith("@testserver>")
    assert OutboundMailId.objects.get(message_id=our_id.strip("<>")).complaint == waiting
    # The client dropped the code from the subject, and another complaint's code was typed.
    form = mailgun_form(
        message_id="<reply-1@contoh.id>",
        subject=f"Balasan: tentang {other.code}",
        body="Tiangnya di depan rumah nomor 12, yang bercat hijau.\n\n"
        "Pada Jum, 5 Des 2026 Aduan menulis:\n> Di sebelah mana tepatnya?",
        headers=[("In-Reply-To", our_id), ("References", f"<first@contoh.id> {our_id}")],
    )
    assert post_mailgun(client, form).status_code == 200
    waiting.refresh_from_db()
    assert waiting.status == Status.DIDISPOSISIKAN
    event = waiting.events.get(kind=Event.Kind.INFO_PROVIDED)
    assert event.note == "Tiangnya di depan rumah nomor 12, yang bercat hijau."
    assert not other.events.filter(kind=Event.Kind.NOTE).exists()
    assert Complaint.objects.count() == 2
    assert InboundMessageLog.objects.get().outcome == "info_added"


def test_references_alone_thread_a_follow_up_to_the_citizens_first_mail(client, anymail):
    assert post_postmark(client, postmark_json(message_id="<first@contoh.id>")).status_code == 200
    filed = Complaint.objects.get()
    follow_up = postmark_json(
        message_id="<second@contoh.id>",
        subject="Re: Sampah menumpuk",
        text="Sekarang sampahnya juga dibakar warga, asapnya masuk rumah.",
        headers=[("References", "<first@contoh.id>")],
    )
    assert post_postmark(client, follow_up).status_code == 200
    assert Complaint.objects.count() == 1
    note = filed.events.get(kind=Event.Kind.NOTE)
    assert "asapnya masuk rumah" in note.note and note.data["from_reporter"] is True


def test_the_code_in_the_subject_still_threads_when_the_ids_are_unknown(
    client, anymail, complaint_in
):
    running = complaint_in(Status.DIPROSES, channel=Channel.EMAIL, reporter_email="budi@contoh.id")
    reply = postmark_json(
        message_id="<third@contoh.id>",
        subject=f"Re: [{running.code}] Diproses",
        text="Kapan dikerjakan?",
        headers=[("In-Reply-To", "<unknown@elsewhere.example>")],
    )
    assert post_postmark(client, reply).status_code == 200
    assert Complaint.objects.count() == 1
    assert running.events.filter(kind=Event.Kind.NOTE, note__contains="Kapan dikerjakan?").exists()


def test_outbound_mail_names_its_thread(client, anymail, mira, dewi, city):
    assert post_postmark(client, postmark_json(message_id="<asal@contoh.id>")).status_code == 200
    complaint = Complaint.objects.get()
    outbox.deliver_due()
    lifecycle.dispatch(complaint, mira, lead=city["dlh"])
    lifecycle.resolve(complaint, dewi, answer="Sampah sudah diangkut truk DLH.")
    outbox.deliver_due()
    received, answer = sent_to("budi@contoh.id")[0], sent_to("budi@contoh.id")[-1]
    first_id = received.extra_headers["Message-ID"]
    assert received.extra_headers["In-Reply-To"] == "<asal@contoh.id>"
    assert received.extra_headers["References"] == "<asal@contoh.id>"
    assert "Sampah sudah diangkut truk DLH." in answer.body
    assert answer.extra_headers["In-Reply-To"] == "<asal@contoh.id>"
    references = answer.extra_headers["References"].split()
    assert references[0] == "<asal@contoh.id>" and references[1] == first_id
    assert answer.extra_headers["Message-ID"] not in references
    ids = set(
        OutboundMailId.objects.filter(complaint=complaint).values_list("message_id", flat=True)
    )
    assert {first_id.strip("<>"), answer.extra_headers["Message-ID"].strip("<>")} <= ids
    # The Message-ID is the outbox row's: a re-send after a crash carries the same one.
    row = OutboundMessage.objects.filter(complaint=complaint, channel="email").first()
    assert first_id == f"<outbox-{row.pk}@testserver>"


# -- robots -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        ("Auto-Submitted", "auto-replied"),
        ("Auto-Submitted", "auto-generated; owner-email=kepala@contoh.id"),
        ("X-Autoreply", "yes"),
        ("X-Autorespond", "Sedang cuti sampai 10 Desember"),
        ("Precedence", "bulk"),
        ("Precedence", "junk"),
        ("Precedence", "auto_reply"),
    ],
)
def test_auto_replies_file_nothing(client, anymail, header):
    form = mailgun_form(subject="Otomatis: Sedang cuti", headers=[header])
    assert post_mailgun(client, form).status_code == 200
    assert not Complaint.objects.exists() and not OutboundMessage.objects.exists()
    entry = InboundMessageLog.objects.get()
    assert entry.outcome == "ignored" and entry.error_code == "auto_reply"


def test_auto_submitted_no_is_a_person(client, anymail):
    assert post_mailgun(client, mailgun_form(headers=[("Auto-Submitted", "no")])).status_code == 200
    assert Complaint.objects.count() == 1


BOUNCE = """\
Return-Path: <>
From: Mail Delivery Subsystem <MAILER-DAEMON@mx.contoh.id>
To: aduan@malangkota.go.id
Subject: Undelivered Mail Returned to Sender
Date: Fri, 5 Dec 2026 09:45:00 +0700
Message-ID: <bounce-77@mx.contoh.id>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b0und"

--b0und
Content-Type: text/plain; charset=us-ascii

Your message could not be delivered to rina@contoh.id: mailbox full. Please
check the address and try again later; the jalan and lampu words are here too.

--b0und
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.contoh.id

Final-Recipient: rfc822; rina@contoh.id
Action: failed
Status: 5.2.2

--b0und--
"""


def test_a_bounce_files_nothing(client, anymail):
    payload = {**postmark_json(), "RawEmail": BOUNCE}
    payload["Headers"] = [{"Name": "Return-Path", "Value": "<>"}]
    assert post_postmark(client, payload).status_code == 200
    assert not Complaint.objects.exists() and not OutboundMessage.objects.exists()
    entry = InboundMessageLog.objects.get()
    assert entry.outcome == "ignored" and entry.error_code == "bounce"


@pytest.mark.parametrize(
    "sender", ["MAILER-DAEMON@mx.contoh.id", "Postmaster <postmaster@contoh.id>"]
)
def test_mail_from_a_mail_system_files_nothing(client, anymail, sender):
    form = mailgun_form(sender=sender, subject="Delivery Status Notification (Failure)")
    assert post_mailgun(client, form).status_code == 200
    assert not Complaint.objects.exists() and not OutboundMessage.objects.exists()
    assert InboundMessageLog.objects.get().error_code == "bounce"


def test_a_bounce_of_our_answer_is_not_threaded_as_a_note(client, anymail, complaint_in):
    running = complaint_in(Status.DIPROSES, channel=Channel.EMAIL, reporter_email="rina@contoh.id")
    outbox.deliver_due()
    our_id = sent_to("rina@contoh.id")[-1].extra_headers["Message-ID"]
    bounce = BOUNCE.replace(
        "MIME-Version: 1.0\n", f"In-Reply-To: {our_id}\nMIME-Version: 1.0\n"
    ).replace("Undelivered Mail", f"[{running.code}] Undelivered Mail")
    assert post_postmark(client, {**postmark_json(), "RawEmail": bounce}).status_code == 200
    assert not running.events.filter(kind=Event.Kind.NOTE).exists()
    assert InboundMessageLog.objects.get().error_code == "bounce"
