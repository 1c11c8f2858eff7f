"""The job runner: queues, schedules, retries, a stopped worker's work (aduan.core.tasks)."""

import threading
import time
from datetime import UTC, datetime

import pytest
from croniter import croniter
from django.core.management import CommandError, call_command
from django.db import connection

from aduan.core import jobs, outbox, senders, tasks
from aduan.core.models import OutboundMessage
from aduan.core.notify import queue_message

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="procrastinate (the job runner on PostgreSQL) needs PostgreSQL",
)


@pytest.fixture(autouse=True)
def _fresh_sender_cache():
    senders._sender_for.cache_clear()
    yield
    senders._sender_for.cache_clear()


@pytest.fixture
def extra_job(monkeypatch):
    """Registers a job for one test only."""

    def add(name, func, every_seconds=60, queue=jobs.DEFAULT):
        monkeypatch.setitem(jobs._JOBS, name, jobs.Job(name, func, every_seconds, queue))

    return add


@pytest.mark.parametrize("every", [2, 30, 60, 300, 3600, 86400])
def test_cron_slots_are_the_period_apart(every):
    start = datetime(2026, 3, 2, 1, 2, 3, tzinfo=UTC)
    it = croniter(tasks.cron(every), start)
    first, second = it.get_next(datetime), it.get_next(datetime)
    assert (second - first).total_seconds() == every


def test_jobs_run_on_their_queues():
    by_name = {job.name: job.queue for job in tasks.all_jobs()}
    assert by_name["outbox.deliver"] == jobs.OUTBOX
    assert by_name["reports.aggregate"] == jobs.REPORTS
    assert by_name["triage.retrain"] == jobs.TRAINING
    assert by_name["deadlines.sweep"] == jobs.DEFAULT
    assert tasks.all_jobs([jobs.OUTBOX]) == [tasks.OUTBOX_JOB]


def test_an_unknown_queue_is_refused():
    with pytest.raises(ValueError, match="unknown queue"):
        jobs.register("x.y", every_seconds=5, queue="fast")
    with pytest.raises(CommandError, match="fast"):
        call_command("worker", "--once", "--queues", "outbox,fast")


def test_worker_once_serves_only_its_queues(db, extra_job):
    ran = []
    extra_job("test.report", lambda: ran.append("report"), queue=jobs.REPORTS)
    msg = queue_message("sms", "+6281234567890", "halo")
    call_command("worker", "--once", "--queues", "outbox")
    msg.refresh_from_db()
    assert msg.state == OutboundMessage.State.SENT
    assert ran == []
    call_command("worker", "--once", "--queues", "reports")
    assert ran == ["report"]


def test_outbox_job_drains_more_than_one_batch(db, monkeypatch):
    for n in range(5):
        queue_message("sms", f"+62812345678{n:02}", "halo")
    real = outbox.deliver_due
    monkeypatch.setattr(tasks, "deliver_due", lambda: real(limit=2))
    assert tasks.deliver_outbox() == "5 sent, 0 failed"
    assert not OutboundMessage.objects.filter(state=OutboundMessage.State.PENDING).exists()


@pytest.mark.django_db(transaction=True)
def test_builtin_runner_sends_while_a_slow_job_runs(extra_job, settings):
    release = threading.Event()
    started = threading.Event()

    def slow_report():
        started.set()
        release.wait(10)

    extra_job("test.slow", slow_report, queue=jobs.REPORTS)
    stop = threading.Event()
    runner = threading.Thread(
        target=tasks.run_builtin, args=([jobs.OUTBOX, jobs.REPORTS], 0.05, stop)
    )
    runner.start()
    try:
        assert started.wait(5)
        msg = queue_message("sms", "+6281234567890", "halo")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            msg.refresh_from_db()
            if msg.state == OutboundMessage.State.SENT:
                break
            time.sleep(0.05)
        # Sent while the report job is still running.
        assert msg.state == OutboundMessage.State.SENT
        assert not release.is_set()
    finally:
        release.set()
        stop.set()
        runner.join(10)
    assert not runner.is_alive()


