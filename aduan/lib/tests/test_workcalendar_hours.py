"""Working hours, clock hours and pauses of aduan.lib.workcalendar."""

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from aduan.lib.workcalendar import WorkCalendar

WIB = ZoneInfo("Asia/Jakarta")
NEW_YORK = ZoneInfo("America/New_York")
US = timedelta(microseconds=1)


def wib(*args):
    return datetime(*args, tzinfo=WIB)


@pytest.fixture(scope="module")
def cal():
    return WorkCalendar()


def test_working_time_boundaries(cal):
    assert cal.is_working_time(wib(2026, 1, 12, 8, 0))
    assert cal.is_working_time(wib(2026, 1, 12, 15, 59, 59, 999999))
    assert not cal.is_working_time(wib(2026, 1, 12, 16, 0))
    assert not cal.is_working_time(wib(2026, 1, 12, 7, 59))
    assert not cal.is_working_time(wib(2026, 1, 10, 10, 0))  # Saturday
    assert not cal.is_working_time(wib(2026, 3, 23, 10, 0))  # cuti bersama
    # 02:00 UTC is 09:00 in Jakarta.
    assert cal.is_working_time(datetime(2026, 1, 12, 2, 0, tzinfo=UTC))


def test_next_working_moment(cal):
    inside = datetime(2026, 1, 12, 3, 30, tzinfo=UTC)
    moved = cal.next_working_moment(inside)
    assert moved == inside and moved.tzinfo is WIB
    assert cal.next_working_moment(wib(2026, 1, 12, 2, 0)) == wib(2026, 1, 12, 8, 0)
    assert cal.next_working_moment(wib(2026, 1, 12, 16, 0)) == wib(2026, 1, 13, 8, 0)
    assert cal.next_working_moment(wib(2026, 1, 10, 12, 0)) == wib(2026, 1, 12, 8, 0)


def test_jakarta_has_no_daylight_saving_and_clock_hours_are_elapsed_time(cal):
    for month in range(1, 13):
        assert wib(2026, month, 15, 12, 0).utcoffset() == timedelta(hours=7)
        assert cal.add_working_days(wib(2026, month, 10, 9, 0), 1).utcoffset() == (
            timedelta(hours=7)
        )
    filed = wib(2026, 3, 20, 22, 0)  # in the middle of the Lebaran break
    assert cal.add_clock_hours(filed, 24) == wib(2026, 3, 21, 22, 0)
    assert cal.add_clock_hours(filed, 1.5) == wib(2026, 3, 20, 23, 30)
    # New York springs forward on 8 March 2026; 24 clock hours are still 24 hours.
    from_new_york = datetime(2026, 3, 7, 12, 0, tzinfo=NEW_YORK)  # 17:00 UTC
    due = cal.add_clock_hours(from_new_york, 24)
    assert due == datetime(2026, 3, 8, 17, 0, tzinfo=UTC)
    assert due.tzinfo is WIB and due.hour == 0 and due.day == 9


def test_input_zone_does_not_change_results(cal):
    moment = wib(2026, 5, 12, 15, 0)
    elsewhere = moment.astimezone(NEW_YORK)
    assert cal.add_working_days(elsewhere, 3) == cal.add_working_days(moment, 3)
    assert cal.add_working_hours(elsewhere, 5) == cal.add_working_hours(moment, 5)
    assert cal.add_working_hours(elsewhere, 5).tzinfo is WIB


def test_custom_hours_with_saturday_half_day():
    short_friday = {wd: (time(8), time(16)) for wd in range(4)}
    short_friday[4] = (time(8), time(11))
    short_friday[5] = (time(8), time(12))
    cal = WorkCalendar(hours=short_friday)
    assert cal.is_working_day(date(2026, 1, 10))  # Saturday
    assert not cal.is_working_day(date(2026, 1, 11))
    assert cal.add_working_days(wib(2026, 1, 9, 10, 0), 1) == wib(2026, 1, 10, 12, 0)
    assert not cal.is_working_time(wib(2026, 1, 9, 11, 30))
    # Half an hour on Friday, then an hour and a half on Saturday.
    assert cal.add_working_hours(wib(2026, 1, 9, 10, 30), 2) == wib(2026, 1, 10, 9, 30)
    assert cal.working_seconds_between(wib(2026, 1, 9, 0, 0), wib(2026, 1, 12, 0, 0)) == (7 * 3600)
    # A holiday on a working Saturday still closes the office (Idul Fitri 2026).
    assert not cal.is_working_day(date(2026, 3, 21))


