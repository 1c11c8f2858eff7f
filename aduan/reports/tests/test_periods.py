"""Evaluation periods: two months, fixed, in the city's time zone."""

from datetime import date

from aduan.reports.periods import Period, day_ranges, evaluation_period_of, parse_period

from .conftest import wib


def test_codes_name_the_bimonthly_period_containing_the_month():
    assert parse_period("2026-09") == Period(date(2026, 9, 1))
    assert parse_period("2026-10") == Period(date(2026, 9, 1))
    assert parse_period("2026-1") == Period(date(2026, 1, 1))
    assert parse_period("2026-12").months == [date(2026, 11, 1), date(2026, 12, 1)]


def test_bad_codes_fall_back_to_the_default():
    default = Period(date(2026, 3, 1))
    for raw in (None, "", "2026", "2026-13", "26-09", "1999-01", "x-y", "2026-09; drop"):
        assert parse_period(raw, default) is default


def test_bounds_are_local_midnights_and_periods_chain():
    period = evaluation_period_of(date(2026, 10, 31))
    assert period.start == wib(2026, 9, 1)
    assert period.end == wib(2026, 11, 1)
    assert period.contains(wib(2026, 10, 31, 23, 59))
    assert not period.contains(wib(2026, 11, 1))
    assert period.previous() == Period(date(2026, 7, 1))
    assert period.previous(6) == Period(date(2025, 9, 1))
    assert period.next() == Period(date(2026, 11, 1))


def test_day_ranges_merge_consecutive_days():
    ranges = day_ranges([date(2026, 9, 3), date(2026, 9, 1), date(2026, 9, 2), date(2026, 9, 9)])
    assert ranges == [
        (wib(2026, 9, 1), wib(2026, 9, 4)),
        (wib(2026, 9, 9), wib(2026, 9, 10)),
    ]
