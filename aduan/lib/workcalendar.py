"""Working-day calendar for complaint deadlines (pure, framework-free).

Indonesian complaint rules use two clocks:

* clock hours ("1x24 jam"): elapsed wall time that runs through nights, weekends and
  holidays -- see :meth:`WorkCalendar.add_clock_hours`;
* working time (hari kerja): office hours on Monday to Friday minus national holidays,
  cuti bersama (collective leave), regional holidays and ad-hoc closures -- see
  :meth:`WorkCalendar.add_working_days` and :meth:`WorkCalendar.add_working_hours`.

National holidays and cuti bersama come from the ``holidays`` package (``public`` and
``government`` categories for Indonesia).  The package lists cuti bersama only for years
whose SKB 3 Menteri it knows, and marks lunar-calendar holidays of future years as
estimates ("(perkiraan)"); the admin fills gaps with ``extra_holidays`` and drops a wrong
estimate with ``removed_holidays``.

Every method takes timezone-aware datetimes (naive ones raise ``ValueError``) and returns
datetimes in the calendar's timezone.  Day arithmetic uses the wall clock of that
timezone; Indonesian zones (WIB, WITA, WIT) have no daylight saving, so office hours never
straddle a clock change.

A calendar is immutable: when the admin edits holidays or hours, build a new one.  The
package's per-year holiday sets are cached module-wide, so rebuilding is cheap, and each
calendar keeps per-year prefix sums so that every query is a few lookups (the deadline
sweep calls it for every open complaint).
"""

from __future__ import annotations

import calendar
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib

__all__ = ["DEFAULT_HOURS", "PAUSE_MODES", "WorkCalendar"]

DEFAULT_HOURS: Mapping[int, tuple[time, time]] = {
    weekday: (time(8, 0), time(16, 0)) for weekday in range(5)
}
PAUSE_MODES = ("clock", "working")

_US_PER_SECOND = 1_000_000
_US_PER_HOUR = 3600 * _US_PER_SECOND


@lru_cache(maxsize=1024)
def _package_holidays(year: int, include_cuti_bersama: bool) -> tuple[tuple[date, str], ...]:
    """The package's Indonesian holidays of one year, Indonesian names, sorted by date."""
    categories = ("public", "government") if include_cuti_bersama else ("public",)
    found = holidays_lib.country_holidays("ID", years=year, categories=categories, language="id")
    return tuple(sorted(found.items()))


def _time_us(value: time) -> int:
    return (
        (value.hour * 60 + value.minute) * 60 + value.second
    ) * _US_PER_SECOND + value.microsecond


def _add_name(names: dict[date, str], day: date, name: str) -> None:
    # Same joining convention as the package uses when two holidays share a date.
    current = names.get(day)
    if current is None:
        names[day] = name
    elif name not in current.split("; "):
        names[day] = f"{current}; {name}"


class _Year:
    """Per-year lookup tables; index ``i`` is the day of the year, 0 for 1 January."""

    __slots__ = ("cum_days", "cum_us", "first", "names", "workdays", "year")

    def __init__(self, year, first, names, cum_days, cum_us, workdays):
        self.year = year
        self.first = first  # proleptic ordinal of 1 January
        self.names = names  # date -> holiday or closure name
        self.cum_days = cum_days  # cum_days[i]: working days among the first i days
        self.cum_us = cum_us  # cum_us[i]: working microseconds in the first i days
        self.workdays = workdays  # ordinals of the working days, ascending


