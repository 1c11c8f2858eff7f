"""Outbound senders for the channels: Gammu outbox, an HTTP SMS gateway, WhatsApp, Telegram,
threaded e-mail.

Each implements ``send(message) -> provider_id`` for ``aduan.core.outbox``
and raises ``SendError`` (retry later) or ``PermanentSendError`` (give up).
Configure them in ``settings.ADUAN_SENDERS`` (SMS also through an SMSSync phone, and
through several senders in turn with ``FailoverSmsSender``), for example
``{"sms": "aduan.channels.senders.GammuOutboxSender", "whatsapp":
"aduan.channels.senders.WhatsAppSender", "telegram":
"aduan.channels.senders.TelegramSender"}``. HTTP goes through
``urllib.request.urlopen`` with a timeout: the worker must never hang on a
gateway that stopped answering.

Each passes the outbox row's stable id (:func:`aduan.core.senders.message_key`) the way
its provider allows, so a copy sent again after a worker crash can be dropped (see the
guarantee in ``aduan.core.outbox``): the HTTP gateway gets an ``Idempotency-Key``
header besides ``reference``; WhatsApp echoes ``biz_opaque_callback_data`` in its
status webhooks (it has no idempotency key of its own); Gammu stores it as the
message's ``CreatorID``, which is looked up before a re-send writes a second row.
Telegram's Bot API takes nothing of the kind.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django.utils.module_loading import import_string

from aduan.core.city import from_email
from aduan.core.senders import EMAIL_TIMEOUT, PermanentSendError, SendError, message_key
from aduan.lib import gsm7
from aduan.lib.phones import normalize_phone

from . import conf, gammu, mail_thread, receipts
from .models import ChannelDelivery, Conversation, PulledSms

log = logging.getLogger(__name__)

# WhatsApp: outside 24 hours after the citizen's last message only templates may be sent.
WHATSAPP_WINDOW = timedelta(hours=24)
# Graph API error for "more than 24 hours have passed since the customer last replied".
WHATSAPP_REENGAGEMENT_ERROR = 131047
TELEGRAM_LIMIT = 4096


def post_json(url: str, payload: dict, headers: dict | None = None) -> tuple[int, dict]:
    """POST JSON; returns (HTTP status, decoded body). Network failures are ``SendError``."""
    request = urllib.request.Request(  # noqa: S310 - URLs come from operator settings
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=conf.get_float("ADUAN_HTTP_TIMEOUT")
        ) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read() or b""
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        # Only the host: the Telegram token sits in the path and must not reach a log.
        raise SendError(f"{urllib.parse.urlsplit(url).netloc}: {exc}") from exc
    try:
        body = json.loads(raw.decode("utf-8")) if raw else {}
    except (UnicodeDecodeError, ValueError):
        body = {"raw": raw[:500].decode("utf-8", "replace")}
    return status, body if isinstance(body, dict) else {"data": body}


def _raise_for(status: int, body: dict, what: str) -> None:
    """4xx is our request's fault (permanent), except rate limits; 5xx is theirs (retry)."""
    if 200 <= status < 300:
        return
    detail = json.dumps(body, ensure_ascii=False)[:500]
    if status == 429 or status >= 500:
        raise SendError(f"{what} HTTP {status}: {detail}")
    raise PermanentSendError(f"{what} HTTP {status}: {detail}")


def _need(name: str) -> str:
    value = conf.get(name)
    if not value:
        raise PermanentSendError(f"{name} is not set")
    return value


def _gammu_creator(message) -> str:
    return f"aduan:{message_key(message)}"


def _gammu_existing(db, creator: str) -> str | None:
    """The Gammu row an earlier, unfinished attempt wrote for this message, if any.

    Gammu moves a row from ``outbox`` to ``sentitems`` once sent; both keep CreatorID.
    Neither column is indexed, so this runs only for a re-send after a crash.
    """
    q = db.q
    for table in ("outbox", "sentitems"):
        rows = db.fetch_dicts(
            f"SELECT {q('ID')} FROM {q(table)} WHERE {q('CreatorID')} = %s",  # noqa: S608
            (creator,),
        )
        if rows:
            return str(rows[0]["ID"])
    return None


