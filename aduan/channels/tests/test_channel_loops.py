"""The whole loop on every channel, through each channel's own webhook (issue 15, part 5).

A citizen files on the channel; staff dispatch it and the agency asks for information;
the question reaches the citizen on that channel, in that channel's own terms; the
citizen answers there; the agency answers; the citizen disputes there and gets a second
answer; the citizen rates there.

Each channel's loop is one parametrised test per step (``test_loop[<channel>-<n>-<step>]``):
the test for step N runs steps 1..N-1 through the channel and then checks step N, so the
last one of a channel is its whole loop and a step the channel cannot do shows on its own
as a strict xfail naming the gap (:data:`GAPS`). Before a later step, such a step is done
the nearest way that exists (:meth:`Loop.fallback`), so the steps after it are still
checked through the channel.

Payloads are written by hand from each provider's documentation: SMSSync's form post
(``from``, ``message``, ``message_id``, ``sent_to``, ``secret``, ``sent_timestamp``,
``device_id``), the WhatsApp Cloud API's ``whatsapp_business_account`` notification signed
``X-Hub-Signature-256``, the Telegram Bot API's ``Update`` with the secret-token header and
Mailgun's inbound ``forward()`` post (``message-headers`` as a JSON list, signed with the
webhook signing key over ``timestamp`` + ``token``), received through django-anymail.
Bad signatures on each of these webhooks are tested beside each adapter (test_sms_webhooks,
test_whatsapp, test_telegram, test_mail_inbound, test_chat_media).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from itertools import count
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.utils import timezone

from aduan.channels.models import InboundMessageLog
from aduan.core import lifecycle, outbox
from aduan.core.models import Channel, City, Complaint, Event, OutboundMessage, Status
from aduan.lib import gsm7

from .conftest import CODE_RE, post_json, sign

SMS_NUMBER = "0812-0000-1111"
QUESTION = "Tiang lampu nomor berapa yang mati, dan di depan rumah siapa?"
INFO = "Tiang nomor 12, di depan rumah Pak RT 03 yang bercat hijau."
# An agency's answer as they write it: longer than one SMS, with an office suite's
# typographic dash and quotes (which an SMS must not carry: they force UCS-2).
FIRST_ANSWER = (
    "Lampu penerangan jalan di tiang nomor 12 depan rumah Pak RT 03 sudah kami ganti "
    "dengan lampu LED 60 watt pada Selasa malam. Petugas juga memeriksa kabel dari gardu "
    "– ada sambungan yang “longgar” karena hujan – dan sambungan itu sudah diperbaiki. "
    "Bila lampu mati lagi, mohon kabari kami."
)
REASON = "lampu masih mati tiap malam sejak Kamis"
SECOND_ANSWER = "Kabel dari gardu ke tiang 12 sudah diganti seluruhnya pada Jumat siang."
RATING = 4

STEPS = (
    "files",
    "is_asked",
    "is_asked_in_channel_terms",
    "answers_the_question",
    "receives_the_answer",
    "is_told_how_to_dispute_and_rate",
    "disputes",
    "receives_the_second_answer",
    "rates",
)

_ids = count(1)


def _next_id() -> int:
    return next(_ids)


def _gsm(text: str, parts: int) -> None:
    assert gsm7.is_gsm7(text), text
    assert gsm7.segments(text) <= parts, (gsm7.segments(text), text)


def _no_web_reply(text: str) -> None:
    """A message that asks for a reply must not send the citizen to a web page for it."""
    assert not re.search(r"(balas|sampaikan)\w*\s+(lewat|di|melalui)\s+https?://", text, re.I), text


class Loop:
    """One citizen on one channel. Subclasses post that channel's payloads."""

    channel = ""
    recipient = ""  # where the citizen's messages go on the channel

    def __init__(self, client, city, mira, adi):
        self.client, self.city, self.mira, self.adi = client, city, mira, adi
        self.seen = 0
        self.question = self.answer = self.second = None

    # -- helpers ------------------------------------------------------------------------

    @property
    def complaint(self) -> Complaint:
        return Complaint.objects.get()

    def new_messages(self) -> list[OutboundMessage]:
        """What was queued for the citizen on this channel since the last look."""
        rows = list(
            OutboundMessage.objects.filter(
                channel=self.channel, recipient=self.recipient, id__gt=self.seen
            ).order_by("id")
        )
        self.seen = max([self.seen, *(r.id for r in rows)])
        return rows

    def one_new_message(self, containing: str) -> OutboundMessage:
        found = [m for m in self.new_messages() if containing in m.body]
        assert len(found) == 1, (containing, [m.body for m in found])
        return found[0]

    def what_happened(self) -> str:
        """For a failed step: how the last message was read and what the citizen was told."""
        entry = InboundMessageLog.objects.order_by("-id").first()
        told = [m.body for m in self.new_messages()]
        status = self.complaint.status
        return f"status {status}; last message read as {entry and entry.outcome!r}; told {told}"

    # -- channel-specific ---------------------------------------------------------------

    def send(self, text: str) -> None:
        raise NotImplementedError

    def file_it(self) -> None:
        raise NotImplementedError

    def answer_it(self) -> None:
        self.send(INFO)

    def dispute_it(self) -> None:
        self.send(f"BANTAH {self.complaint.code} {REASON}")

    def rate_it(self) -> None:
        self.send(f"NILAI {self.complaint.code} {RATING}")

    def check_asks_in_channel_terms(self, text: str) -> None:
        raise NotImplementedError

    def check_tells_how_to_dispute_and_rate(self, text: str) -> None:
        code = self.complaint.code
        assert f"BANTAH {code}" in text, text
        assert f"NILAI {code}" in text, text
        _no_web_reply(text)

    def check_answer(self, text: str, answer: str) -> None:
        """The whole answer reaches a channel without a length limit of its own."""
        assert " ".join(answer.split()) in " ".join(text.split()), text

    # -- the steps ----------------------------------------------------------------------

    def files(self) -> None:
        self.file_it()
        complaint = self.complaint
        assert CODE_RE.match(complaint.code) and complaint.status == Status.BARU
        assert complaint.channel == self.channel
        assert complaint.kelurahan == self.city["kauman"]
        self.one_new_message(complaint.code)

    def is_asked(self) -> None:
        complaint = self.complaint
        lifecycle.verify(complaint, self.mira)
        lifecycle.dispatch(complaint, self.mira, lead=self.city["dpupr"])
        lifecycle.request_info(complaint, self.adi, question=QUESTION)
        assert self.complaint.status == Status.MENUNGGU_INFO
        self.question = self.one_new_message("Tiang lampu nomor berapa")
        assert self.complaint.code in self.question.body

    def is_asked_in_channel_terms(self) -> None:
        self.check_asks_in_channel_terms(self.question.body)

    def answers_the_question(self) -> None:
        self.answer_it()
        complaint = self.complaint
        assert Complaint.objects.count() == 1
        assert complaint.status == Status.DIDISPOSISIKAN, self.what_happened()
        [event] = complaint.events.filter(kind=Event.Kind.INFO_PROVIDED)
        assert INFO in event.note and event.data["via"] == self.channel
        self.one_new_message(complaint.code)  # the citizen hears it arrived

    def receives_the_answer(self) -> None:
        lifecycle.resolve(self.complaint, self.adi, answer=FIRST_ANSWER)
        self.answer = self.one_new_message("tiang nomor 12")
        self.check_answer(self.answer.body, FIRST_ANSWER)

    def is_told_how_to_dispute_and_rate(self) -> None:
        self.check_tells_how_to_dispute_and_rate(self.answer.body)

    def disputes(self) -> None:
        self.dispute_it()
        complaint = self.complaint
        assert Complaint.objects.count() == 1
        assert complaint.status == Status.DIDISPOSISIKAN, self.what_happened()
        assert complaint.reopen_count == 1
        assert complaint.answered_at is None
        [event] = complaint.events.filter(kind=Event.Kind.DISPUTED)
        assert REASON in event.note
        self.one_new_message(complaint.code)

    def receives_the_second_answer(self) -> None:
        lifecycle.resolve(self.complaint, self.adi, answer=SECOND_ANSWER)
        self.second = self.one_new_message("Kabel dari gardu")
        self.check_answer(self.second.body, SECOND_ANSWER)

    def rates(self) -> None:
        self.rate_it()
        complaint = self.complaint
        assert complaint.rating == RATING, self.what_happened()
        assert complaint.status == Status.SELESAI
        event = complaint.events.get(kind=Event.Kind.RATED)
        assert event.data == {"rating": RATING, "via": self.channel}
        self.one_new_message(f"{RATING}/5")

    # -- a step the channel cannot do, done the nearest way that exists ------------------

    def fallback(self, step: str) -> None:
        if step == "answers_the_question":
            lifecycle.provide_info(self.complaint, text=INFO, via="web")
        elif step == "receives_the_answer":
            lifecycle.resolve(self.complaint, self.adi, answer=FIRST_ANSWER)
            self.answer = self.one_new_message("tiang nomor 12")
        elif step == "disputes":
            lifecycle.dispute(self.complaint, reason=REASON)
        elif step == "receives_the_second_answer":
            lifecycle.resolve(self.complaint, self.adi, answer=SECOND_ANSWER)
        # Checks of wording only (is_asked_in_channel_terms, ...) need nothing done.
        self.new_messages()


