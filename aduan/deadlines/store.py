"""The city's working calendar and deadline policy, built from the database and cached.

Every transition and every badge asks for them, so each process keeps one copy.
Saving or deleting a row in this process drops the copy at once (signals connected
in ``DeadlinesConfig.ready``); other processes (the worker, other web workers) pick
the change up within :data:`CACHE_SECONDS`.
"""

from __future__ import annotations

import time

from django.conf import settings

from aduan.lib.workcalendar import WorkCalendar

from .models import Closure, EscalationStep, RegionalHoliday, SlaRule, WorkingHours
from .policy import Policy, RuleData, StepData

CACHE_SECONDS = 300.0

_cache: dict[str, tuple[object, float]] = {}


def _cached(key: str, build):
    entry = _cache.get(key)
    now = time.monotonic()
    if entry is not None and now - entry[1] < CACHE_SECONDS:
        return entry[0]
    value = build()
    _cache[key] = (value, now)
    return value


def build_calendar() -> WorkCalendar:
    hours = {row.weekday: (row.opens, row.closes) for row in WorkingHours.objects.all()}
    extra, removed = {}, []
    for holiday in RegionalHoliday.objects.all():
        if holiday.is_day_off:
            extra[holiday.date] = holiday.name
        else:
            removed.append(holiday.date)
    closures = [(c.first_day, c.last_day, c.name) for c in Closure.objects.all()]
    return WorkCalendar(
        # No rows at all means nobody configured hours yet, not "never open".
        hours=hours or None,
        tz=settings.TIME_ZONE,
        extra_holidays=extra,
        closures=closures,
        removed_holidays=removed,
    )


def build_policy() -> Policy:
    rules = [RuleData.from_model(rule) for rule in SlaRule.objects.all()]
    steps = [StepData.from_model(step) for step in EscalationStep.objects.filter(is_active=True)]
    return Policy(rules, steps)


def get_calendar() -> WorkCalendar:
    """The working calendar (hours, national and regional holidays, closures)."""
    return _cached("calendar", build_calendar)


def get_policy() -> Policy:
    """The SLA rules and the active escalation ladder."""
    return _cached("policy", build_policy)


def invalidate(*_args, **_kwargs) -> None:
    """Forget the cached calendar and policy (also usable as a signal receiver)."""
    _cache.clear()
