"""The aggregation job: its counts equal a direct recount, passes are incremental and
idempotent, late-committing events are not lost, and rahasia stays internal."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from aduan.core import lifecycle
from aduan.core.models import Event, Privacy
from aduan.reports import aggregation
from aduan.reports.models import (
    AggregationState,
    ComplaintSummary,
    DailyCount,
    MonthlyCount,
    VolumeCount,
)

from . import recount
from .conftest import wib


def test_counts_equal_a_direct_recount(aggregated):
    assert recount.stored_volume() == recount.volume()
    assert recount.stored_performance() == recount.performance()
    # The days roll up to the months exactly.
    assert recount.stored_performance(DailyCount) == recount.stored_performance()
    assert ComplaintSummary.objects.count() == len(aggregated)


def test_incremental_passes_equal_a_rebuild(city, mira, adi, make_complaint):
    first = make_complaint(at=wib(2026, 9, 1, 9))
    second = make_complaint(at=wib(2026, 9, 2, 9), category=city["waste"])
    assert aggregation.run()["complaints"] == 2
    lifecycle.dispatch(first, mira, lead=city["dpupr"], at=wib(2026, 9, 1, 10))
    lifecycle.acknowledge(first, adi, at=wib(2026, 9, 3, 10))
    assert aggregation.run()["complaints"] == 1
    lifecycle.reject(second, mira, reason=city["spam"], at=wib(2026, 9, 3, 11))
    lifecycle.resolve(first, adi, answer="Sudah ditambal.", at=wib(2026, 10, 2, 10))
    lifecycle.rate(first, rating=4, at=wib(2026, 10, 3, 10))
    aggregation.run()
    incremental = recount.snapshot()
    assert aggregation.run() == {}
    aggregation.rebuild()
    assert recount.snapshot() == incremental
    assert recount.stored_volume() == recount.volume()
    assert recount.stored_performance() == recount.performance()


def test_a_late_answer_moves_the_complaint_between_results(city, mira, adi, make_complaint):
    complaint = make_complaint(at=wib(2026, 9, 1, 9))
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"], at=wib(2026, 9, 1, 10))
    aggregation.run()
    in_progress = VolumeCount.objects.get(
        dimension="kind", month=wib(2026, 9, 1).date(), public=True
    )
    assert (in_progress.result, in_progress.n) == ("proses", 1)
    # Answered in November: September's volume cell changes, November's performance row appears.
    lifecycle.resolve(complaint, adi, answer="Sudah.", at=wib(2026, 11, 2, 10))
    aggregation.run()
    rows = VolumeCount.objects.filter(dimension="kind", month=wib(2026, 9, 1).date())
    assert [(r.result, r.n) for r in rows] == [("ditangani", 1)]
    november = MonthlyCount.objects.get(
        month=wib(2026, 11, 1).date(), agency=city["dpupr"], stage=""
    )
    assert november.answers == 1


def test_rahasia_is_counted_only_in_the_internal_figures(aggregated):
    secret = aggregated["secret"]
    public_total = sum(
        VolumeCount.objects.filter(dimension="kind", public=True).values_list("n", flat=True)
    )
    all_total = sum(VolumeCount.objects.filter(dimension="kind").values_list("n", flat=True))
    assert all_total - public_total == 1
    assert not ComplaintSummary.objects.get(complaint=secret).public
    september = wib(2026, 9, 1).date()
    public_answers = sum(
        MonthlyCount.objects.filter(month=september, public=True).values_list("answers", flat=True)
    )
    all_answers = sum(
        MonthlyCount.objects.filter(month=september).values_list("answers", flat=True)
    )
    assert all_answers - public_answers == 1  # the secret complaint's answer


def test_making_a_complaint_rahasia_moves_all_its_days(aggregated, mira):
    quick = aggregated["quick"]
    lifecycle.correct(quick, mira, privacy=Privacy.RAHASIA, reason="Pelapor minta dirahasiakan.")
    aggregation.run()
    assert recount.stored_performance() == recount.performance()
    assert recount.stored_volume() == recount.volume()
    summary = ComplaintSummary.objects.get(complaint=quick)
    assert not summary.listed and summary.public_text == ""


def test_an_event_that_commits_late_is_still_counted(city, mira, make_complaint):
    early = make_complaint(at=wib(2026, 9, 1, 9))
    aggregation.run()
    state = AggregationState.objects.get()
    late = make_complaint(at=wib(2026, 9, 5, 9))
    late_event = late.events.get()
    # Pretend the second complaint's transaction had taken an id but not committed:
    # the job sees a later event first.
    hidden_id = late_event.id
    late_event.id = hidden_id + 10
    Event.objects.filter(id=hidden_id).delete()
    visible = Event.objects.create(
        complaint=early,
        kind=Event.Kind.NOTE,
        note="x",
        created_at=wib(2026, 9, 2, 9),
        id=hidden_id + 5,
    )
    aggregation.run()
    state.refresh_from_db()
    assert state.last_event_id == visible.id
    assert hidden_id in {i for i, _seen in state.gaps}
    assert not ComplaintSummary.objects.filter(complaint=late).exists()
    # The "transaction" commits with its original id: the next pass finds it in the gaps.
    late_event.id = hidden_id
    late_event.save(force_insert=True)
    result = aggregation.run()
    assert result["events"] == 1
    assert ComplaintSummary.objects.filter(complaint=late).exists()
    state.refresh_from_db()
    assert hidden_id not in {i for i, _seen in state.gaps}


def test_gaps_are_forgotten_after_the_job_s_patience(city, make_complaint):
    complaint = make_complaint(at=wib(2026, 9, 1, 9))
    aggregation.run()
    top = AggregationState.objects.get().last_event_id
    Event.objects.create(complaint=complaint, kind=Event.Kind.NOTE, note="x", id=top + 3)
    aggregation.run()
    assert len(AggregationState.objects.get().gaps) == 2
    later = timezone.now() + aggregation.GAP_PATIENCE + timedelta(seconds=1)
    aggregation.run(now=later)
    assert AggregationState.objects.get().gaps == []


@pytest.mark.django_db(transaction=True)
def test_a_second_worker_skips_while_the_first_holds_the_claim(city, make_complaint):
    if not connection.features.has_select_for_update_skip_locked:
        pytest.skip("row claims need SKIP LOCKED (PostgreSQL)")
    import threading

    from django.db import transaction

    make_complaint(at=wib(2026, 9, 1, 9))
    aggregation.run()
    make_complaint(at=wib(2026, 9, 2, 9))
    results = {}
    holding = threading.Event()
    release = threading.Event()

    def first():
        with transaction.atomic():
            AggregationState.objects.select_for_update().get(name=aggregation.STATE_NAME)
            holding.set()
            release.wait(10)
        connection.close()

    def second():
        holding.wait(10)
        results["second"] = aggregation.run()
        release.set()
        connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert results["second"] == {}
    assert aggregation.run()["complaints"] == 1
