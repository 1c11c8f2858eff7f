"""Deadlines in words: badges for staff, the expected date for citizens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aduan.core.models import ANSWERED_STATUSES, CLOSED_STATUSES, Complaint, Status

from .models import Stage
from .policy import add_amount
from .store import get_calendar, get_policy

# Due today, or less than this left: the badge turns amber.
SOON_CLOCK = timedelta(hours=6)


def _amount(seconds: float, working_days: int) -> str:
    # Under a day: minutes or hours of wall time (what "1x24 jam" means); beyond:
    # working days, because that is how a late agency is counted.
    if seconds < 3600:
        minutes = max(1, int(seconds // 60))
        return ngettext("%(n)d menit", "%(n)d menit", minutes) % {"n": minutes}
    if seconds < 24 * 3600:
        hours = int(seconds // 3600)
        return ngettext("%(n)d jam", "%(n)d jam", hours) % {"n": hours}
    if working_days >= 1:
        return ngettext("%(n)d hari kerja", "%(n)d hari kerja", working_days) % {"n": working_days}
    days = int(seconds // 86400)
    return ngettext("%(n)d hari", "%(n)d hari", days) % {"n": days}


def due_amount(due_at: datetime, now: datetime, calendar) -> tuple[str, bool]:
    """(amount of time left or late, overdue?) for ``due_at`` seen at ``now``."""
    if due_at >= now:
        seconds = (due_at - now).total_seconds()
        return _amount(seconds, calendar.working_days_between(now, due_at)), False
    seconds = (now - due_at).total_seconds()
    return _amount(seconds, calendar.working_days_between(due_at, now)), True


def describe_due(due_at: datetime, now: datetime | None = None, calendar=None) -> str:
    """ "sisa 5 jam", "sisa 3 hari kerja", "terlambat 2 hari kerja"..."""
    amount, overdue = due_amount(due_at, now or timezone.now(), calendar or get_calendar())
    if overdue:
        return _("terlambat %(amount)s") % {"amount": amount}
    return _("sisa %(amount)s") % {"amount": amount}


def overdue_text(due_at: datetime | None, now: datetime, calendar) -> str:
    """How late, without the word "terlambat" (for messages that already say so)."""
    if due_at is None or now <= due_at:
        return _amount(0, 0)
    return due_amount(due_at, now, calendar)[0]


@dataclass(frozen=True)
class DueState:
    """What a badge shows. ``state``: none, paused, planned, ok, soon or overdue."""

    state: str
    text: str
    due_at: datetime | None = None
    stage: str = ""


def due_state(complaint: Complaint, now: datetime | None = None) -> DueState:
    now = now or timezone.now()
    if complaint.status == Status.MENUNGGU_INFO:
        return DueState("paused", _("dijeda: menunggu pelapor"), stage=complaint.due_stage)
    if complaint.status == Status.DITUNDA_ANGGARAN:
        year = complaint.budget_year
        text = _("rencana APBD %(year)s") % {"year": year} if year else _("rencana anggaran")
        return DueState("planned", text, stage=Stage.BUDGET)
    if complaint.due_at is None:
        return DueState("none", "")
    calendar = get_calendar()
    due = complaint.due_at
    text = describe_due(due, now, calendar)
    if due < now:
        state = "overdue"
    elif due - now <= SOON_CLOCK or timezone.localdate(due) == timezone.localdate(now):
        state = "soon"
    else:
        state = "ok"
    return DueState(state, text, due, complaint.due_stage)


@dataclass(frozen=True)
class ExpectedDate:
    """The citizen's answer to "when?". ``date`` may be None (waiting for them)."""

    date: date | None
    state: str  # "expected", "late", "waiting", "planned"


def expected_date(complaint: Complaint, now: datetime | None = None) -> ExpectedDate | None:
    """When the citizen may expect an answer; ``None`` when it is answered or closed.

    Before dispatch the resolution deadline does not exist yet: the estimate is the
    resolution rule applied from the dispatch deadline (the latest dispatch the rules
    allow), so it is an upper bound, not a promise.
    """
    now = now or timezone.now()
    status = complaint.status
    if status in ANSWERED_STATUSES or status in CLOSED_STATUSES:
        return None
    if status == Status.MENUNGGU_INFO:
        return ExpectedDate(None, "waiting")
    if status == Status.DITUNDA_ANGGARAN:
        if not complaint.budget_year:
            return None
        return ExpectedDate(date(complaint.budget_year, 12, 31), "planned")
    due = complaint.resolution_due_at
    if status in (Status.BARU, Status.TERVERIFIKASI):
        due = _estimate_from_dispatch(complaint, now)
    if due is None:
        return None
    local = timezone.localtime(due).date()
    return ExpectedDate(local, "late" if due < now else "expected")


def _estimate_from_dispatch(complaint: Complaint, now: datetime) -> datetime | None:
    calendar, policy = get_calendar(), get_policy()
    rule = policy.rule_for(
        Stage.RESOLUTION,
        kind=complaint.kind,
        category_id=complaint.category_id,
        priority=complaint.priority,
    )
    if rule is None:
        return None
    start = max(complaint.dispatch_due_at or now, now)
    return add_amount(calendar, start, rule.amount_for(False), rule.unit)
