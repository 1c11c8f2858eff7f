"""A lost private link, recovered by the complaint's code and the phone or e-mail given.

The answer is the same whether or not the pair matches (and whether the code exists):
a :class:`RecoveryCode` row is written either way, and only a matching pair gets a
one-time code, sent to that contact through the outbox. The code is six digits, lasts
ten minutes, allows five tries, and only a keyed hash of it is stored. A complaint gets
at most three codes an hour; requests per client address are limited by
``core.ratelimit`` (the ``data_subject`` bucket).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aduan.core import onetime
from aduan.core.city import site_name
from aduan.core.models import Complaint
from aduan.core.notify import queue_message
from aduan.lib.codes import normalize_code
from aduan.lib.phones import normalize_phone

from .models import RecoveryCode

CODE_TTL = timedelta(minutes=10)
CODE_ATTEMPTS = 5
CODES_PER_HOUR = 3


def parse_contact(raw: str) -> tuple[str, str] | None:
    """("email", address) or ("sms", E.164 number); None when it is neither."""
    text = (raw or "").strip()
    if "@" in text:
        local, _sep, domain = text.rpartition("@")
        return ("email", text) if local and "." in domain else None
    try:
        return "sms", normalize_phone(text)
    except ValueError:
        return None


def _matches(complaint: Complaint, channel: str, contact: str) -> bool:
    if channel == "email":
        return (
            bool(complaint.reporter_email) and complaint.reporter_email.lower() == contact.lower()
        )
    return bool(complaint.reporter_phone) and complaint.reporter_phone == contact


_PURPOSE = "aduan.portal.recovery"


def _hash(pk: int, code: str) -> str:
    return onetime.code_hash(_PURPOSE, pk, code)


@transaction.atomic
def request_code(code: str, contact: tuple[str, str] | None, *, now=None) -> RecoveryCode:
    now = now or timezone.now()
    normalized = normalize_code(code)
    complaint = Complaint.objects.filter(code=normalized).first() if normalized else None
    digits = f"{secrets.randbelow(1_000_000):06d}"
    row = RecoveryCode.objects.create(code_hash="", created_at=now, expires_at=now + CODE_TTL)
    row.code_hash = _hash(row.pk, digits)
    fields = ["code_hash"]
    if complaint is not None and contact is not None and _matches(complaint, *contact):
        recent = RecoveryCode.objects.filter(
            complaint=complaint, sent=True, created_at__gte=now - timedelta(hours=1)
        ).count()
        row.complaint = complaint
        row.channel, row.recipient = contact
        row.sent = recent < CODES_PER_HOUR
        fields += ["complaint", "channel", "recipient", "sent"]
    row.save(update_fields=fields)
    if row.sent:
        with translation.override(settings.LANGUAGE_CODE):
            text = _(
                "Kode untuk memulihkan tautan aduan %(code)s di %(site)s: %(digits)s. "
                "Berlaku %(minutes)s menit. Jangan berikan kode ini kepada siapa pun."
            ) % {
                "code": complaint.code,
                "site": site_name(),
                "digits": digits,
                "minutes": int(CODE_TTL.total_seconds() // 60),
            }
            subject = _("Kode pemulihan aduan %(code)s") % {"code": complaint.code}
        queue_message(row.channel, row.recipient, text, subject=subject, complaint=complaint)
    return row


Check = onetime.Check


def check_code(row_id, entered: str, *, now=None) -> tuple[Check, Complaint | None]:
    result, row = onetime.check(
        RecoveryCode, row_id, entered, purpose=_PURPOSE, attempts=CODE_ATTEMPTS, now=now
    )
    return result, (row.complaint if result is Check.OK else None)
