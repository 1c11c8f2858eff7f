"""Working days, holidays and closures of aduan.lib.workcalendar.

Dates below were checked against the package and against the SKB 3 Menteri on national
holidays and cuti bersama 2026 (Idul Fitri 1447 H: Saturday 21 and Sunday 22 March, with
cuti bersama on Friday 20, Monday 23 and Tuesday 24 March -- a five-day break).
"""

import calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
import time_machine

from aduan.lib.workcalendar import WorkCalendar

WIB = ZoneInfo("Asia/Jakarta")


def wib(*args):
    return datetime(*args, tzinfo=WIB)


@pytest.fixture(scope="module")
def cal():
    return WorkCalendar()


CUTI_BERSAMA_2026 = {
    date(2026, 2, 16): "Cuti Bersama Tahun Baru Imlek",
    date(2026, 3, 18): "Cuti Bersama Hari Suci Nyepi",
    date(2026, 3, 20): "Cuti Bersama Hari Raya Idul Fitri",
    date(2026, 3, 23): "Cuti Bersama Hari Raya Idul Fitri",
    date(2026, 3, 24): "Cuti Bersama Hari Raya Idul Fitri",
    date(2026, 5, 15): "Cuti Bersama Kenaikan Yesus Kristus",
    date(2026, 5, 28): "Cuti Bersama Hari Raya Idul Adha",
    date(2026, 12, 24): "Cuti Bersama Hari Raya Natal",
}


def test_government_category_is_exactly_cuti_bersama_2026():
    with_cuti = WorkCalendar().holidays_in(2026)
    without = WorkCalendar(include_cuti_bersama=False).holidays_in(2026)
    added = {day: name for day, name in with_cuti.items() if day not in without}
    assert added == CUTI_BERSAMA_2026
    assert all(without[day] == with_cuti[day] for day in without)
    assert len(without) == 17


def test_idul_fitri_2026_dates_and_names(cal):
    assert cal.is_holiday(date(2026, 3, 21)) == "Hari Raya Idul Fitri"
    assert cal.is_holiday(date(2026, 3, 22)) == "Hari kedua dari Hari Raya Idul Fitri"
    assert cal.is_holiday(date(2026, 3, 19)) == "Hari Suci Nyepi"
    assert cal.is_holiday(date(2026, 3, 25)) is None
    closed = [date(2026, 3, 18) + timedelta(days=i) for i in range(7)]  # 18..24 March
    assert [cal.is_working_day(d) for d in closed] == [False] * 7
    assert cal.is_working_day(date(2026, 3, 17))
    assert cal.is_working_day(date(2026, 3, 25))


def test_idul_fitri_2026_three_working_days(cal):
    filed = wib(2026, 3, 17, 10, 0)  # Tuesday before Nyepi and Lebaran
    assert cal.add_working_days(filed, 3) == wib(2026, 3, 27, 16, 0)
    assert cal.working_days_between(date(2026, 3, 17), date(2026, 3, 27)) == 3
    assert cal.next_working_moment(wib(2026, 3, 18, 9, 0)) == wib(2026, 3, 25, 8, 0)


def test_without_cuti_bersama_only_public_holidays_close_the_office():
    cal = WorkCalendar(include_cuti_bersama=False)
    # 18 (Wed) open, 19 Nyepi, 20 (Fri) open, 21-22 weekend and Lebaran, 23 (Mon) open.
    assert cal.add_working_days(wib(2026, 3, 17, 10, 0), 3) == wib(2026, 3, 23, 16, 0)
    assert cal.is_holiday(date(2026, 3, 20)) is None


def test_weekend_is_not_working(cal):
    assert not cal.is_working_day(date(2026, 1, 10))  # Saturday
    assert not cal.is_working_day(date(2026, 1, 11))  # Sunday
    assert cal.is_working_day(date(2026, 1, 12))
    assert cal.is_holiday(date(2026, 1, 10)) is None  # a weekend is not a named holiday


def test_friday_evening_filing(cal):
    filed = wib(2026, 1, 9, 19, 30)  # Friday after closing
    assert cal.add_working_days(filed, 1) == wib(2026, 1, 12, 16, 0)
    assert cal.add_working_days(filed, 3) == wib(2026, 1, 14, 16, 0)
    assert cal.add_working_days(filed, 0) == wib(2026, 1, 12, 16, 0)
    assert cal.next_working_moment(filed) == wib(2026, 1, 12, 8, 0)