def test_add_working_hours_spanning_several_days(cal):
    # Monday 14:00: 2 h Monday, 8 h Tuesday, 8 h Wednesday, 2 h Thursday.
    assert cal.add_working_hours(wib(2026, 1, 12, 14, 0), 20) == wib(2026, 1, 15, 10, 0)
    # Tuesday before Nyepi and Lebaran: 1 h, then nothing until 25 March.
    assert cal.add_working_hours(wib(2026, 3, 17, 15, 0), 2) == wib(2026, 3, 25, 9, 0)
    # Across the year: 31 Dec 15:00 + 2 h; 1 Jan holiday, 2-3 Jan weekend.
    assert cal.add_working_hours(wib(2026, 12, 31, 15, 0), 2) == wib(2027, 1, 4, 9, 0)
    # A whole year of working hours from its first moment ends at its last closing.
    assert cal.add_working_hours(wib(2026, 1, 1, 0, 0), 240 * 8) == wib(2026, 12, 31, 16, 0)


def test_add_working_hours_edges(cal):
    assert cal.add_working_hours(wib(2026, 1, 12, 8, 0), 8) == wib(2026, 1, 12, 16, 0)
    assert cal.add_working_hours(wib(2026, 1, 10, 10, 0), 1) == wib(2026, 1, 12, 9, 0)
    assert cal.add_working_hours(wib(2026, 1, 12, 9, 0), 0.25) == wib(2026, 1, 12, 9, 15)
    saturday = wib(2026, 1, 10, 10, 0)
    assert cal.add_working_hours(saturday, 0) == saturday
    with pytest.raises(ValueError):
        cal.add_working_hours(saturday, -1)


def test_working_seconds_between(cal):
    friday, monday = wib(2026, 1, 9, 15, 0), wib(2026, 1, 12, 9, 0)
    assert cal.working_seconds_between(friday, monday) == 2 * 3600
    assert cal.working_seconds_between(monday, friday) == 0
    assert cal.working_seconds_between(friday, friday) == 0
    assert cal.working_seconds_between(wib(2026, 1, 10, 1, 0), wib(2026, 1, 11, 23, 0)) == 0
    assert cal.working_seconds_between(wib(2026, 12, 31, 15, 0), wib(2027, 1, 4, 9, 0)) == 7200
    two_years = cal.working_seconds_between(wib(2025, 12, 31, 20, 0), wib(2028, 1, 1, 0, 0))
    assert two_years == 8 * 3600 * cal.working_days_between(date(2025, 12, 31), date(2027, 12, 31))
    assert cal.working_seconds_between(wib(2026, 1, 12, 9, 0), wib(2026, 1, 12, 9, 0) + US) == (
        1e-6
    )


def random_moments(rng, count, years=(2026, 2027)):
    start = wib(years[0], 1, 1)
    span = int((wib(years[-1] + 1, 1, 1) - start).total_seconds())
    return [start + timedelta(seconds=rng.randrange(span)) for _ in range(count)]


def test_working_seconds_between_is_the_inverse_of_add_working_hours(cal):
    rng = random.Random(20260321)
    for start in random_moments(rng, 400):
        minutes = rng.choice([1, 30, 60, 7 * 60, 8 * 60, 24 * 60, 40 * 60, 300 * 60])
        minutes += rng.randrange(60)
        due = cal.add_working_hours(start, minutes / 60)
        assert cal.working_seconds_between(start, due) == minutes * 60
        # Earliest such moment: a microsecond earlier is not enough.
        assert cal.working_seconds_between(start, due - US) < minutes * 60
        assert cal.is_working_time(due - US)