class GammuOutboxSender:
    """SMS through Gammu SMSD: a row in its ``outbox`` table (ADUAN_GAMMU_DSN)."""

    def send(self, message) -> str:
        dsn = _need("ADUAN_GAMMU_DSN")
        try:
            db = gammu.connect(dsn)
        except ValueError as exc:
            raise PermanentSendError(str(exc)) from exc
        except Exception as exc:  # the driver's own error classes differ per engine
            raise SendError(f"gammu database: {exc}") from exc
        creator = _gammu_creator(message)
        try:
            existing = (
                _gammu_existing(db, creator)
                if getattr(message, "unfinished_attempt", False)
                else None
            )
            if existing is not None:
                return f"gammu:{existing}"
            outbox_id = gammu.write_outbox(
                db, message.recipient, gsm7.normalize(message.body), creator=creator
            )
            db.commit()
        except ValueError as exc:
            db.rollback()
            raise PermanentSendError(str(exc)) from exc
        except Exception as exc:  # a locked or unreachable database is worth a retry
            db.rollback()
            raise SendError(f"gammu outbox: {exc}") from exc
        finally:
            db.close()
        return f"gammu:{outbox_id}"


class HttpSmsSender:
    """SMS through an HTTP gateway: POST ``{"to", "text", "reference"}`` to ADUAN_SMS_HTTP_URL.

    ``reference`` is the outbox row's id; the ``Idempotency-Key`` header carries the same
    row's deployment-wide key. The gateway answers with JSON holding its message id as
    ``id`` or ``message_id``.
    """

    def send(self, message) -> str:
        url = _need("ADUAN_SMS_HTTP_URL")
        token = conf.get("ADUAN_SMS_HTTP_TOKEN")
        # The IETF draft's header name: a gateway that keeps keys drops a repeat.
        headers = {"Idempotency-Key": message_key(message)}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        status, body = post_json(
            url,
            {
                "to": message.recipient,
                "text": gsm7.normalize(message.body),
                "reference": str(message.pk),
            },
            headers,
        )
        _raise_for(status, body, "sms gateway")
        return str(body.get("id") or body.get("message_id") or "")


def _template_text(body: str) -> str:
    # Template parameters may not hold newlines, tabs or runs of spaces, and stop at 1024.
    text = re.sub(r"\s+", " ", body).strip()
    return text if len(text) <= 1024 else text[:1023] + "…"


def in_whatsapp_window(wa_id: str, now=None) -> bool:
    conv = Conversation.objects.filter(channel="whatsapp", handle=wa_id).first()
    if conv is None or conv.last_inbound_at is None:
        return False
    return (now or timezone.now()) - conv.last_inbound_at < WHATSAPP_WINDOW


class WhatsAppSender:
    """WhatsApp Cloud API ``/<phone id>/messages``; free text inside the 24-hour window.

    Outside the window (or when Meta says the window has closed) the approved
    template ``ADUAN_WHATSAPP_TEMPLATE`` is sent with the text as its one body
    parameter. Each send is recorded as a ``ChannelDelivery`` naming the mode.
    """

    def _post(self, payload: dict) -> tuple[int, dict]:
        base = conf.get("ADUAN_WHATSAPP_API_URL").rstrip("/")
        phone_id = _need("ADUAN_WHATSAPP_PHONE_ID")
        token = _need("ADUAN_WHATSAPP_TOKEN")
        return post_json(
            f"{base}/{phone_id}/messages", payload, {"Authorization": f"Bearer {token}"}
        )

    def _template_payload(self, message) -> tuple[dict, str]:
        name = conf.get("ADUAN_WHATSAPP_TEMPLATE")
        if not name:
            raise PermanentSendError(
                "outside the WhatsApp 24-hour window and ADUAN_WHATSAPP_TEMPLATE is not set"
            )
        return {
            "messaging_product": "whatsapp",
            "to": message.recipient,
            "biz_opaque_callback_data": message_key(message),
            "type": "template",
            "template": {
                "name": name,
                "language": {"code": conf.get("ADUAN_WHATSAPP_TEMPLATE_LANG") or "id"},
                "components": [
                    {
                        "type": "body",
                        "parameters": [{"type": "text", "text": _template_text(message.body)}],
                    }
                ],
            },
        }, name

    def send(self, message) -> str:
        if in_whatsapp_window(message.recipient):
            payload, mode, template = (
                {
                    "messaging_product": "whatsapp",
                    "recipient_type": "individual",
                    "to": message.recipient,
                    # Meta returns it in the status webhooks: the row behind each copy.
                    "biz_opaque_callback_data": message_key(message),
                    "type": "text",
                    "text": {"preview_url": True, "body": message.body[:4096]},
                },
                ChannelDelivery.Mode.TEXT,
                "",
            )
        else:
            payload, template = self._template_payload(message)
            mode = ChannelDelivery.Mode.TEMPLATE
        status, body = self._post(payload)
        error = body.get("error") if isinstance(body.get("error"), dict) else {}
        if mode == ChannelDelivery.Mode.TEXT and error.get("code") == WHATSAPP_REENGAGEMENT_ERROR:
            # Our clock and Meta's disagreed: the window is closed, so use the template.
            payload, template = self._template_payload(message)
            mode = ChannelDelivery.Mode.TEMPLATE
            status, body = self._post(payload)
        _raise_for(status, body, "whatsapp")
        messages = body.get("messages")
        provider_id = ""
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            provider_id = str(messages[0].get("id") or "")
        ChannelDelivery.objects.create(
            message_id=message.pk,
            channel="whatsapp",
            mode=mode,
            template_name=template,
            provider_id=provider_id[:200],
        )
        return provider_id


