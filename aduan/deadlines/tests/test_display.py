"""Badges, "due in" words, the staff deadline panel and the citizen's expected date."""

import time_machine
from django.template import Context, Template

from aduan.core import lifecycle
from aduan.deadlines.display import describe_due, due_state, expected_date
from aduan.deadlines.store import get_calendar
from aduan.deadlines.sweep import sweep

from .conftest import wib


def render(text, **context):
    return Template("{% load deadlines %}" + text).render(Context(context))


def test_describe_due_words(db):
    calendar = get_calendar()
    due = wib(2026, 3, 5, 16, 0)  # Thursday closing
    assert describe_due(due, wib(2026, 3, 5, 11, 0), calendar) == "sisa 5 jam"
    assert describe_due(due, wib(2026, 3, 5, 15, 30), calendar) == "sisa 30 menit"
    assert describe_due(due, wib(2026, 3, 2, 10, 0), calendar) == "sisa 3 hari kerja"
    assert describe_due(due, wib(2026, 3, 5, 19, 0), calendar) == "terlambat 3 jam"
    # Friday and Monday have passed.
    assert describe_due(due, wib(2026, 3, 9, 17, 0), calendar) == "terlambat 2 hari kerja"
    # Over a weekend no working day has passed yet: calendar days.
    friday = wib(2026, 3, 6, 16, 0)
    assert describe_due(friday, wib(2026, 3, 8, 17, 0), calendar) == "terlambat 2 hari"


def test_badge_states(make_complaint, mira, adi, city):
    complaint = make_complaint(at=wib(2026, 3, 2, 9, 0))
    assert due_state(complaint, wib(2026, 3, 2, 10, 0)).state == "ok"
    assert due_state(complaint, wib(2026, 3, 2, 23, 0)).state == "ok"
    assert due_state(complaint, wib(2026, 3, 3, 0, 30)).state == "soon"  # due today
    late = due_state(complaint, wib(2026, 3, 3, 14, 0))
    assert (late.state, late.text, late.stage) == ("overdue", "terlambat 5 jam", "dispatch")
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], at=wib(2026, 3, 2, 10, 0))
    lifecycle.request_info(complaint, adi, question="Di mana?", at=wib(2026, 3, 2, 11, 0))
    paused = due_state(complaint, wib(2026, 3, 9, 10, 0))
    assert (paused.state, paused.text) == ("paused", "dijeda: menunggu pelapor")
    lifecycle.provide_info(complaint, text="Di gang 3.", at=wib(2026, 3, 3, 11, 0))
    lifecycle.defer_to_budget(complaint, adi, year=2027, plan="APBD", at=wib(2026, 3, 3, 12, 0))
    planned = due_state(complaint, wib(2026, 3, 9, 10, 0))
    assert (planned.state, planned.text) == ("planned", "rencana APBD 2027")
    lifecycle.resolve(complaint, adi, answer="Selesai.", at=wib(2026, 3, 4, 12, 0))
    assert due_state(complaint, wib(2026, 3, 9, 10, 0)).state == "none"


def test_badge_tag_and_filter(make_complaint):
    complaint = make_complaint(at=wib(2026, 3, 2, 9, 0))
    with time_machine.travel(wib(2026, 3, 3, 14, 0), tick=False):
        html = render("{% deadline_badge c %}", c=complaint)
        assert 'class="deadline deadline-overdue"' in html
        assert "terlambat 5 jam" in html
        assert render("{{ c|due_in }}", c=complaint) == "terlambat 5 jam"
        assert render("{{ d|due_in }}", d=wib(2026, 3, 3, 16, 0)) == "sisa 2 jam"
        assert render("{{ x|due_in }}", x=None) == ""


def test_badge_is_empty_without_a_clock(complaint_in):
    closed = complaint_in("ditutup")
    assert render("{% deadline_badge c %}", c=closed).strip() == ""


def test_expected_date_before_and_after_dispatch(make_complaint, mira, adi, city):
    complaint = make_complaint(at=wib(2026, 3, 2, 9, 0))
    # Not dispatched yet: the latest dispatch the rules allow (Tuesday 09:00) plus
    # three working days.
    expected = expected_date(complaint, wib(2026, 3, 2, 10, 0))
    assert (expected.date.isoformat(), expected.state) == ("2026-03-06", "expected")
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], at=wib(2026, 3, 2, 10, 0))
    assert expected_date(complaint, wib(2026, 3, 2, 11, 0)).date.isoformat() == "2026-03-05"
    late = expected_date(complaint, wib(2026, 3, 9, 11, 0))
    assert late.state == "late"
    lifecycle.request_info(complaint, adi, question="Di mana?", at=wib(2026, 3, 2, 11, 0))
    assert expected_date(complaint, wib(2026, 3, 2, 12, 0)).state == "waiting"


def test_expected_date_of_budget_plan_and_answered(complaint_in):
    deferred = complaint_in("ditunda_anggaran")
    expected = expected_date(deferred)
    assert expected.state == "planned"
    assert (expected.date.month, expected.date.day) == (12, 31)
    assert expected.date.year == deferred.budget_year
    assert expected_date(complaint_in("selesai")) is None


def test_expected_date_tag(make_complaint, mira, city):
    complaint = make_complaint(at=wib(2026, 3, 2, 9, 0))
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], at=wib(2026, 3, 2, 10, 0))
    with time_machine.travel(wib(2026, 3, 3, 9, 0), tick=False):
        html = render("{% expected_date c %}", c=complaint)
    assert "Perkiraan selesai paling lambat 5 Maret 2026" in html
    with time_machine.travel(wib(2026, 3, 12, 9, 0), tick=False):
        html = render("{% expected_date c %}", c=complaint)
    assert "sudah terlewati" in html


def test_deadline_panel_lists_stages_and_escalations(make_complaint, mira, city):
    complaint = make_complaint(at=wib(2026, 3, 2, 9, 0))
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], at=wib(2026, 3, 2, 10, 0))
    sweep(wib(2026, 3, 3, 5, 0))
    sweep(wib(2026, 3, 3, 11, 0))
    with time_machine.travel(wib(2026, 3, 3, 12, 0), tick=False):
        html = render("{% deadline_panel c %}", c=complaint)
    assert "Disposisi oleh moderator" in html and "Tepat waktu" in html
    assert "Tanggapan pertama OPD" in html and "terlambat 2 jam" in html
    assert "Masuk papan peringatan" in html
    assert "Ingatkan petugas yang menangani" in html
    assert "Penyelesaian" in html
