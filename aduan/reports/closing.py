"""Automatic closure: an answer nobody disputed for a set number of working days closes.

The clock is the city's working calendar (``aduan.deadlines``): the complaint closes
at the closing time of the ``ADUAN_AUTO_CLOSE_DAYS``-th working day after the answer
(the day of the answer itself does not count, as for every deadline). A dispute
reopens the complaint and clears ``answered_at``; the next answer starts a new wait.

Safe with several workers: each batch is claimed with ``SELECT ... FOR UPDATE SKIP
LOCKED`` (PostgreSQL), and :func:`aduan.core.lifecycle.close` locks the row again and
refuses a complaint that is no longer answered, so a complaint closes exactly once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.core import lifecycle
from aduan.core.models import Complaint, Status
from aduan.deadlines.store import get_calendar

log = logging.getLogger("aduan.reports")

BATCH_SIZE = 200


def close_due_at(answered_at: datetime, days: int | None = None) -> datetime:
    """When an answer given at ``answered_at`` closes by itself."""
    days = settings.ADUAN_AUTO_CLOSE_DAYS if days is None else days
    return get_calendar().add_working_days(answered_at, days)


def auto_close(now: datetime | None = None, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Close every answered complaint whose wait is over; returns ``{"closed": n}``."""
    now = now or timezone.now()
    days = settings.ADUAN_AUTO_CLOSE_DAYS
    # N working days end no earlier than N-1 whole days after the answer (an answer
    # at 23:59 and closing time at 16:00): older answers are the only candidates.
    cutoff = now - timedelta(days=max(days - 1, 0))
    candidates = Complaint.objects.filter(status=Status.SELESAI, answered_at__lte=cutoff)
    note = _("Ditutup otomatis: tidak ada sanggahan dalam %(n)s hari kerja setelah jawaban.") % {
        "n": days
    }
    closed = 0
    after = None
    while True:
        with transaction.atomic():
            query = candidates
            if after is not None:
                query = query.filter(
                    Q(answered_at__gt=after[0]) | Q(answered_at=after[0], pk__gt=after[1])
                )
            query = query.order_by("answered_at", "pk")
            if connection.features.has_select_for_update_skip_locked:
                query = query.select_for_update(skip_locked=True)
            batch = list(query[:batch_size])
            for complaint in batch:
                after = (complaint.answered_at, complaint.pk)
                if close_due_at(complaint.answered_at, days) > now:
                    continue
                try:
                    with transaction.atomic():
                        lifecycle.close(complaint, automatic=True, note=note, at=now)
                except lifecycle.IllegalTransition:
                    continue  # confirmed, disputed or closed by someone else meanwhile
                closed += 1
        if len(batch) < batch_size:
            break
    if closed:
        log.info("auto-closed %s complaints", closed)
    return {"closed": closed} if closed else {}