class ChatLoop(Loop):
    """WhatsApp and Telegram share the dialogue and the keywords of SMS."""

    def fallback(self, step: str) -> None:
        if step == "answers_the_question":
            # What does work in a chat today: the SMS keyword with the code.
            self.send(f"INFO {self.complaint.code} {INFO}")
            assert self.complaint.status == Status.DIDISPOSISIKAN, self.what_happened()
            self.new_messages()
            return
        super().fallback(step)


# -- SMS through SMSSync ------------------------------------------------------------------


class SmsLoop(Loop):
    channel = Channel.SMS
    recipient = "+6281234567890"

    def send(self, text: str) -> None:
        response = self.client.post(
            "/webhooks/sms/smssync/",
            data={
                "from": "081234567890",
                "message": text,
                "message_id": f"5f3a9c1e-{_next_id():04d}",
                "sent_to": "+6281200001111",
                "secret": "smssync-secret",
                "sent_timestamp": str(int(timezone.now().timestamp() * 1000)),
                "device_id": "2",
            },
        )
        assert response.status_code == 200, response.content
        assert response.json() == {"payload": {"success": True, "error": None}}

    def file_it(self) -> None:
        self.send("ADUAN Kauman#Lampu jalan depan masjid Al Ikhlas mati sejak Senin malam")

    def answer_it(self) -> None:
        self.send(f"INFO {self.complaint.code} {INFO}")

    def one_new_message(self, containing: str) -> OutboundMessage:
        message = super().one_new_message(containing)
        _gsm(message.body, 3)
        return message

    def check_asks_in_channel_terms(self, text: str) -> None:
        _no_web_reply(text)
        assert f"Balas ke {SMS_NUMBER}: INFO {self.complaint.code}" in text, text

    def check_tells_how_to_dispute_and_rate(self, text: str) -> None:
        super().check_tells_how_to_dispute_and_rate(text)
        assert SMS_NUMBER in text

    def check_answer(self, text: str, answer: str) -> None:
        # Three parts at most: the start of the answer, the whole of it behind the link.
        assert gsm7.normalize(answer)[:60] in text, text
        assert f"/k/{self.complaint.token}/" in text