def test_day_of_filing_is_never_counted(cal):
    early = wib(2026, 1, 12, 7, 0)  # Monday before opening
    late = wib(2026, 1, 12, 15, 59)
    assert cal.add_working_days(early, 3) == wib(2026, 1, 15, 16, 0)
    assert cal.add_working_days(late, 3) == wib(2026, 1, 15, 16, 0)
    # Filing on Sunday gives the same deadline as filing on the Friday before.
    assert cal.add_working_days(wib(2026, 1, 11, 12, 0), 3) == cal.add_working_days(
        wib(2026, 1, 9, 9, 0), 3
    )


def test_zero_working_days_means_today_while_open(cal):
    assert cal.add_working_days(wib(2026, 1, 12, 6, 0), 0) == wib(2026, 1, 12, 16, 0)
    assert cal.add_working_days(wib(2026, 1, 12, 15, 59), 0) == wib(2026, 1, 12, 16, 0)
    assert cal.add_working_days(wib(2026, 1, 12, 16, 0), 0) == wib(2026, 1, 13, 16, 0)
    assert cal.add_working_days(wib(2026, 1, 16, 17, 0), 0) == wib(2026, 1, 19, 16, 0)
    with pytest.raises(ValueError):
        cal.add_working_days(wib(2026, 1, 12, 9, 0), -1)


def test_christmas_and_new_year_across_2026_2027(cal):
    assert cal.is_holiday(date(2026, 12, 24)) == "Cuti Bersama Hari Raya Natal"
    assert cal.is_holiday(date(2026, 12, 25)) == "Hari Raya Natal"
    assert cal.is_holiday(date(2027, 1, 1)) == "Tahun Baru Masehi"
    assert cal.is_holiday(date(2027, 1, 5)) == "Isra Mikraj Nabi Muhammad"
    filed = wib(2026, 12, 23, 15, 0)  # Wednesday
    assert cal.add_working_days(filed, 3) == wib(2026, 12, 30, 16, 0)
    # 28, 29, 30, 31 Dec; 1 Jan holiday; 2-3 weekend; 4 Jan.
    assert cal.add_working_days(filed, 5) == wib(2027, 1, 4, 16, 0)
    # ...then 5 Jan (Isra Mikraj) is skipped: 6, 7 Jan.
    assert cal.add_working_days(filed, 7) == wib(2027, 1, 7, 16, 0)
    assert cal.working_days_between(date(2026, 12, 23), date(2027, 1, 7)) == 7
    assert cal.next_working_moment(wib(2026, 12, 31, 16, 0)) == wib(2027, 1, 4, 8, 0)


def test_working_days_between_counts_the_half_open_interval(cal):
    assert cal.working_days_between(date(2026, 1, 12), date(2026, 1, 12)) == 0
    assert cal.working_days_between(date(2026, 1, 12), date(2026, 1, 9)) == 0
    assert cal.working_days_between(date(2026, 1, 9), date(2026, 1, 12)) == 1
    assert cal.working_days_between(date(2026, 1, 10), date(2026, 1, 11)) == 0
    # 2026: 261 weekdays, 13 public holidays and 8 cuti bersama on weekdays.
    assert cal.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 240
    assert cal.working_days_between(date(2025, 12, 31), date(2028, 12, 31)) == (
        sum(
            cal.working_days_between(date(y - 1, 12, 31), date(y, 12, 31))
            for y in (2026, 2027, 2028)
        )
    )


def test_regional_holiday_and_closure():
    cal = WorkCalendar(
        extra_holidays={date(2026, 4, 7): "Hari Jadi Kota"},
        closures=[(date(2026, 4, 8), date(2026, 4, 9), "Pindah gedung")],
    )
    assert cal.is_holiday(date(2026, 4, 7)) == "Hari Jadi Kota"
    assert cal.is_holiday(date(2026, 4, 9)) == "Pindah gedung"
    assert not cal.is_working_day(date(2026, 4, 8))
    # 7 regional, 8-9 closed: 10 (Fri), 13, 14.
    assert cal.add_working_days(wib(2026, 4, 6, 9, 0), 3) == wib(2026, 4, 14, 16, 0)
    shown = cal.holidays_in(2026)
    assert shown[date(2026, 4, 8)] == "Pindah gedung"
    assert list(shown) == sorted(shown)
    assert WorkCalendar().is_working_day(date(2026, 4, 8))


