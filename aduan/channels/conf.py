"""Channel credentials and options, read at call time.

Every value comes from Django settings when set there, else from the
environment, so deployments can keep secrets in the environment today and
the lead can move them into ``settings.py`` later without touching callers.
Read at call time (never cached at import) so tests can override them.
"""

from __future__ import annotations

import os

from django.conf import settings

# Names and defaults; the list is the documentation of what operators may set.
DEFAULTS: dict[str, str] = {
    # SMS
    "ADUAN_SMS_WEBHOOK_SECRET": "",  # HMAC key of the generic JSON SMS webhook ("generic")
    "ADUAN_SMSSYNC_SECRET": "",  # the ``secret`` field SMSSync-style apps post
    "ADUAN_GAMMU_DSN": "",  # DB-API DSN of Gammu's SQL backend (outbox writer)
    "ADUAN_SMS_HTTP_URL": "",  # generic HTTP SMS gateway for outbound messages
    "ADUAN_SMS_HTTP_TOKEN": "",  # bearer token for that gateway
    "ADUAN_HTTP_TIMEOUT": "10",  # seconds, for every outbound HTTP call
    # SMS senders in order of preference, comma-separated dotted paths, used by
    # ``channels.senders.FailoverSmsSender``: a message whose delivery fails is sent
    # again through the next one (empty: no second try).
    "ADUAN_SMS_SENDERS": "",
    "ADUAN_SMSSYNC_BATCH": "20",  # messages handed to an SMSSync phone per poll
    # WhatsApp Cloud API
    "ADUAN_WHATSAPP_APP_SECRET": "",
    "ADUAN_WHATSAPP_VERIFY_TOKEN": "",
    "ADUAN_WHATSAPP_TOKEN": "",
    "ADUAN_WHATSAPP_PHONE_ID": "",
    "ADUAN_WHATSAPP_API_URL": "https://graph.facebook.com/v21.0",
    "ADUAN_WHATSAPP_TEMPLATE": "",  # approved template used outside the 24-hour window
    "ADUAN_WHATSAPP_TEMPLATE_LANG": "id",
    # Telegram Bot API
    "ADUAN_TELEGRAM_SECRET": "",
    "ADUAN_TELEGRAM_TOKEN": "",
    "ADUAN_TELEGRAM_API_URL": "https://api.telegram.org",
    # E-mail intake
    "ADUAN_EMAIL_WEBHOOK_SECRET": "",
    "ADUAN_IMAP_HOST": "",
    "ADUAN_IMAP_PORT": "993",
    "ADUAN_IMAP_USER": "",
    "ADUAN_IMAP_PASSWORD": "",
    "ADUAN_IMAP_MAILBOX": "INBOX",
    "ADUAN_IMAP_SSL": "true",
    # Open311
    "ADUAN_OPEN311_JURISDICTION": "",  # empty: any jurisdiction_id is accepted
    "ADUAN_OPEN311_CONTACT": "",
    # WhatsApp and Telegram photos, fetched by the worker (``channels.media``)
    "ADUAN_CHAT_MEDIA_ATTEMPTS": "6",  # tries before a download is given up
    "ADUAN_CHAT_MEDIA_BACKOFF": "60",  # seconds before the 2nd try; doubled each time
    "ADUAN_CHAT_MEDIA_WINDOW": "10",  # minutes: a bare photo or pin joins the last complaint
}


def get(name: str) -> str:
    """``settings.NAME``, else ``os.environ[NAME]``, else the default above."""
    value = getattr(settings, name, os.environ.get(name, DEFAULTS.get(name, "")))
    return "" if value is None else str(value)


def get_int(name: str) -> int:
    try:
        return int(get(name))
    except ValueError:
        return int(DEFAULTS[name])


def get_float(name: str) -> float:
    try:
        return float(get(name))
    except ValueError:
        return float(DEFAULTS[name])


def get_bool(name: str) -> bool:
    return get(name).strip().lower() in ("1", "true", "yes", "on")