class WorkCalendar:
    """Office hours, holidays and closures of one city, with deadline arithmetic.

    ``hours`` maps a weekday (0 = Monday) to ``(opening, closing)`` naive ``time`` values
    in ``tz``; a weekday left out is not a working day.  ``extra_holidays`` maps a date to
    a name (regional holidays entered by the admin).  ``closures`` is an iterable of
    ``(first_day, last_day_inclusive, name)`` whole-day closures.  ``removed_holidays`` is
    an iterable of dates the package lists but that are not days off after all (for
    instance an estimated Islamic holiday that the sidang isbat moved).  With
    ``include_cuti_bersama=False`` only the package's public holidays are days off.
    """

    def __init__(
        self,
        hours: Mapping[int, tuple[time, time]] | None = None,
        tz: str | ZoneInfo = "Asia/Jakarta",
        extra_holidays: Mapping[date, str] | None = None,
        closures: Iterable[tuple[date, date, str]] | None = None,
        include_cuti_bersama: bool = True,
        removed_holidays: Iterable[date] | None = None,
    ) -> None:
        self.tz = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        self.include_cuti_bersama = include_cuti_bersama
        hours = DEFAULT_HOURS if hours is None else hours
        if not hours:
            raise ValueError("hours must give at least one working weekday")
        self.hours: dict[int, tuple[time, time]] = {}
        self._open_time: list[time | None] = [None] * 7
        self._close_time: list[time | None] = [None] * 7
        self._open_us = [0] * 7
        self._close_us = [0] * 7
        self._length_us = [0] * 7
        for weekday, (opening, closing) in sorted(hours.items()):
            if weekday not in range(7):
                raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday!r}")
            if opening.tzinfo is not None or closing.tzinfo is not None:
                raise ValueError("office hours are wall-clock times in tz; give naive times")
            if not opening < closing:
                raise ValueError(
                    f"weekday {weekday}: opening {opening} is not before closing {closing}"
                )
            self.hours[weekday] = (opening, closing)
            self._open_time[weekday] = opening
            self._close_time[weekday] = closing
            self._open_us[weekday] = _time_us(opening)
            self._close_us[weekday] = _time_us(closing)
            self._length_us[weekday] = self._close_us[weekday] - self._open_us[weekday]

        self._extra = dict(extra_holidays or {})
        self._removed = frozenset(removed_holidays or ())
        self._closures: list[tuple[date, date, str]] = []
        for first_day, last_day, name in closures or ():
            if last_day < first_day:
                raise ValueError(
                    f"closure {name!r} ends ({last_day}) before it starts ({first_day})"
                )
            self._closures.append((first_day, last_day, name))
        self._years: dict[int, _Year] = {}

    # -- per-year tables -------------------------------------------------------------

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            table = self._years[year] = self._build_year(year)
        return table

    def _build_year(self, year: int) -> _Year:
        names: dict[date, str] = {}
        for day, name in _package_holidays(year, self.include_cuti_bersama):
            if day not in self._removed:
                names[day] = name
        for day, name in self._extra.items():
            if day.year == year:
                _add_name(names, day, name)
        jan1, dec31 = date(year, 1, 1), date(year, 12, 31)
        for first_day, last_day, name in self._closures:
            day = max(first_day, jan1)
            while day <= min(last_day, dec31):
                _add_name(names, day, name)
                day += timedelta(days=1)
        names = dict(sorted(names.items()))

        first = jan1.toordinal()
        day_count = 366 if calendar.isleap(year) else 365
        closed = {day.toordinal() for day in names}
        cum_days, cum_us, workdays = [0], [0], []
        for ordinal in range(first, first + day_count):
            # Ordinal 1 (1 January of year 1) was a Monday.
            length = self._length_us[(ordinal - 1) % 7]
            if length and ordinal not in closed:
                workdays.append(ordinal)
            else:
                length = 0
            cum_days.append(len(workdays))
            cum_us.append(cum_us[-1] + length)
        return _Year(year, first, names, cum_days, cum_us, workdays)

    # -- input handling --------------------------------------------------------------

    def _local(self, moment: datetime) -> datetime:
        if not isinstance(moment, datetime):
            raise TypeError(f"expected a timezone-aware datetime, got {type(moment).__name__}")
        if moment.utcoffset() is None:
            raise ValueError(f"naive datetime {moment.isoformat()} given; attach a timezone")
        return moment.astimezone(self.tz)

    def _day(self, day: date | datetime) -> date:
        if isinstance(day, datetime):
            return self._local(day).date()
        if isinstance(day, date):
            return day
        raise TypeError(f"expected a date or an aware datetime, got {type(day).__name__}")

    def _position(self, local: datetime) -> tuple[_Year, int]:
        """Year table and the working microseconds from 1 January up to ``local``."""
        table = self._year(local.year)
        index = local.toordinal() - table.first
        done = table.cum_us[index]
        length = table.cum_us[index + 1] - done
        if length:
            clock_us = (
                (local.hour * 60 + local.minute) * 60 + local.second
            ) * _US_PER_SECOND + local.microsecond
            into = clock_us - self._open_us[local.weekday()]
            done += min(length, max(0, into))
        return table, done

    def _opening(self, ordinal: int) -> datetime:
        day = date.fromordinal(ordinal)
        return datetime.combine(day, self._open_time[day.weekday()], tzinfo=self.tz)

    def _closing(self, ordinal: int) -> datetime:
        day = date.fromordinal(ordinal)
        return datetime.combine(day, self._close_time[day.weekday()], tzinfo=self.tz)

    def _nth_working_day_after(self, table: _Year, index: int, n: int) -> int:
        """Ordinal of the n-th (n >= 1) working day after day ``index`` of ``table``."""
        rank = table.cum_days[index + 1] + n - 1
        while rank >= len(table.workdays):
            rank -= len(table.workdays)
            table = self._year(table.year + 1)
        return table.workdays[rank]

    # -- days ------------------------------------------------------------------------

    def is_holiday(self, day: date | datetime) -> str | None:
        """Name of the holiday or closure on ``day`` (any weekday), else ``None``.

        An aware datetime counts for its date in the calendar's timezone.
        """
        day = self._day(day)
        return self._year(day.year).names.get(day)

    def is_working_day(self, day: date | datetime) -> bool:
        day = self._day(day)
        table = self._year(day.year)
        index = day.toordinal() - table.first
        return table.cum_days[index + 1] > table.cum_days[index]

    def holidays_in(self, year: int) -> dict[date, str]:
        """Every named day off of ``year`` (national, cuti bersama, regional, closures), by date.

        Includes holidays that fall on a weekend, for display to the admin.
        """
        return dict(self._year(year).names)

    def has_cuti_bersama_data(self, year: int) -> bool:
        """Whether the package knows that year's cuti bersama (the SKB may not exist yet).

        The admin page uses it to ask for the dates by hand; years before 2002 had none.
        """
        return _package_holidays(year, True) != _package_holidays(year, False)

    def working_days_between(self, start: date | datetime, end: date | datetime) -> int:
        """Working days ``d`` with ``start < d <= end``; 0 when ``end <= start``.

        The counting matches :meth:`add_working_days`: for a datetime ``t`` and ``n >= 1``,
        ``working_days_between(t, add_working_days(t, n)) == n``.
        """
        start, end = self._day(start), self._day(end)
        if end <= start:
            return 0
        table_a, table_b = self._year(start.year), self._year(end.year)
        count_a = table_a.cum_days[start.toordinal() - table_a.first + 1]
        count_b = table_b.cum_days[end.toordinal() - table_b.first + 1]
        if start.year == end.year:
            return count_b - count_a
        total = table_a.cum_days[-1] - count_a + count_b
        for year in range(start.year + 1, end.year):
            total += self._year(year).cum_days[-1]
        return total

    # -- moments ---------------------------------------------------------------------

    def is_working_time(self, moment: datetime) -> bool:
        """True when ``moment`` is on a working day, at or after opening and before closing."""
        local = self._local(moment)
        table = self._year(local.year)
        index = local.toordinal() - table.first
        if table.cum_days[index + 1] == table.cum_days[index]:
            return False
        weekday = local.weekday()
        return self._open_time[weekday] <= local.time() < self._close_time[weekday]

    def next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` itself during working time, otherwise the next opening.

        Used to hold staff notifications until the office is open.
        """
        local = self._local(moment)
        table = self._year(local.year)
        index = local.toordinal() - table.first
        if table.cum_days[index + 1] > table.cum_days[index]:
            clock = local.time()
            weekday = local.weekday()
            if clock < self._open_time[weekday]:
                return self._opening(local.toordinal())
            if clock < self._close_time[weekday]:
                return local
        return self._opening(self._nth_working_day_after(table, index, 1))

    def add_clock_hours(self, moment: datetime, hours: float) -> datetime:
        """``moment`` plus elapsed wall time, ignoring office hours ("1x24 jam")."""
        local = self._local(moment)
        return (local.astimezone(UTC) + timedelta(hours=hours)).astimezone(self.tz)

    def add_working_days(self, moment: datetime, n: int) -> datetime:
        """Deadline for "within ``n`` working days" of ``moment``.

        The deadline is the closing time of the n-th working day *after* the day of
        ``moment``; that day itself is never counted, whatever the hour, so a complaint
        filed at 15:55 does not lose a day, and one filed on a weekend or holiday gets the
        same deadline as one filed on the working day before it.  Example: filed Monday
        10:00 with n=3 gives Thursday 16:00 (default hours, no holidays).

        ``n == 0`` means "today": the closing time of ``moment``'s day when that is a
        working day and ``moment`` is before closing, else the next working day's closing.
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        local = self._local(moment)
        table = self._year(local.year)
        index = local.toordinal() - table.first
        if n == 0:
            if (
                table.cum_days[index + 1] > table.cum_days[index]
                and local.time() < self._close_time[local.weekday()]
            ):
                return self._closing(local.toordinal())
            n = 1
        return self._closing(self._nth_working_day_after(table, index, n))

    def add_working_hours(self, moment: datetime, hours: float) -> datetime:
        """Earliest moment by which ``hours`` of working time have passed since ``moment``.

        Only working time counts.  A result that lands exactly on closing time stays at
        closing time (it is not moved to the next opening).  ``hours == 0`` returns
        ``moment``.  Inverse of :meth:`working_seconds_between` to the microsecond.
        """
        if hours < 0:
            raise ValueError(f"hours must be >= 0, got {hours}")
        return self._add_working_us(self._local(moment), round(hours * _US_PER_HOUR))

    def _add_working_us(self, local: datetime, amount_us: int) -> datetime:
        if amount_us == 0:
            return local
        table, done = self._position(local)
        target = done + amount_us
        while target > table.cum_us[-1]:
            target -= table.cum_us[-1]
            table = self._year(table.year + 1)
        # cum_us[index] < target <= cum_us[index + 1], so day ``index`` is a working day.
        index = bisect_left(table.cum_us, target) - 1
        opening = self._opening(table.first + index)
        return opening + timedelta(microseconds=target - table.cum_us[index])

    def working_seconds_between(self, start: datetime, end: datetime) -> float:
        """Working time between two moments, in seconds; 0 when ``end <= start``."""
        return self._working_us_between(start, end) / _US_PER_SECOND

    def _working_us_between(self, start: datetime, end: datetime) -> int:
        local_a, local_b = self._local(start), self._local(end)
        if local_b <= local_a:
            return 0
        table_a, done_a = self._position(local_a)
        table_b, done_b = self._position(local_b)
        if table_a is table_b:
            return done_b - done_a
        total = table_a.cum_us[-1] - done_a + done_b
        for year in range(table_a.year + 1, table_b.year):
            total += self._year(year).cum_us[-1]
        return total

    # -- pauses ----------------------------------------------------------------------

    def shift_deadline(
        self, deadline: datetime, paused_from: datetime, resumed_at: datetime, mode: str
    ) -> datetime:
        """Deadline pushed back by the time a complaint spent paused (menunggu_info).

        ``mode="clock"`` adds the elapsed time of the pause (for "1x24 jam" deadlines);
        ``mode="working"`` adds the working time inside the pause, counted from the
        deadline onwards with :meth:`add_working_hours` (for working-day deadlines), so a
        pause over a weekend costs nothing.  The whole pause counts, even if it began after
        the deadline had passed: an overdue complaint stays overdue by the same amount.
        A pause with ``resumed_at <= paused_from`` changes nothing.
        """
        local = self._local(deadline)
        if mode == "clock":
            # Subtract in UTC: aware datetimes sharing a tzinfo subtract as wall clocks.
            span = self._local(resumed_at).astimezone(UTC) - self._local(paused_from).astimezone(
                UTC
            )
            if span <= timedelta(0):
                return local
            return (local.astimezone(UTC) + span).astimezone(self.tz)
        if mode == "working":
            return self._add_working_us(local, self._working_us_between(paused_from, resumed_at))
        raise ValueError(f"mode must be one of {PAUSE_MODES}, got {mode!r}")
