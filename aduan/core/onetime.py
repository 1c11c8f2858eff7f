"""One-time codes sent to a citizen's phone or e-mail (a lost private link, a data-subject
request): only an HMAC of the code is stored, keyed with the deployment's secret, the
purpose and the row, and a code is checked a limited number of times, once."""

from __future__ import annotations

import enum

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac


class Check(enum.Enum):
    OK = "ok"
    WRONG = "wrong"  # try again
    SPENT = "spent"  # expired, used, too many tries, or never sent: ask for a new code


def code_hash(purpose: str, pk: int, code: str) -> str:
    return salted_hmac(purpose, f"{pk}:{code}").hexdigest()


@transaction.atomic
def check(model, row_id, entered: str, *, purpose: str, attempts: int, now=None):
    """(Check, row) for the code typed against row ``row_id`` of ``model``, which has
    ``code_hash``, ``sent``, ``expires_at``, ``attempts`` and ``used_at``. Each try counts;
    the right code marks the row used. ``row`` is None when there is no such row."""
    now = now or timezone.now()
    row = model.objects.select_for_update().filter(pk=row_id).first()
    if row is None or row.used_at or row.expires_at <= now or row.attempts >= attempts:
        return Check.SPENT, row
    row.attempts += 1
    digits = "".join(ch for ch in entered or "" if ch.isdigit())
    ok = row.sent and constant_time_compare(row.code_hash, code_hash(purpose, row.pk, digits))
    if ok:
        row.used_at = now
    row.save(update_fields=["attempts", "used_at"])
    if ok:
        return Check.OK, row
    return (Check.SPENT if row.attempts >= attempts else Check.WRONG), row
