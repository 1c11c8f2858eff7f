"""Helpers of the sanction tests (their fixtures are in ``conftest.py``): scores written
straight into the monthly counts the scorecard reads."""

from __future__ import annotations

from datetime import date

from aduan.reports import sanctions
from aduan.reports.models import MonthlyCount, SanctionLevel
from aduan.reports.periods import Period
from aduan.reports.records import Sanction

SEP = Period(date(2026, 9, 1))


def judged(agency, period, on_time, n, stage="response"):
    MonthlyCount.objects.create(
        month=period.first,
        agency=agency,
        stage=stage,
        public=True,
        completed=n,
        judged=n,
        on_time=on_time,
        breached=n - on_time,
    )


def step(code) -> SanctionLevel:
    return SanctionLevel.steps.get(code=code)


def issued(record, sekar):
    sanction = record(Sanction.State.APPROVED)
    return sanctions.issue(sanction, sekar)
