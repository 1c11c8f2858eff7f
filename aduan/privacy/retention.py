"""The retention policy (``settings.ADUAN_RETENTION``), enforced.

===========================  ====================================================  =========
kind                         what                                                  action
===========================  ====================================================  =========
reporter_contact             complaints closed (closed, rejected, merged) longer   anonymise
                             than ``reporter_contact_months_after_close`` months
inbound_messages             raw inbound messages older than ``inbound_payload_    delete
                             days``
conversations                chat dialogues idle longer than ``conversation_days``  delete
outbound_messages            sent or failed outbox rows older than ``outbound_      delete
                             message_days`` (pending ones never)
notifications                staff notifications older than ``notification_days``  delete
verification_codes           one-time codes a day after they expired               delete
erasure_waiting              complaints of approved erasure requests that have     anonymise
                             closed since
===========================  ====================================================  =========

No photo kind: the original of a photo is never stored (lib/images.py re-encodes every
upload without metadata, at most 2048 pixels a side), and the copy is part of the
complaint's content. Photos of a failed web submission wait at most a day
(``portal.stash``, purged by the portal's own job).

The worker runs :func:`run_job` hourly with a bounded batch per kind; ``aduan retention``
runs it to the end, or with ``--dry-run`` reports counts and oldest dates per kind.
Anonymising is idempotent per complaint and deleting is by primary key, so several
workers may run it at once.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from aduan.channels.models import Conversation, InboundMessageLog
from aduan.core.models import CLOSED_STATUSES, Complaint, OutboundMessage
from aduan.office.models import Notification

from . import trail
from .actions import finish_waiting
from .anonymise import anonymise
from .models import Anonymisation, DataRequest, VerificationCode

DEFAULTS = {
    "reporter_contact_months_after_close": 24,
    "inbound_payload_days": 90,
    "conversation_days": 30,
    "outbound_message_days": 180,
    "notification_days": 365,
}
CODE_DAYS = 1
BATCH = 500


def policy() -> dict[str, int]:
    return {**DEFAULTS, **getattr(settings, "ADUAN_RETENTION", {})}


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (end of a shorter month)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    rows: QuerySet
    date_field: str
    anonymises: bool = False


def kinds(now=None) -> list[Kind]:
    now = now or timezone.now()
    p = policy()
    closed_before = months_before(now, p["reporter_contact_months_after_close"])
    return [
        Kind(
            "reporter_contact",
            "complaints whose reporter is removed",
            Complaint.objects.filter(status__in=CLOSED_STATUSES, anonymisation__isnull=True)
            .filter(
                Q(closed_at__lt=closed_before)
                # A closed row from before closed_at was kept: its last change counts.
                | Q(closed_at__isnull=True, updated_at__lt=closed_before)
            )
            .order_by("closed_at", "pk"),
            "closed_at",
            anonymises=True,
        ),
        Kind(
            "inbound_messages",
            "raw inbound messages deleted",
            InboundMessageLog.objects.filter(
                created_at__lt=now - timedelta(days=p["inbound_payload_days"])
            ),
            "created_at",
        ),
        Kind(
            "conversations",
            "chat dialogues deleted",
            Conversation.objects.filter(
                updated_at__lt=now - timedelta(days=p["conversation_days"])
            ),
            "updated_at",
        ),
        Kind(
            "outbound_messages",
            "sent or failed outbound messages deleted",
            OutboundMessage.objects.exclude(state=OutboundMessage.State.PENDING).filter(
                created_at__lt=now - timedelta(days=p["outbound_message_days"])
            ),
            "created_at",
        ),
        Kind(
            "notifications",
            "staff notifications deleted",
            Notification.objects.filter(
                created_at__lt=now - timedelta(days=p["notification_days"])
            ),
            "created_at",
        ),
        Kind(
            "verification_codes",
            "expired verification codes deleted",
            VerificationCode.objects.filter(expires_at__lt=now - timedelta(days=CODE_DAYS)),
            "created_at",
        ),
        Kind(
            "erasure_waiting",
            "complaints of approved erasure requests, now closed",
            Complaint.objects.filter(
                data_requests__state=DataRequest.State.APPROVED,
                data_requests__kind=DataRequest.Kind.ERASURE,
                status__in=CLOSED_STATUSES,
                anonymisation__isnull=True,
            ).distinct(),
            "closed_at",
            anonymises=True,
        ),
    ]


@dataclass(frozen=True)
class Line:
    name: str
    label: str
    count: int
    oldest: datetime | None


def report(now=None) -> list[Line]:
    """What a run would do now, per kind: how many rows and the oldest date. No data."""
    lines = []
    for kind in kinds(now):
        count = kind.rows.count()
        oldest = kind.rows.aggregate(oldest=Min(kind.date_field))["oldest"] if count else None
        lines.append(Line(kind.name, kind.label, count, oldest))
    return lines


def _delete_batch(rows: QuerySet, limit: int) -> int:
    ids = list(rows.values_list("pk", flat=True)[:limit])
    if ids:
        rows.model.objects.filter(pk__in=ids).delete()
    return len(ids)


def run(now=None, *, limit: int | None = BATCH) -> dict[str, int]:
    """One pass: at most ``limit`` rows per kind (None: all). Returns counts per kind."""
    now = now or timezone.now()
    done: dict[str, int] = {}
    for kind in kinds(now):
        if kind.name == "erasure_waiting":
            done[kind.name] = finish_waiting(now=now)
            continue
        if kind.anonymises:
            count = 0
            while limit is None or count < limit:
                step = limit - count if limit is not None else BATCH
                batch = list(kind.rows[:step])
                if not batch:
                    break
                for complaint in batch:
                    anonymise(complaint, reason=Anonymisation.Reason.RETENTION, at=now)
                count += len(batch)
            done[kind.name] = count
            continue
        count = 0
        while limit is None or count < limit:
            step = _delete_batch(kind.rows, (limit - count) if limit is not None else BATCH)
            count += step
            if not step:
                break
        done[kind.name] = count
    if any(done.values()):
        trail.record(
            retention=True,
            description="Masa simpan data pribadi: "
            + ", ".join(f"{name} {n}" for name, n in done.items() if n),
            **done,
        )
    return done


def run_job() -> str:
    done = run()
    return ", ".join(f"{name}: {n}" for name, n in done.items() if n)
