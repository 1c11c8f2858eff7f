"""Inbound e-mail from mail services (Mailgun, Postmark, Amazon SES, Brevo, Mailjet, ...).

django-anymail receives each service's webhook, checks it the way that service allows
(a signature where there is one, HTTP basic auth with ``ANYMAIL["WEBHOOK_SECRET"]``
otherwise) and sends its ``inbound`` signal with an ``AnymailInboundMessage``. The
receiver here hands that message to the same path as IMAP mail
(:func:`aduan.channels.email_intake.receive_mail`), so the Message-ID deduplicates a
retried webhook, and a mail both pushed and polled is handled once.

The routes are anymail's own, mounted under ``/webhooks/email/`` (for example
``/webhooks/email/mailgun/inbound/``, ``/webhooks/email/postmark/inbound/``). A route
whose service is checked by basic auth alone answers 403 until a secret is set: a
missing setting must not open the door. Tracking events (deliveries, bounces, opens)
have their own routes and signal; nothing here listens to it, so they file nothing.

The receiver is connected when the URLconf imports this module, that is before any of
these views can run: they are reachable only through :data:`urlpatterns`.
"""

from __future__ import annotations

import functools
import importlib.util
import logging

from anymail.signals import inbound
from anymail.urls import urlpatterns as anymail_urlpatterns
from anymail.utils import get_anymail_setting
from django.http import HttpResponseForbidden
from django.urls import URLPattern

from aduan.lib.gateways import PayloadError

from . import email_intake, mail_thread
from .intake import keep_malformed, scrub

log = logging.getLogger(__name__)

# Inbound routes only: anymail's tracking routes stay unmounted until something uses them.
_INBOUND_NAMES = {"mandrill_webhook"}


def basic_auth_configured() -> bool:
    return bool(get_anymail_setting("webhook_secret", default=[]))


def _guarded(view):
    """403 unless the view can check its caller: basic auth set, or the service's
    signature (anymail itself refuses to start such a view without the key)."""
    view_class = getattr(view, "view_class", None)
    signed = getattr(view_class, "warn_if_no_basic_auth", True) is False

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if not (signed or basic_auth_configured()):
            log.warning("inbound mail webhook refused: ANYMAIL_WEBHOOK_SECRET is not set")
            return HttpResponseForbidden()
        return view(request, *args, **kwargs)

    return guarded


def _is_inbound(pattern: URLPattern) -> bool:
    return pattern.name in _INBOUND_NAMES or (pattern.name or "").endswith("_inbound_webhook")


def _available(pattern: URLPattern) -> bool:
    """Amazon SES's inbound view needs boto3 (django-anymail[amazon-ses]), which this project
    does not install: its route is mounted only where a city has installed it."""
    if (pattern.name or "").startswith("amazon_ses"):
        return importlib.util.find_spec("boto3") is not None
    return True


urlpatterns = [
    URLPattern(p.pattern, _guarded(p.callback), p.default_args, p.name)
    for p in anymail_urlpatterns
    if _is_inbound(p) and _available(p)
]


def _envelope_is_null(message) -> bool:
    # A null reverse-path (MAIL FROM:<>) is what RFC 5321 reserves for delivery reports.
    sender = getattr(message, "envelope_sender", None)
    return sender is not None and mail_thread.bare(str(sender)) == ""


def on_inbound(sender, event, esp_name, **kwargs):
    """File (or thread) one mail that a service pushed; errors propagate so it retries."""
    message = event.message
    extra = {
        "esp": esp_name,
        "esp_event_id": str(event.event_id or "")[:200],
        "spam_detected": message.spam_detected,
    }
    try:
        mail = email_intake.parse_message(message, extra=extra)
    except PayloadError as exc:
        robot = email_intake.robot_reason(message) or _envelope_is_null(message)
        keep_malformed(
            channel="email",
            gateway=email_intake.GATEWAY,
            raw={**extra, "rfc822": scrub(str(message)[:20000])},
            error=exc,
            # A bounce's text reads like a complaint; it must never be filed.
            text="" if robot else (message.text or ""),
        )
        return
    if not mail.auto_submitted and _envelope_is_null(message):
        mail.auto_submitted, mail.auto_reason = True, "bounce"
    email_intake.receive_mail(mail)


inbound.connect(on_inbound, dispatch_uid="aduan.channels.mail_inbound")