@pytest.mark.django_db(transaction=True)
def test_builtin_runner_retries_a_failing_job_later(extra_job, monkeypatch):
    calls = []

    def flaky():
        calls.append(time.monotonic())
        raise RuntimeError("boom")

    extra_job("test.flaky", flaky, every_seconds=3600, queue=jobs.TRAINING)
    stop = threading.Event()
    runner = threading.Thread(target=tasks.run_builtin, args=([jobs.TRAINING], 0.05, stop))
    runner.start()
    time.sleep(0.5)
    stop.set()
    runner.join(10)
    # Failed once, and not again within its 30 s backoff (nor its hourly period).
    assert len(calls) == 1


class SlowSender:
    seen: list = []

    def send(self, message):
        for _ in range(2):
            SlowSender.seen.append(
                OutboundMessage.objects.values_list("locked_until", flat=True).get(pk=message.pk)
            )
            time.sleep(0.5)
        return "slow"


@pytest.mark.django_db(transaction=True)
def test_outbox_claim_is_renewed_while_sending(settings, monkeypatch):
    monkeypatch.setattr(outbox, "HEARTBEAT_SECONDS", 0.2)
    settings.ADUAN_SENDERS = {**settings.ADUAN_SENDERS, "sms": f"{__name__}.SlowSender"}
    SlowSender.seen = []
    msg = queue_message("sms", "+6281234567890", "halo")
    assert outbox.deliver_due() == (1, 0)
    first, second = SlowSender.seen
    assert second > first
    msg.refresh_from_db()
    assert msg.state == OutboundMessage.State.SENT and msg.locked_until is None


# -- PostgreSQL: procrastinate ------------------------------------------------------------------


@pytest.fixture
def procrastinate_tables(transactional_db):
    # procrastinate's tables are not Django's to flush between tests.
    def empty():
        with connection.cursor() as cur:
            cur.execute(
                "TRUNCATE procrastinate_periodic_defers, procrastinate_events, "
                "procrastinate_jobs, procrastinate_workers CASCADE"
            )

    empty()
    yield
    empty()


@postgresql_only
def test_a_periodic_slot_is_deferred_once_by_any_number_of_workers(procrastinate_tables):
    import asyncio

    from procrastinate import App, PsycopgConnector
    from procrastinate.contrib.django.utils import connector_params
    from procrastinate.periodic import PeriodicDeferrer

    slot = int(datetime(2026, 3, 2, 1, 2, 4, tzinfo=UTC).timestamp())

    async def defer_from_three_workers():
        for _ in range(3):
            # A separate app (its own connection) per worker process.
            app = App(connector=PsycopgConnector(kwargs=connector_params("default")))
            tasks.configure(app)
            [periodic] = [
                p
                for p in app.periodic_registry.periodic_tasks.values()
                if p.task.name == "outbox.deliver"
            ]
            async with app.open_async():
                deferrer = PeriodicDeferrer(registry=app.periodic_registry)
                await deferrer.defer_jobs([(periodic, slot)])

    asyncio.run(defer_from_three_workers())
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'outbox.deliver' "
            "AND queue_name = 'outbox'"
        )
        assert cur.fetchone()[0] == 1


@postgresql_only
def test_jobs_of_a_stopped_worker_go_back_on_their_queue(procrastinate_tables):
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat) VALUES "
            "(NOW() - interval '1 minute'), (NOW()) RETURNING id"
        )
        dead, alive = (row[0] for row in cur.fetchall())
        cur.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args, status, worker_id) "
            "VALUES ('reports', 'reports.aggregate', '{}', 'doing', %s), "
            "('outbox', 'outbox.deliver', '{}', 'doing', %s) RETURNING id",
            [dead, alive],
        )
        orphan, running = (row[0] for row in cur.fetchall())
    assert tasks.retry_stalled_jobs(stalled_after=10) == [orphan]
    with connection.cursor() as cur:
        cur.execute("SELECT id, status, attempts FROM procrastinate_jobs ORDER BY id")
        assert cur.fetchall() == [(orphan, "todo", 1), (running, "doing", 0)]
    # Nothing left to take over.
    assert tasks.retry_stalled_jobs(stalled_after=10) == []