def test_closure_across_the_year_boundary_and_shared_dates():
    cal = WorkCalendar(
        extra_holidays={date(2026, 8, 17): "Hari Jadi Kota"},
        closures=[(date(2026, 12, 30), date(2027, 1, 4), "Libur akhir tahun")],
    )
    assert cal.is_holiday(date(2026, 8, 17)) == (
        "Hari Kemerdekaan Republik Indonesia; Hari Jadi Kota"
    )
    assert cal.is_holiday(date(2026, 12, 31)) == "Libur akhir tahun"
    assert cal.is_holiday(date(2027, 1, 1)) == "Tahun Baru Masehi; Libur akhir tahun"
    assert date(2027, 1, 4) in cal.holidays_in(2027)
    # 29 Dec open; then closed until 4 Jan, 5 Jan Isra Mikraj: 6 Jan.
    assert cal.add_working_days(wib(2026, 12, 28, 9, 0), 2) == wib(2027, 1, 6, 16, 0)


def test_removed_holiday_reopens_the_day():
    estimate = date(2027, 3, 10)
    assert "(perkiraan)" in WorkCalendar().is_holiday(estimate)
    cal = WorkCalendar(removed_holidays=[estimate])
    assert cal.is_holiday(estimate) is None
    assert cal.is_working_day(estimate)


def test_has_cuti_bersama_data(cal):
    assert cal.has_cuti_bersama_data(2026)
    assert cal.has_cuti_bersama_data(2027)
    assert not cal.has_cuti_bersama_data(1990)


def test_every_year_the_package_knows_is_consistent():
    cal = WorkCalendar()
    source = holidays.country_holidays("ID", categories=("public", "government"))
    for year in range(1946, 2101):
        expected = holidays.country_holidays("ID", years=year, categories=("public", "government"))
        shown = cal.holidays_in(year)
        assert set(shown) == set(expected), year
        weekday_holidays = sum(1 for d in expected if d.weekday() < 5)
        weekdays = sum(
            1
            for i in range(366 if calendar.isleap(year) else 365)
            if (date(year, 1, 1) + timedelta(days=i)).weekday() < 5
        )
        last = date(year - 1, 12, 31)
        assert cal.working_days_between(last, date(year, 12, 31)) == (
            weekdays - weekday_holidays
        ), year
        # The deadline must be able to leave the year.
        deadline = cal.add_working_days(wib(year, 12, 30, 10, 0), 3)
        assert deadline.year == year + 1
        assert deadline.date() not in source
    assert cal.add_working_days(wib(2101, 6, 1, 10, 0), 1) == wib(2101, 6, 2, 16, 0)


@pytest.mark.parametrize(
    "call",
    [
        lambda c, t: c.is_working_time(t),
        lambda c, t: c.next_working_moment(t),
        lambda c, t: c.add_clock_hours(t, 24),
        lambda c, t: c.add_working_days(t, 3),
        lambda c, t: c.add_working_hours(t, 1),
        lambda c, t: c.working_seconds_between(t, wib(2026, 1, 20, 9, 0)),
        lambda c, t: c.working_seconds_between(wib(2026, 1, 1, 9, 0), t),
        lambda c, t: c.is_holiday(t),
        lambda c, t: c.is_working_day(t),
        lambda c, t: c.working_days_between(t, date(2026, 2, 1)),
        lambda c, t: c.shift_deadline(t, t, t, "clock"),
    ],
)
def test_naive_datetime_is_rejected(cal, call):
    with pytest.raises(ValueError, match="naive"):
        call(cal, datetime(2026, 1, 12, 9, 0))


def test_aware_datetime_counts_for_its_local_date(cal):
    # 20 March 18:00 UTC is already 21 March 01:00 in Jakarta.
    assert cal.is_holiday(datetime(2026, 3, 20, 18, 0, tzinfo=UTC)) == "Hari Raya Idul Fitri"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"hours": {}},
        {"hours": {7: (time(8), time(16))}},
        {"hours": {0: (time(16), time(8))}},
        {"hours": {0: (time(8, tzinfo=UTC), time(16))}},
        {"closures": [(date(2026, 1, 2), date(2026, 1, 1), "terbalik")]},
    ],
)
def test_bad_configuration_is_rejected(kwargs):
    with pytest.raises(ValueError):
        WorkCalendar(**kwargs)


def test_results_do_not_depend_on_today(cal):
    filed = wib(2026, 3, 17, 10, 0)
    expected = cal.add_working_days(filed, 3), cal.add_working_hours(filed, 30)
    with time_machine.travel(datetime(2031, 7, 1, 3, 0, tzinfo=UTC), tick=False):
        fresh = WorkCalendar()
        assert (
            fresh.add_working_days(filed, 3),
            fresh.add_working_hours(filed, 30),
        ) == (expected)
