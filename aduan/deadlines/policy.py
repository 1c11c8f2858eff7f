"""Deadline policy arithmetic: which rule applies, when a stage is due, when a step fires.

Framework-free on purpose: the rules and steps arrive as plain dataclasses (built
from the database by ``store.py``), the calendar as a :class:`WorkCalendar`, so the
arithmetic is tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from aduan.lib.workcalendar import WorkCalendar

CLOCK_HOURS = "clock_hours"
WORKING_DAYS = "working_days"
WORKING_HOURS = "working_hours"


@dataclass(frozen=True)
class RuleData:
    id: int
    stage: str
    amount: int
    unit: str
    kind: str = ""
    category_id: int | None = None
    priority: str = ""
    multi_agency_amount: int | None = None

    @classmethod
    def from_model(cls, rule) -> RuleData:
        return cls(
            id=rule.pk,
            stage=rule.stage,
            amount=rule.amount,
            unit=rule.unit,
            kind=rule.kind,
            category_id=rule.category_id,
            priority=rule.priority,
            multi_agency_amount=rule.multi_agency_amount,
        )

    @property
    def specificity(self) -> tuple[bool, bool, bool]:
        # Lexicographic: a category rule beats any kind rule, which beats a priority rule.
        return (self.category_id is not None, bool(self.kind), bool(self.priority))

    def matches(self, kind: str, category_id: int | None, priority: str) -> bool:
        return (
            (not self.kind or self.kind == kind)
            and (self.category_id is None or self.category_id == category_id)
            and (not self.priority or self.priority == priority)
        )

    def amount_for(self, multi_agency: bool) -> int:
        if multi_agency and self.multi_agency_amount is not None:
            return self.multi_agency_amount
        return self.amount


@dataclass(frozen=True)
class StepData:
    id: int
    stage: str
    order: int
    action: str
    at_fraction: float | None = None
    offset_amount: int | None = None
    offset_unit: str = ""
    respect_working_hours: bool = True

    @classmethod
    def from_model(cls, step) -> StepData:
        return cls(
            id=step.pk,
            stage=step.stage,
            order=step.order,
            action=step.action,
            at_fraction=float(step.at_fraction) if step.at_fraction is not None else None,
            offset_amount=step.offset_amount,
            offset_unit=step.offset_unit,
            respect_working_hours=step.respect_working_hours,
        )


class Policy:
    """The SLA rules and the escalation ladder of one moment, immutable."""

    def __init__(self, rules: list[RuleData], steps: list[StepData]):
        self._rules: dict[str, list[RuleData]] = {}
        for rule in sorted(rules, key=lambda r: (r.specificity, -r.id), reverse=True):
            self._rules.setdefault(rule.stage, []).append(rule)
        self._steps: dict[str, list[StepData]] = {}
        for step in sorted(steps, key=lambda s: (s.order, s.id)):
            self._steps.setdefault(step.stage, []).append(step)

    def rule_for(
        self, stage: str, *, kind: str, category_id: int | None, priority: str
    ) -> RuleData | None:
        """The most specific rule of ``stage`` matching the complaint, else ``None``."""
        for rule in self._rules.get(stage, ()):
            if rule.matches(kind, category_id, priority):
                return rule
        return None

    def steps_for(self, stage: str) -> list[StepData]:
        return list(self._steps.get(stage, ()))

    def rules(self) -> list[RuleData]:
        return [rule for rules in self._rules.values() for rule in rules]


def add_amount(calendar: WorkCalendar, start: datetime, amount: int, unit: str) -> datetime:
    """``start`` plus ``amount`` in ``unit`` (the meaning of an SLA rule)."""
    if unit == CLOCK_HOURS:
        return calendar.add_clock_hours(start, amount)
    if unit == WORKING_DAYS:
        return calendar.add_working_days(start, amount)
    if unit == WORKING_HOURS:
        return calendar.add_working_hours(start, amount)
    raise ValueError(f"unknown unit {unit!r}")


def pause_mode(unit: str) -> str:
    """How a pause shifts a deadline of ``unit`` (see ``WorkCalendar.shift_deadline``)."""
    return "clock" if unit == CLOCK_HOURS else "working"


def shift_by_pauses(
    calendar: WorkCalendar,
    moment: datetime,
    unit: str,
    paused_clock_seconds: float,
    paused_working_seconds: float,
) -> datetime:
    """``moment`` pushed back by the total time spent waiting for the citizen."""
    if pause_mode(unit) == "clock":
        return calendar.add_clock_hours(moment, paused_clock_seconds / 3600)
    if paused_working_seconds <= 0:
        return moment
    return calendar.add_working_hours(moment, paused_working_seconds / 3600)


def step_moment(
    calendar: WorkCalendar,
    step: StepData,
    *,
    started_at: datetime,
    base_due_at: datetime | None,
    due_at: datetime | None,
    unit: str,
    paused_clock_seconds: float = 0,
    paused_working_seconds: float = 0,
) -> datetime | None:
    """When ``step`` fires for a stage; ``None`` when the stage has no deadline.

    A fraction counts the stage's allowed time in the rule's own clock (working time
    for working-day rules) and is pushed back by the pauses, like the deadline; so
    0.75 means "a quarter of the allowed time is left". An offset counts from the
    (paused-shifted) deadline: 0 is the deadline itself, negative clock hours come
    before it, ``n`` working days is closing time of the n-th working day after it.
    """
    if due_at is None or base_due_at is None:
        return None
    if step.at_fraction is not None:
        fraction = step.at_fraction
        if pause_mode(unit) == "clock":
            moment = started_at + (base_due_at - started_at) * fraction
        else:
            allowed = calendar.working_seconds_between(started_at, base_due_at)
            moment = calendar.add_working_hours(started_at, allowed * fraction / 3600)
        return shift_by_pauses(calendar, moment, unit, paused_clock_seconds, paused_working_seconds)
    amount = step.offset_amount or 0
    if amount == 0:
        return due_at
    if step.offset_unit == CLOCK_HOURS:
        return due_at + timedelta(hours=amount)
    if step.offset_unit == WORKING_HOURS:
        return calendar.add_working_hours(due_at, max(amount, 0))
    if step.offset_unit == WORKING_DAYS:
        return calendar.add_working_days(due_at, max(amount, 0))
    raise ValueError(f"unknown offset unit {step.offset_unit!r}")