class Reference:
    """Slow day-by-day model of the default calendar, straight from the package."""

    def __init__(self):
        self.off = holidays.country_holidays("ID", categories=("public", "government"))

    def working(self, day):
        return day.weekday() < 5 and day not in self.off

    def seconds_between(self, a, b):
        a, b = a.astimezone(WIB), b.astimezone(WIB)
        total, day = 0.0, a.date()
        while day <= b.date():
            if self.working(day):
                opening = datetime.combine(day, time(8), tzinfo=WIB)
                closing = datetime.combine(day, time(16), tzinfo=WIB)
                overlap = min(b, closing) - max(a, opening)
                total += max(overlap.total_seconds(), 0)
            day += timedelta(days=1)
        return total

    def add_days(self, moment, n):
        day = moment.astimezone(WIB).date()
        while n:
            day += timedelta(days=1)
            n -= self.working(day)
        return datetime.combine(day, time(16), tzinfo=WIB)


def test_fast_tables_agree_with_a_day_by_day_model(cal):
    reference = Reference()
    rng = random.Random(17081945)
    moments = random_moments(rng, 300, years=(2025, 2026, 2027))
    for a, b in zip(moments, moments[1:] + moments[:1], strict=True):
        # Keep most spans short, like real complaints, but some cross years.
        if rng.random() < 0.8:
            b = a + timedelta(hours=rng.randrange(1, 24 * 20))
        # The model also gives 0 for b < a: every overlap is then empty.
        assert cal.working_seconds_between(a, b) == reference.seconds_between(a, b)
        n = rng.randrange(1, 12)
        assert cal.add_working_days(a, n) == reference.add_days(a, n)
        assert cal.working_days_between(a, cal.add_working_days(a, n)) == n


def test_shift_deadline_clock_mode(cal):
    deadline = wib(2026, 1, 13, 10, 0)  # 1x24 jam after Monday 10:00
    paused, resumed = wib(2026, 1, 12, 15, 0), wib(2026, 1, 15, 9, 0)  # 66 hours
    assert cal.shift_deadline(deadline, paused, resumed, "clock") == wib(2026, 1, 16, 4, 0)
    assert cal.shift_deadline(deadline, resumed, paused, "clock") == deadline
    # The span is measured as elapsed time even when given in a zone with DST.
    shifted = cal.shift_deadline(
        deadline,
        datetime(2026, 3, 7, 12, 0, tzinfo=NEW_YORK),
        datetime(2026, 3, 8, 12, 0, tzinfo=NEW_YORK),  # 23 hours: clocks went forward
        "clock",
    )
    assert shifted == deadline + timedelta(hours=23)


def test_shift_deadline_working_mode(cal):
    deadline = wib(2026, 1, 15, 16, 0)  # Thursday closing
    # Tuesday 14:00 to Wednesday 10:00: 2 h + 2 h of working time, added after Friday
    # 16 January (Isra Mikraj) and the weekend.
    paused, resumed = wib(2026, 1, 13, 14, 0), wib(2026, 1, 14, 10, 0)
    assert cal.shift_deadline(deadline, paused, resumed, "working") == wib(2026, 1, 19, 12, 0)
    next_week = (
        wib(2026, 1, 22, 16, 0),
        wib(2026, 1, 20, 14, 0),
        wib(2026, 1, 21, 10, 0),
    )
    assert cal.shift_deadline(*next_week, "working") == wib(2026, 1, 23, 12, 0)
    # A pause over the weekend costs no working time.
    weekend = wib(2026, 1, 10, 10, 0), wib(2026, 1, 11, 20, 0)
    assert cal.shift_deadline(deadline, *weekend, "working") == deadline
    assert cal.shift_deadline(deadline, resumed, paused, "working") == deadline
    # Paused one full working day over New Year: the deadline moves one working day.
    year_end = wib(2026, 12, 31, 16, 0)
    pause = wib(2026, 12, 30, 16, 0), wib(2027, 1, 4, 8, 0)  # 31 Dec only
    assert cal.shift_deadline(year_end, *pause, "working") == wib(2027, 1, 4, 16, 0)
    with pytest.raises(ValueError):
        cal.shift_deadline(deadline, paused, resumed, "hari")
