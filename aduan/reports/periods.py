"""Days, months and evaluation periods in the city's time zone.

Reports count by local date (Asia/Jakarta): an answer at 23:30 WIB belongs to that
day, not to the next UTC day. Diskominfo evaluates every two months, in fixed
periods January-February, March-April, ... November-December.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.formats import date_format

PERIOD_MONTHS = 2
_CODE_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def month_of(day: date) -> date:
    return day.replace(day=1)


def start_of(day: date) -> datetime:
    """The first moment of a local day, aware."""
    return timezone.make_aware(datetime.combine(day, time.min))


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """Every month from ``first`` to ``last`` inclusive (both first days of months)."""
    months, current = [], month_of(first)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def day_ranges(days) -> list[tuple[datetime, datetime]]:
    """Aware ``[start, end)`` ranges covering ``days``, consecutive days merged."""
    ranges: list[tuple[datetime, datetime]] = []
    run_start = previous = None
    for day in sorted(set(days)):
        if previous is not None and day == previous + timedelta(days=1):
            previous = day
            continue
        if run_start is not None:
            ranges.append((start_of(run_start), start_of(previous + timedelta(days=1))))
        run_start = previous = day
    if run_start is not None:
        ranges.append((start_of(run_start), start_of(previous + timedelta(days=1))))
    return ranges


@dataclass(frozen=True)
class Period:
    """Whole months from ``first`` (a first day of month) for ``length`` months."""

    first: date
    length: int = PERIOD_MONTHS

    @property
    def months(self) -> list[date]:
        return [add_months(self.first, i) for i in range(self.length)]

    @property
    def end_month(self) -> date:
        """The first month after the period."""
        return add_months(self.first, self.length)

    @property
    def start(self) -> datetime:
        return start_of(self.first)

    @property
    def end(self) -> datetime:
        return start_of(self.end_month)

    @property
    def code(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def label(self) -> str:
        last = add_months(self.first, self.length - 1)
        if self.length == 1:
            return date_format(self.first, "F Y")
        if last.year == self.first.year:
            return f"{date_format(self.first, 'F')}–{date_format(last, 'F Y')}"
        return f"{date_format(self.first, 'F Y')}–{date_format(last, 'F Y')}"

    def previous(self, n: int = 1) -> Period:
        return Period(add_months(self.first, -n * self.length), self.length)

    def next(self) -> Period:
        return Period(self.end_month, self.length)

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def evaluation_period_of(day: date) -> Period:
    month = (day.month - 1) // PERIOD_MONTHS * PERIOD_MONTHS + 1
    return Period(date(day.year, month, 1))


def current_evaluation_period() -> Period:
    return evaluation_period_of(timezone.localdate())


def parse_period(code: str | None, default: Period | None = None) -> Period | None:
    """``"2026-09"`` → the evaluation period containing September 2026, else ``default``."""
    match = _CODE_RE.match((code or "").strip())
    if not match:
        return default
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return default
    return evaluation_period_of(date(year, month, 1))


def last_months(n: int, today: date | None = None) -> Period:
    """The ``n`` months ending with the current one."""
    this_month = month_of(today or timezone.localdate())
    return Period(add_months(this_month, -(n - 1)), n)
