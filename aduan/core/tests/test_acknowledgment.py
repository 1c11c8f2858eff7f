"""The reporter's acknowledgment written by the worker (``ADUAN_AFTER_FILING = "worker"``,
the default outside the tests): the filing writes none, the outbox job writes exactly one
per complaint before it sends, a killed batch is done again, and two workers never write
the same one."""

import threading

import pytest
from django.db import connection, transaction

from aduan.core import lifecycle, notify, tasks
from aduan.core.models import Complaint, OutboundMessage


@pytest.fixture
def worker_mode(settings):
    settings.ADUAN_AFTER_FILING = "worker"


def messages(complaint):
    return list(OutboundMessage.objects.filter(complaint=complaint).order_by("pk"))


def test_the_filing_writes_no_message_and_the_job_writes_one(worker_mode, make_complaint):
    complaint = make_complaint(reporter_email="budi@contoh.id")
    assert messages(complaint) == []
    assert Complaint.objects.get(pk=complaint.pk).acknowledgment_pending
    assert notify.acknowledge_new() == 1
    [sms] = messages(complaint)
    assert sms.channel == "sms" and sms.recipient == "+6281234567890"
    assert complaint.code in sms.body
    assert not Complaint.objects.get(pk=complaint.pk).acknowledgment_pending
    assert notify.acknowledge_new() == 0
    assert len(messages(complaint)) == 1


def test_the_message_is_the_one_the_request_would_have_written(
    worker_mode, make_complaint, settings
):
    later = make_complaint(text="Lampu jalan di gang mawar mati sejak kemarin malam.")
    notify.acknowledge_new()
    settings.ADUAN_AFTER_FILING = "request"
    now = make_complaint(text="Lampu jalan di gang mawar mati sejak kemarin malam.")
    [a], [b] = messages(later), messages(now)
    assert (a.channel, a.recipient, a.subject.replace(later.code, "X")) == (
        b.channel,
        b.recipient,
        b.subject.replace(now.code, "X"),
    )
    assert (
        a.body.replace(later.code, "X").split("/k/")[0]
        == b.body.replace(now.code, "X").split("/k/")[0]
    )
    assert not Complaint.objects.get(pk=now.pk).acknowledgment_pending


def test_batches_cover_every_pending_complaint(worker_mode, make_complaint):
    filed = [make_complaint(reporter_phone=f"+62812000000{i:02d}") for i in range(5)]
    assert notify.acknowledge_new(batch=2) == 5
    assert all(len(messages(c)) == 1 for c in filed)


def test_a_failing_batch_writes_nothing_and_is_done_again(worker_mode, make_complaint, monkeypatch):
    complaint = make_complaint()
    real = notify.notify_reporter

    def broken(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("worker killed")

    monkeypatch.setattr(notify, "notify_reporter", broken)
    with pytest.raises(RuntimeError):
        notify.acknowledge_new()
    assert messages(complaint) == []
    assert Complaint.objects.get(pk=complaint.pk).acknowledgment_pending
    monkeypatch.setattr(notify, "notify_reporter", real)
    assert notify.acknowledge_new() == 1
    assert len(messages(complaint)) == 1


def test_the_outbox_job_acknowledges_before_it_sends(worker_mode, make_complaint, monkeypatch):
    complaint = make_complaint()
    sent = []

    def deliver():
        sent.append([m.pk for m in messages(complaint)])
        return 0, 0

    monkeypatch.setattr(tasks, "deliver_due", deliver)
    assert tasks.deliver_outbox() == "1 acknowledged"
    assert sent and len(sent[0]) == 1


def test_later_events_still_notify_in_their_transition(worker_mode, make_complaint, mira, city):
    complaint = make_complaint()
    lifecycle.verify(complaint, mira)
    lifecycle.dispatch(complaint, mira, lead=city["dpupr"])
    # The dispatch notice is written by its transition; the acknowledgment still waits.
    [dispatched] = messages(complaint)
    assert complaint.code in dispatched.body
    assert notify.acknowledge_new() == 1
    assert len(messages(complaint)) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_a_complaint_another_worker_holds_is_skipped(worker_mode, make_complaint):
    held, free = make_complaint(), make_complaint(reporter_phone="+6281298765432")
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
        assert notify.acknowledge_new() == 1
    finally:
        release.set()
        thread.join()
    assert messages(held) == [] and len(messages(free)) == 1
    assert notify.acknowledge_new() == 1
    assert len(messages(held)) == 1
