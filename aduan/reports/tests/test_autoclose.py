"""Automatic closure: exactly once, only after N working days without a dispute."""

import threading
from datetime import date, timedelta

import pytest
from django.db import connection

from aduan.core import jobs, lifecycle
from aduan.core.models import Event, Status
from aduan.deadlines.models import RegionalHoliday
from aduan.reports import closing

from .conftest import wib

ANSWERED = wib(2026, 9, 7, 10)  # a Monday


@pytest.fixture(autouse=True)
def five_days(settings):
    settings.ADUAN_AUTO_CLOSE_DAYS = 5


@pytest.fixture
def answered(city, mira, adi, make_complaint):
    complaint = make_complaint(at=ANSWERED - timedelta(days=1))
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], at=ANSWERED - timedelta(hours=20))
    lifecycle.resolve(complaint, adi, answer="Sudah ditambal.", at=ANSWERED)
    return complaint


def _closed(complaint):
    return Event.objects.filter(complaint=complaint, kind=Event.Kind.CLOSED)


def test_closes_once_at_the_close_of_the_fifth_working_day(answered):
    due = closing.close_due_at(ANSWERED)
    assert due == wib(2026, 9, 14, 16)  # Monday to Monday: Tue, Wed, Thu, Fri, Mon
    assert closing.auto_close(now=due - timedelta(minutes=1)) == {}
    answered.refresh_from_db()
    assert answered.status == Status.SELESAI
    assert closing.auto_close(now=due) == {"closed": 1}
    answered.refresh_from_db()
    assert answered.status == Status.DITUTUP and answered.closed_at == due
    (event,) = _closed(answered)
    assert event.data == {"automatic": True} and event.actor is None
    assert "5 hari kerja" in event.note
    assert closing.auto_close(now=due + timedelta(days=3)) == {}
    assert _closed(answered).count() == 1


def test_a_holiday_in_the_wait_moves_the_closure(answered):
    RegionalHoliday.objects.create(date=date(2026, 9, 10), name="Hari Jadi (uji)")
    due = closing.close_due_at(ANSWERED)
    assert due == wib(2026, 9, 15, 16)
    assert closing.auto_close(now=wib(2026, 9, 14, 17)) == {}
    assert closing.auto_close(now=due) == {"closed": 1}


def test_a_disputed_answer_does_not_close_and_the_next_answer_waits_again(answered, adi):
    lifecycle.dispute(answered, reason="Belum beres.", at=ANSWERED + timedelta(days=2))
    assert closing.auto_close(now=wib(2026, 9, 30, 17)) == {}
    reanswered = wib(2026, 9, 21, 9)
    lifecycle.resolve(answered, adi, answer="Sudah diaspal ulang.", at=reanswered)
    assert closing.auto_close(now=wib(2026, 9, 25, 17)) == {}
    assert closing.auto_close(now=closing.close_due_at(reanswered)) == {"closed": 1}


def test_a_confirmed_complaint_is_left_alone(answered):
    lifecycle.confirm(answered, at=ANSWERED + timedelta(days=1))
    assert closing.auto_close(now=wib(2026, 10, 30, 17)) == {}
    assert _closed(answered).count() == 0


def test_the_jobs_are_registered():
    names = {job.name for job in jobs.registered()}
    assert {"reports.aggregate", "reports.auto_close"} <= names


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_close_it_once(city, mira, adi, make_complaint):
    if not connection.features.has_select_for_update_skip_locked:
        pytest.skip("concurrent claims need PostgreSQL")
    made = []
    for i in range(6):
        complaint = make_complaint(at=ANSWERED - timedelta(days=1, minutes=i))
        lifecycle.dispatch(complaint, mira, lead=city["dpupr"], at=ANSWERED - timedelta(hours=20))
        lifecycle.resolve(complaint, adi, answer="Sudah.", at=ANSWERED + timedelta(minutes=i))
        made.append(complaint)
    now = wib(2026, 9, 20, 9)
    start = threading.Barrier(2)
    results = []

    def worker():
        start.wait(5)
        try:
            results.append(closing.auto_close(now=now, batch_size=2))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sum(r.get("closed", 0) for r in results) == 6
    for complaint in made:
        assert _closed(complaint).count() == 1
