"""``{% load deadlines %}``: deadline badges for staff, the expected date for citizens.

- ``{% deadline_badge complaint %}``: "sisa 5 jam" / "terlambat 2 hari kerja" /
  "dijeda: menunggu pelapor" / "rencana APBD 2027", coloured by state
  (``deadline-ok``, ``-soon``, ``-overdue``, ``-paused``, ``-planned``).
- ``{{ complaint|due_in }}`` or ``{{ some_datetime|due_in }}``: the same words, plain text.
- ``{% deadline_panel complaint %}``: every stage of the complaint with its deadline,
  outcome and fired escalations (the staff complaint page).
- ``{% expected_date complaint %}``: the citizen's "perkiraan selesai" paragraph.
"""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

from aduan.core.models import Complaint

from ..display import describe_due, due_state
from ..display import expected_date as expected_date_of
from ..models import EscalationFiring, StageRecord
from ..store import get_calendar

register = template.Library()


@register.inclusion_tag("deadlines/_badge.html")
def deadline_badge(complaint: Complaint):
    return {"due": due_state(complaint)}


@register.filter
def due_in(value) -> str:
    """Words for a complaint's running deadline, or for a deadline datetime."""
    if isinstance(value, Complaint):
        return due_state(value).text
    if isinstance(value, datetime):
        return describe_due(value)
    return ""


@register.inclusion_tag("deadlines/_expected_date.html")
def expected_date(complaint: Complaint):
    return {"expected": expected_date_of(complaint)}


@register.inclusion_tag("deadlines/_panel.html")
def deadline_panel(complaint: Complaint):
    now = timezone.now()
    calendar = get_calendar()
    records = list(
        StageRecord.objects.filter(complaint=complaint)
        .select_related("agency")
        .order_by("started_at", "id")
    )
    firings: dict[int, list[EscalationFiring]] = {}
    for firing in EscalationFiring.objects.filter(complaint=complaint, skipped=False):
        firings.setdefault(firing.record_id, []).append(firing)
    stages = []
    for record in records:
        text, state = "", ""
        if record.is_open and record.due_at and record.paused_at is None:
            text = describe_due(record.due_at, now, calendar)
            state = "overdue" if record.due_at < now else "ok"
        stages.append(
            {"record": record, "text": text, "state": state, "firings": firings.get(record.pk, [])}
        )
    return {"stages": stages, "due": due_state(complaint, now)}
