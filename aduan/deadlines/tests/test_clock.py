"""The deadline clock, first subscriber of the after-transition step (``core.effects``):
deadlines written on the complaint by every lifecycle step."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from aduan.core import lifecycle
from aduan.core.models import Status
from aduan.deadlines.models import Closure, RegionalHoliday, SlaRule, StageRecord

from .conftest import wib

Outcome = StageRecord.Outcome


def records(complaint, stage=None):
    qs = StageRecord.objects.filter(complaint=complaint).order_by("started_at", "id")
    return list(qs.filter(stage=stage) if stage else qs)


def test_filing_starts_the_dispatch_clock_without_bumping_version(make_complaint):
    complaint = make_complaint(at=wib(2026, 3, 2, 10, 0))
    assert complaint.version == 1
    complaint.refresh_from_db()
    assert complaint.version == 1
    assert complaint.due_stage == "dispatch"
    assert complaint.due_at == complaint.dispatch_due_at == wib(2026, 3, 3, 10, 0)
    [record] = records(complaint)
    assert (record.stage, record.cycle, record.outcome) == ("dispatch", 1, Outcome.OPEN)
    # The first ladder step: three quarters of 24 hours.
    assert record.next_escalation_at == wib(2026, 3, 3, 4, 0)


def test_a_filing_inserts_its_deadlines_with_the_row(make_complaint):
    """before_filing writes the first deadlines onto the complaint before its INSERT: the
    filing sends no UPDATE of the complaint, and the row holds what the ledger computed."""
    with CaptureQueriesContext(connection) as queries:
        complaint = make_complaint(at=wib(2026, 3, 6, 16, 30))
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "core_complaint"')]
    assert updates == []
    complaint.refresh_from_db()
    [record] = records(complaint)
    assert complaint.due_stage == "dispatch"
    assert complaint.due_at == complaint.dispatch_due_at == record.due_at
    assert record.due_at == wib(2026, 3, 7, 16, 30)


def test_dispatch_over_a_weekend(make_complaint, mira, city):
    complaint = make_complaint(at=wib(2026, 3, 6, 9, 0))
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], at=wib(2026, 3, 6, 15, 0))
    complaint.refresh_from_db()
    # "1x24 jam" runs through Saturday; working days skip the weekend.
    assert complaint.response_due_at == wib(2026, 3, 7, 15, 0)
    assert complaint.resolution_due_at == wib(2026, 3, 11, 16, 0)
    assert (complaint.due_stage, complaint.due_at) == ("response", wib(2026, 3, 7, 15, 0))
    [dispatch] = records(complaint, "dispatch")
    assert (dispatch.outcome, dispatch.breached) == (Outcome.MET, False)
    assert dispatch.completed_at == wib(2026, 3, 6, 15, 0)
    assert records(complaint, "resolution")[0].agency == city["dpupr"]


def test_idul_fitri_2026_and_cuti_bersama(make_complaint, mira, city):
    # 18-24 March 2026: Nyepi, Idul Fitri and their cuti bersama, Wednesday to Tuesday.
    single = make_complaint(at=wib(2026, 3, 16, 9, 0))
    lifecycle.dispatch(single, mira, lead=city["dpupr"], at=wib(2026, 3, 16, 10, 0))
    single.refresh_from_db()
    # 17 March, then 25 and 26 March.
    assert single.resolution_due_at == wib(2026, 3, 26, 16, 0)

    several = make_complaint(at=wib(2026, 3, 16, 9, 0))
    lifecycle.dispatch(
        several, mira, lead=city["dpupr"], supporting=[city["dlh"]], at=wib(2026, 3, 16, 10, 0)
    )
    several.refresh_from_db()
    # Seven working days when agencies coordinate: 17, 25, 26, 27, 30, 31 March, 1 April.
    assert several.resolution_due_at == wib(2026, 4, 1, 16, 0)
    assert records(several, "resolution")[0].multi_agency is True


def test_year_boundary(make_complaint, mira, city):
    complaint = make_complaint(at=wib(2026, 12, 30, 9, 0))
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], at=wib(2026, 12, 30, 10, 0))
    complaint.refresh_from_db()
    # 31 December, (1 January off), 4 January, (5 January Isra Mikraj), 6 January.
    assert complaint.resolution_due_at == wib(2027, 1, 6, 16, 0)


def test_regional_holiday_and_closure_move_deadlines(make_complaint, mira, city):
    RegionalHoliday.objects.create(date=date(2026, 3, 9), name="Hari Jadi Kota (uji)")
    Closure.objects.create(first_day=date(2026, 3, 10), last_day=date(2026, 3, 10), name="Banjir")
    complaint = make_complaint(at=wib(2026, 3, 6, 9, 0))
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], at=wib(2026, 3, 6, 15, 0))
    complaint.refresh_from_db()
    # Monday and Tuesday are off: Wednesday, Thursday, Friday.
    assert complaint.resolution_due_at == wib(2026, 3, 13, 16, 0)


def test_cancelled_national_holiday_is_a_working_day(make_complaint, mira, city):
    RegionalHoliday.objects.create(
        date=date(2026, 3, 20), name="Idul Fitri bergeser (uji)", is_day_off=False
    )
    complaint = make_complaint(at=wib(2026, 3, 19, 8, 0))
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], at=wib(2026, 3, 19, 9, 0))
    complaint.refresh_from_db()
    # Friday 20 March now counts, then 25 and 26 March.
    assert complaint.resolution_due_at == wib(2026, 3, 26, 16, 0)


def test_first_response_ends_the_response_stage(make_complaint, mira, adi, city):
    complaint = make_complaint(at=wib(2026, 3, 2, 9, 0))
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], at=wib(2026, 3, 2, 10, 0))
    lifecycle.acknowledge(complaint, adi, at=wib(2026, 3, 3, 11, 0))  # an hour late
    complaint.refresh_from_db()
    assert (complaint.due_stage, complaint.due_at) == ("resolution", wib(2026, 3, 5, 16, 0))
    [response] = records(complaint, "response")
    assert (response.outcome, response.breached) == (Outcome.LATE, True)
    assert response.next_escalation_at is None


def test_public_update_counts_as_first_response(make_complaint, mira, adi, city):
    complaint = make_complaint(at=wib(2026, 3, 2, 9, 0))
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], at=wib(2026, 3, 2, 10, 0))
    lifecycle.post_update(complaint, adi, note="Tim sudah ke lokasi.", at=wib(2026, 3, 2, 14, 0))
    [response] = records(complaint, "response")
    assert (response.outcome, response.completed_at) == (Outcome.MET, wib(2026, 3, 2, 14, 0))


def test_pause_while_waiting_for_the_citizen(make_complaint, mira, adi, city):
    complaint = make_complaint(at=wib(2026, 3, 2, 9, 0))
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], at=wib(2026, 3, 2, 10, 0))
    lifecycle.acknowledge(complaint, adi, at=wib(2026, 3, 2, 11, 0))
    lifecycle.request_info(complaint, adi, question="Di gang berapa?", at=wib(2026, 3, 3, 10, 0))
    complaint.refresh_from_db()
    assert complaint.status == Status.MENUNGGU_INFO
    assert (complaint.due_stage, complaint.due_at) == ("resolution", None)
    [resolution] = records(complaint, "resolution")
    assert resolution.paused_at == wib(2026, 3, 3, 10, 0)
    assert resolution.next_escalation_at is None

    lifecycle.provide_info(complaint, text="Gang 3, depan masjid.", at=wib(2026, 3, 9, 10, 0))
    complaint.refresh_from_db()
    # Paused for 32 working hours (Tue 6 + Wed 8 + Thu 8 + Fri 8 + Mon 2): the deadline
    # Thursday 5 March 16:00 moves four working days, to Wednesday 11 March 16:00.
    assert complaint.status == Status.DIPROSES
    assert complaint.due_at == complaint.resolution_due_at == wib(2026, 3, 11, 16, 0)
    resolution.refresh_from_db()
    assert resolution.paused_working_seconds == 32 * 3600
    assert resolution.paused_clock_seconds == 6 * 86400
    assert resolution.next_escalation_at is not None


def test_clock_hour_pause_shifts_by_wall_time(make_complaint, mira):
    complaint = make_complaint(at=wib(2026, 3, 2, 10, 0))
    lifecycle.request_info(complaint, mira, question="Alamat lengkap?", at=wib(2026, 3, 2, 12, 0))
    lifecycle.provide_info(complaint, text="Jl. Merdeka 1", at=wib(2026, 3, 3, 12, 0))
    complaint.refresh_from_db()
    assert complaint.status == Status.BARU
    assert complaint.dispatch_due_at == complaint.due_at == wib(2026, 3, 4, 10, 0)


def test_budget_deferral_is_planned_not_breached(make_complaint, mira, adi, city):
    complaint = make_complaint(at=wib(2026, 3, 2, 9, 0))
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], at=wib(2026, 3, 2, 10, 0))
    lifecycle.acknowledge(complaint, adi, at=wib(2026, 3, 2, 11, 0))
    lifecycle.defer_to_budget(
        complaint, adi, year=2027, plan="Masuk APBD 2027.", at=wib(2026, 3, 4, 10, 0)
    )
    complaint.refresh_from_db()
    assert (complaint.due_stage, complaint.due_at) == ("budget", None)
    [resolution] = records(complaint, "resolution")
    assert (resolution.outcome, resolution.breached) == (Outcome.DEFERRED, False)
    [budget] = records(complaint, "budget")
    assert budget.due_at == wib(2027, 12, 31, 23, 59, 59)
    assert budget.next_escalation_at is None
    # Resolved after the planned date: late for the plan, still not a breach.
    lifecycle.resolve(complaint, adi, answer="Sudah diperbaiki.", at=wib(2028, 2, 1, 10, 0))
    budget.refresh_from_db()
    assert (budget.outcome, budget.breached) == (Outcome.LATE, False)
    complaint.refresh_from_db()
    assert (complaint.due_stage, complaint.due_at) == ("", None)


def test_returned_dispatch_restarts_the_dispatch_stage(make_complaint, mira, adi, city):
    complaint = make_complaint(at=wib(2026, 3, 2, 9, 0))
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], at=wib(2026, 3, 2, 10, 0))
    lifecycle.return_dispatch(complaint, adi, reason="Bukan aset kami.", at=wib(2026, 3, 2, 13, 0))
    complaint.refresh_from_db()
    assert complaint.status == Status.TERVERIFIKASI
    assert (complaint.due_stage, complaint.due_at) == ("dispatch", wib(2026, 3, 3, 13, 0))
    assert complaint.resolution_due_at is None
    first, second = records(complaint, "dispatch")
    assert (first.cycle, first.outcome, second.cycle, second.outcome) == (
        1,
        Outcome.MET,
        2,
        Outcome.OPEN,
    )
    [resolution] = records(complaint, "resolution")
    assert resolution.outcome == Outcome.CANCELLED
    [response] = records(complaint, "response")
    assert response.outcome == Outcome.MET


def test_dispute_opens_new_cycles(make_complaint, mira, adi, city):
    complaint = make_complaint(at=wib(2026, 3, 2, 9, 0))
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], at=wib(2026, 3, 2, 10, 0))
    lifecycle.resolve(complaint, adi, answer="Sudah.", at=wib(2026, 3, 3, 10, 0))
    complaint.refresh_from_db()
    assert (complaint.due_stage, complaint.due_at) == ("", None)
    lifecycle.dispute(complaint, reason="Belum diperbaiki.", at=wib(2026, 3, 4, 10, 0))
    complaint.refresh_from_db()
    assert complaint.status == Status.DIDISPOSISIKAN
    assert complaint.due_at == wib(2026, 3, 5, 10, 0)
    assert complaint.resolution_due_at == wib(2026, 3, 9, 16, 0)
    assert [r.cycle for r in records(complaint, "resolution")] == [1, 2]
    assert records(complaint, "resolution")[0].outcome == Outcome.MET


def test_correction_recomputes_running_deadline(make_complaint, mira, city):
    SlaRule.objects.create(stage="dispatch", category=city["waste"], amount=4, unit="clock_hours")
    complaint = make_complaint(at=wib(2026, 3, 2, 10, 0))
    assert complaint.due_at == wib(2026, 3, 3, 10, 0)
    lifecycle.correct(complaint, mira, category=city["waste"], at=wib(2026, 3, 2, 11, 0))
    complaint.refresh_from_db()
    assert complaint.due_at == complaint.dispatch_due_at == wib(2026, 3, 2, 14, 0)
    [record] = records(complaint)
    # The earliest step now: automatic dispatch two hours before (75% would be 13:00).
    assert record.next_escalation_at == wib(2026, 3, 2, 12, 0)


def test_rejection_ends_the_dispatch_stage(make_complaint, mira, city):
    complaint = make_complaint(at=wib(2026, 3, 2, 10, 0))
    lifecycle.reject(complaint, mira, reason=city["spam"], at=wib(2026, 3, 4, 10, 0))
    complaint.refresh_from_db()
    assert (complaint.due_stage, complaint.due_at) == ("", None)
    [record] = records(complaint)
    assert (record.outcome, record.breached) == (Outcome.LATE, True)


def test_merge_of_dispatched_complaint_cancels_agency_stages(make_complaint, mira, city):
    survivor = make_complaint(at=wib(2026, 3, 2, 9, 0))
    complaint = make_complaint(at=wib(2026, 3, 2, 9, 30))
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], at=wib(2026, 3, 2, 10, 0))
    lifecycle.merge(complaint, mira, into=survivor, at=wib(2026, 3, 2, 11, 0))
    complaint.refresh_from_db()
    assert complaint.due_at is None
    assert {r.outcome for r in records(complaint) if r.stage != "dispatch"} == {Outcome.CANCELLED}
    # The survivor's clock is untouched by the merge note.
    survivor.refresh_from_db()
    assert survivor.due_at == wib(2026, 3, 3, 9, 0)


def test_answer_directly_meets_the_dispatch_stage(make_complaint, mira):
    complaint = make_complaint(at=wib(2026, 3, 2, 10, 0), kind="informasi")
    lifecycle.answer_directly(complaint, mira, answer="Buka 08.00.", at=wib(2026, 3, 2, 11, 0))
    [record] = records(complaint)
    assert (record.outcome, record.breached) == (Outcome.MET, False)
