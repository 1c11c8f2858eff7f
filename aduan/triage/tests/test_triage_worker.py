"""New complaints triaged by the worker (``ADUAN_AFTER_FILING = "worker"``, the default outside
the tests): the citizen's request computes nothing, the ``triage.new`` job suggests in filing
order, claims each complaint so several workers share the work, and a failure is left for
the next run without holding up the others."""

import logging
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction

from aduan.core import jobs, lifecycle
from aduan.core.models import Complaint
from aduan.triage import jobs as triage_jobs
from aduan.triage import mass, suggest
from aduan.triage.models import MassEvent, Suggestion

from .conftest import ROAD, WASTE, WATER
from .test_mass_events import FAR_FLOOD, POTHOLES, T0, event_members, file_flood, places  # noqa: F401


@pytest.fixture
def worker_mode(settings):
    settings.ADUAN_AFTER_FILING = "worker"


def test_the_job_has_a_queue_of_its_own_and_runs_every_two_seconds():
    [job] = [j for j in jobs.registered() if j.name == "triage.new"]
    assert job.queue == jobs.TRIAGE and job.every_seconds == 2
    assert jobs.TRIAGE in jobs.QUEUES
    # The outbox never waits behind triage, nor triage behind reports.
    assert {j.queue for j in jobs.registered([jobs.TRIAGE])} == {jobs.TRIAGE}


def test_filing_computes_nothing_and_the_job_suggests_oldest_first(
    worker_mode, models, make_complaint, city, monkeypatch
):
    filed = [
        make_complaint(text=text, category=None, at=T0 + timedelta(minutes=m))
        for text, m in [(WATER, 5), (WASTE, 1), (ROAD, 3)]
    ]
    assert not Suggestion.objects.filter(complaint__in=filed).exists()

    order = []
    real = suggest.compute

    def recording(complaint, **kwargs):
        order.append(complaint.pk)
        return real(complaint, **kwargs)

    monkeypatch.setattr(suggest, "compute", recording)
    assert triage_jobs.triage_new() == {"suggested": 3}
    assert order == [filed[1].pk, filed[2].pk, filed[0].pk]
    assert Suggestion.objects.get(complaint=filed[1]).agency == city["dlh"]
    assert Suggestion.objects.get(complaint=filed[2]).agency == city["dpupr"]
    # Nothing left: the next run has nothing to do.
    assert triage_jobs.triage_new() == {}


def test_filing_leaves_nothing_for_after_the_commit(
    worker_mode, models, make_complaint, monkeypatch
):
    calls = []
    monkeypatch.setattr(suggest, "compute", lambda *a, **k: calls.append(a))
    # make_complaint runs what the filing left for after its commit: nothing of triage's.
    complaint = make_complaint(text=WASTE, category=None)
    assert calls == []
    assert Complaint.objects.filter(pk=complaint.pk, triage__isnull=True).exists()


def test_a_correction_is_still_recomputed_right_after_its_commit(
    worker_mode, models, make_complaint, mira, city, committed
):
    complaint = make_complaint(text=WASTE, category=None)
    triage_jobs.triage_new()
    first = Suggestion.objects.get(complaint=complaint).computed_at
    with committed():
        lifecycle.correct(complaint, mira, category=city["waste"])
    assert Suggestion.objects.get(complaint=complaint).computed_at > first


def test_a_failure_is_logged_and_the_others_go_on(
    worker_mode, models, make_complaint, monkeypatch, caplog
):
    bad = make_complaint(text=WASTE, category=None, at=T0)
    good = make_complaint(text=ROAD, category=None, at=T0 + timedelta(minutes=1))
    real = suggest.compute

    def flaky(complaint, **kwargs):
        if complaint.pk == bad.pk:
            raise RuntimeError("model server down")
        return real(complaint, **kwargs)

    monkeypatch.setattr(suggest, "compute", flaky)
    with caplog.at_level(logging.ERROR, logger="aduan.triage"):
        assert triage_jobs.triage_new() == {"suggested": 1, "errors": 1}
    assert "model server down" in caplog.text
    assert Suggestion.objects.filter(complaint=good).exists()
    assert not Suggestion.objects.filter(complaint=bad).exists()
    # The next run tries it again.
    monkeypatch.setattr(suggest, "compute", real)
    assert triage_jobs.triage_new() == {"suggested": 1}


def test_a_complaint_already_suggested_is_not_claimed_again(worker_mode, models, make_complaint):
    complaint = make_complaint(text=WASTE, category=None)
    triage_jobs.triage_new()
    with transaction.atomic():
        assert triage_jobs._claim_untriaged(complaint.pk) is None


def test_a_flood_filed_through_the_worker_is_one_mass_event(worker_mode, make_complaint, places):  # noqa: F811
    flood = file_flood(make_complaint, places, count=30)
    potholes = [
        make_complaint(text=text, at=T0 + timedelta(minutes=21 + i))
        for i, text in enumerate(POTHOLES)
    ]
    far = [
        make_complaint(
            text=text, kelurahan=places["areas"].get(area), at=T0 + timedelta(minutes=25 + i)
        )
        for i, (text, area) in enumerate(FAR_FLOOD)
    ]
    assert not MassEvent.objects.exists()
    triage_jobs.triage_new()
    event = MassEvent.objects.get(members__complaint=flood[0])
    assert event_members(event) == {c.pk for c in flood}
    for control in [*potholes, *far]:
        assert mass.event_of(control) != event, control.text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_a_complaint_another_worker_holds_is_skipped(worker_mode, models, make_complaint):
    held = make_complaint(text=WASTE, category=None, at=T0)
    free = make_complaint(text=ROAD, category=None, at=T0 + timedelta(minutes=1))
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                Complaint.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        assert triage_jobs.triage_new(budget_seconds=2) == {"suggested": 1}
    finally:
        release.set()
        thread.join()
    assert Suggestion.objects.filter(complaint=free).exists()
    assert not Suggestion.objects.filter(complaint=held).exists()
    assert triage_jobs.triage_new() == {"suggested": 1}
