"""Pluggable outbound senders. Each takes an OutboundMessage and sends it or raises."""

from __future__ import annotations

import json
from functools import cache

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.module_loading import import_string

from .city import from_email


class SendError(Exception):
    """A failure worth retrying later (gateway down, timeout)."""


class PermanentSendError(SendError):
    """A failure no retry can fix (invalid recipient): the message is marked failed."""


class FileSender:
    """Demo and development sender: appends each message as a JSON line to a file."""

    def send(self, message) -> str:
        path = settings.ADUAN_OUTBOX_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {
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
    """E-mail through Django's configured e-mail backend."""

    def send(self, message) -> str:
        try:
            send_mail(
                message.subject or "Aduan",
                message.body,
                from_email(),
                [message.recipient],
            )
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