# -- WhatsApp Cloud API ----------------------------------------------------------------------


class WhatsAppLoop(ChatLoop):
    channel = Channel.WHATSAPP
    recipient = "6281234567890"  # the wa_id: Cloud API recipients carry no "+"

    def send(self, text: str) -> None:
        message = {
            "from": self.recipient,
            "id": f"wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFDNB{_next_id():06d}",
            "timestamp": str(int(timezone.now().timestamp())),
            "type": "text",
            "text": {"body": text},
        }
        value = {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "6281100000000", "phone_number_id": "1098765432"},
            "contacts": [{"profile": {"name": "Sri Wahyuni"}, "wa_id": self.recipient}],
            "messages": [message],
        }
        notification = {
            "object": "whatsapp_business_account",
            "entry": [
                {"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}
            ],
        }
        body = json.dumps(notification).encode()
        response = post_json(
            self.client,
            "/webhooks/whatsapp/",
            body,
            HTTP_X_HUB_SIGNATURE_256=sign("wa-app-secret", body),
        )
        assert response.status_code == 200, response.content

    def file_it(self) -> None:
        self.send("ADUAN Kauman#Lampu jalan depan masjid Al Ikhlas mati sejak Senin malam")
        self.send("lewati")  # no location pin
        self.send("YA")

    def check_asks_in_channel_terms(self, text: str) -> None:
        _no_web_reply(text)
        assert f"INFO {self.complaint.code}" in text or "balas pesan ini" in text.lower(), text


# -- Telegram Bot API --------------------------------------------------------------------


class TelegramLoop(ChatLoop):
    channel = Channel.TELEGRAM
    recipient = "987654321"

    def send(self, text: str) -> None:
        update = {
            "update_id": 730_000_000 + _next_id(),
            "message": {
                "message_id": 400 + _next_id(),
                "from": {
                    "id": 987654321,
                    "is_bot": False,
                    "first_name": "Dewi",
                    "last_name": "Lestari",
                    "username": "dewilestari",
                    "language_code": "id",
                },
                "chat": {
                    "id": 987654321,
                    "first_name": "Dewi",
                    "last_name": "Lestari",
                    "username": "dewilestari",
                    "type": "private",
                },
                "date": int(timezone.now().timestamp()),
                "text": text,
            },
        }
        if text.startswith("/"):
            command = text.split()[0]
            update["message"]["entities"] = [
                {"offset": 0, "length": len(command), "type": "bot_command"}
            ]
        response = post_json(
            self.client,
            "/webhooks/telegram/",
            json.dumps(update).encode(),
            HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN="tg-secret-token",
        )
        assert response.status_code == 200, response.content

    def file_it(self) -> None:
        self.send("/lapor")
        self.send("kauman")
        self.send("Lampu jalan depan masjid Al Ikhlas mati sejak Senin malam, gelap sekali.")
        self.send("lewati")
        self.send("Ya")

    def dispute_it(self) -> None:
        self.send(f"/bantah {self.complaint.code} {REASON}")

    def rate_it(self) -> None:
        self.send(f"/nilai {self.complaint.code} {RATING}")

    def check_asks_in_channel_terms(self, text: str) -> None:
        _no_web_reply(text)
        code = self.complaint.code
        told = (f"INFO {code}", f"/info {code}", "balas pesan ini")
        assert any(words in text or words in text.lower() for words in told), text


# -- E-mail through Mailgun (django-anymail) -----------------------------------------------


MAILGUN_KEY = "key-mailgun-signing-4f1c2b"
CITIZEN_MAIL = "rina@contoh.id"


class EmailLoop(Loop):
    channel = Channel.EMAIL
    recipient = CITIZEN_MAIL

    def __init__(self, *args):
        super().__init__(*args)
        self.first_id = ""

    def post(self, subject: str, text: str, *, replying_to: OutboundMessage | None = None):
        n = _next_id()
        message_id = f"<CAJ8mg{n:05d}.loop@mail.gmail.com>"
        headers = [
            ["Received", "by luna.mailgun.net with SMTP mgrt 8734663311733"],
            ["Mime-Version", "1.0"],
            ["From", f"Rina Wati <{CITIZEN_MAIL}>"],
            ["To", "aduan@malangkota.go.id"],
            ["Subject", subject],
            ["Date", "Sat, 05 Dec 2026 09:30:00 +0700"],
            ["Message-Id", message_id],
            ["Content-Type", 'text/plain; charset="utf-8"'],
        ]
        if replying_to is not None:
            ours = self.message_id_of(replying_to)
            headers.append(["In-Reply-To", ours])
            headers.append(["References", f"{self.first_id} {ours}"])
        if not self.first_id:
            self.first_id = message_id
        timestamp, token = str(int(timezone.now().timestamp())), f"{n:050d}"
        signature = hmac.new(
            MAILGUN_KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256
        ).hexdigest()
        form = {
            "recipient": "aduan@malangkota.go.id",
            "sender": CITIZEN_MAIL,
            "from": f"Rina Wati <{CITIZEN_MAIL}>",
            "subject": subject,
            "body-plain": text,
            "stripped-text": text,
            "stripped-signature": "",
            "message-headers": json.dumps(headers),
            "timestamp": timestamp,
            "token": token,
            "signature": signature,
        }
        response = self.client.post(
            "/webhooks/email/mailgun/inbound/",
            data=urlencode(form),
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200, response.content

    def message_id_of(self, message: OutboundMessage) -> str:
        """The Message-ID the citizen's client sees: send the outbox, read the sent mail."""
        outbox.deliver_due(limit=100)
        message.refresh_from_db()
        assert message.state == "sent", message.last_error
        for sent in mail.outbox:
            if sent.to == [CITIZEN_MAIL] and sent.body == message.body:
                return sent.extra_headers["Message-ID"]
        raise AssertionError(f"outbox row {message.pk} was not mailed")

    def send(self, text: str) -> None:
        raise AssertionError("an e-mail loop replies to a message: use reply()")

    def reply(self, to: OutboundMessage, text: str) -> None:
        quoted = "\n".join("> " + line for line in to.body.splitlines())
        body = f"{text}\n\nPada Sab, 5 Des 2026 pukul 09.31 Aduan menulis:\n{quoted}\n"
        self.post(f"Re: {to.subject}", body, replying_to=to)

    def file_it(self) -> None:
        self.post(
            "Lampu jalan mati di Kauman",
            "Lampu jalan depan masjid Al Ikhlas, Kelurahan Kauman, mati sejak Senin malam.",
        )
        # Mail carries no kelurahan field: the moderator sets it, as for any e-mail.
        lifecycle.correct(self.complaint, self.mira, kelurahan=self.city["kauman"])

    def answer_it(self) -> None:
        self.reply(self.question, INFO)

    def dispute_it(self) -> None:
        self.reply(self.answer, f"Belum selesai, {REASON}.")

    def rate_it(self) -> None:
        self.reply(self.second, f"NILAI {RATING}")

    def check_asks_in_channel_terms(self, text: str) -> None:
        _no_web_reply(text)
        assert re.search(r"balas\w*\s+(e-?mail|surel|pesan)\s+ini", text, re.I), text

    def check_tells_how_to_dispute_and_rate(self, text: str) -> None:
        _no_web_reply(text)
        assert re.search(r"balas\w*\s+(e-?mail|surel|pesan)\s+ini", text, re.I), text
        assert "nilai" in text.lower(), text


LOOPS = {"sms": SmsLoop, "whatsapp": WhatsAppLoop, "telegram": TelegramLoop, "email": EmailLoop}

# What a channel cannot do today: (channel, step) -> why. Each is a strict xfail.
_WEB_QUESTION = (
    "the information request on {0} says 'Balas lewat <link>' (reply on the web page); "
    "it does not say how to answer in {0} (core.notify _TEMPLATES[INFO_REQUESTED]; only "
    "SMS has its own wording, smsgrammar._NOTICES)"
)
_CHAT_ANSWER = (
    "a plain reply to the question on {0} starts a new complaint draft ('Di kelurahan mana "
    "...?') instead of answering it: conversation._idle files keyword-less text, it does not "
    "use sms.answer_without_code as SMS does; only 'INFO <kode> <jawaban>' answers (the later "
    "steps use it), and the question does not mention it"
)
_CUT_ANSWER = (
    "the agency's answer is cut at 240 characters with '…' on {0} (core.notify "
    "render_reporter_message: note=_shorten(note, 240) for every channel but SMS), although "
    "{0} has no such limit; the citizen gets half an answer and a link"
)
_WEB_DISPUTE = (
    "the answer on {0} says 'Bila belum selesai, sampaikan di <link>' and nothing of rating: "
    "it does not say how to dispute or rate in {0} (core.notify _TEMPLATES[RESOLVED])"
)
GAPS: dict[tuple[str, str], str] = {}


@pytest.fixture
def loop_settings(settings, channel_settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}
    city = City.default()
    city.sms_number = SMS_NUMBER
    city.save()
    return settings


def _cases():
    for channel in LOOPS:
        for n, step in enumerate(STEPS, 1):
            marks = ()
            if (channel, step) in GAPS:
                marks = pytest.mark.xfail(
                    strict=True, raises=AssertionError, reason=GAPS[channel, step]
                )
            yield pytest.param(channel, step, id=f"{channel}-{n}-{step}", marks=marks)


@pytest.mark.parametrize(("channel", "step"), list(_cases()))
def test_loop(client, city, mira, adi, loop_settings, channel, step):
    loop = LOOPS[channel](client, city, mira, adi)
    for earlier in STEPS[: STEPS.index(step)]:
        if (channel, earlier) in GAPS:
            loop.fallback(earlier)
        else:
            getattr(loop, earlier)()
    getattr(loop, step)()
    assert InboundMessageLog.objects.filter(outcome="rejected").count() == 0