class TelegramSender:
    """Telegram Bot API ``sendMessage`` to the chat the citizen wrote from."""

    def send(self, message) -> str:
        token = _need("ADUAN_TELEGRAM_TOKEN")
        base = conf.get("ADUAN_TELEGRAM_API_URL").rstrip("/")
        status, body = post_json(
            f"{base}/bot{token}/sendMessage",
            {"chat_id": message.recipient, "text": message.body[:TELEGRAM_LIMIT]},
        )
        # The token is part of the URL: never let it reach an error message.
        if not (200 <= status < 300 and body.get("ok") is True):
            detail = {k: body.get(k) for k in ("error_code", "description")}
            if status == 429 or status >= 500:
                raise SendError(f"telegram HTTP {status}: {detail}")
            raise PermanentSendError(f"telegram HTTP {status}: {detail}")
        result = body.get("result") if isinstance(body.get("result"), dict) else {}
        provider_id = str(result.get("message_id") or "")
        ChannelDelivery.objects.create(
            message_id=message.pk, channel="telegram", provider_id=provider_id
        )
        return provider_id


class SmsSyncSender:
    """SMS through an SMSSync phone: the phone fetches it (``GET ?task=send``).

    Sending writes a :class:`~aduan.channels.models.PulledSms` row; the outbox row
    counts as sent (the gateway has it), and the phone's reports arrive later as
    delivery receipts. A second attempt for the same row finds the first one's entry.
    """

    def send(self, message) -> str:
        try:
            recipient = normalize_phone(message.recipient)
        except ValueError as exc:
            raise PermanentSendError(f"smssync: {exc}") from exc
        pulled, _created = PulledSms.objects.get_or_create(
            message_id=message.pk,
            defaults={"recipient": recipient, "text": gsm7.normalize(message.body)},
        )
        return f"smssync:{pulled.uuid}"


class FailoverSmsSender:
    """The SMS senders of ``ADUAN_SMS_SENDERS`` in order: the first, or the one a
    retry after a failed delivery chose (:mod:`aduan.channels.receipts`); a sender that
    refuses a message for good passes it to the next one at once."""

    def send(self, message) -> str:
        paths = receipts.sms_senders()
        if not paths:
            raise PermanentSendError("ADUAN_SMS_SENDERS is not set")
        start = min(receipts.sender_index(message), len(paths) - 1)
        error: Exception | None = None
        for path in paths[start:]:
            try:
                return import_string(path)().send(message)
            except PermanentSendError as exc:
                error = exc
                log.warning("outbox %s: %s refused it: %s", message.pk, path, exc)
        raise PermanentSendError(str(error))


class EmailSender:
    """E-mail through Django's e-mail backend, threaded with the complaint's earlier mail.

    ``Message-ID`` is the outbox row's stable key (on the deployment's own host, the same
    on a re-send) and is remembered for the complaint before the send, so a reply that
    names it in In-Reply-To or References finds its complaint
    (:mod:`aduan.channels.mail_thread`). In-Reply-To and References name the citizen's
    mail and our earlier ones, so the citizen's client shows one conversation.
    """

    def send(self, message) -> str:
        key = message_key(message)
        mail_thread.remember(message, key)
        mail = EmailMessage(
            message.subject or "Aduan",
            message.body,
            from_email(),
            [message.recipient],
            headers={
                "Message-ID": f"<{key}>",
                "X-Aduan-Message-Id": key,
                **mail_thread.reply_headers(message),
            },
            connection=get_connection(
                timeout=getattr(settings, "EMAIL_TIMEOUT", None) or EMAIL_TIMEOUT
            ),
        )
        try:
            mail.send()
        except OSError as exc:
            raise SendError(str(exc)) from exc
        return f"email:{message.pk}"
