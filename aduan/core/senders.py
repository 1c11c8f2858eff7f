"""Pluggable outbound senders. Each takes an OutboundMessage and sends it or raises.

Every sender passes :func:`message_key` on with the message in the field or header the
provider documents for it (see ``aduan.core.outbox`` for why): the key is the same on
every attempt, so a receiver can drop a copy sent again after a worker stopped between
sending and recording.
"""

from __future__ import annotations

import json
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django.utils.module_loading import import_string

from .city import from_email

# Seconds an SMTP conversation may take; it must end well within the outbox's claim.
EMAIL_TIMEOUT = 60


class SendError(Exception):
    """A failure worth retrying later (gateway down, timeout)."""


class PermanentSendError(SendError):
    """A failure no retry can fix (invalid recipient): the message is marked failed."""


def message_key(message) -> str:
    """The outbox row's stable id as it goes out: ``outbox-<id>@<site host>``.

    The host keeps two deployments that share a gateway account apart; the same row
    gives the same key on every attempt.
    """
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"outbox-{message.pk}@{host}"


class FileSender:
    """Demo and development sender: appends each message as a JSON line to a file."""

    def send(self, message) -> str:
        path = settings.ADUAN_OUTBOX_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "id": message_key(message),
            "at": timezone.now().isoformat(),
            "channel": message.channel,
            "to": message.recipient,
            "subject": message.subject,
            "body": message.body,
        }
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        return f"file:{message.pk}"


class DjangoEmailSender:
    """E-mail through Django's configured e-mail backend.

    ``Message-ID`` is derived from the outbox row, so a copy sent twice carries the same
    id (mail clients and archives show one message); ``X-Aduan-Message-Id`` says the same
    for filters and help desks that do not read Message-ID.
    """

    def send(self, message) -> str:
        key = message_key(message)
        mail = EmailMessage(
            message.subject or "Aduan",
            message.body,
            from_email(),
            [message.recipient],
            headers={"Message-ID": f"<{key}>", "X-Aduan-Message-Id": key},
            connection=get_connection(
                timeout=getattr(settings, "EMAIL_TIMEOUT", None) or EMAIL_TIMEOUT
            ),
        )
        try:
            mail.send()
        except OSError as exc:
            raise SendError(str(exc)) from exc
        return f"email:{message.pk}"


@cache
def _sender_for(path: str):
    return import_string(path)()


def sender_for(channel: str):
    try:
        path = settings.ADUAN_SENDERS[channel]
    except KeyError as exc:
        raise PermanentSendError(f"no sender configured for channel {channel!r}") from exc
    return _sender_for(path)
