"""Running the background jobs: procrastinate on PostgreSQL, a built-in runner on SQLite.

The jobs themselves are plain functions registered in :mod:`aduan.core.jobs` (plus the
outbox's own delivery, :data:`OUTBOX_JOB`); this module only decides when and where they run.

On PostgreSQL (``ADUAN_JOB_RUNNER = "procrastinate"``) every job is a procrastinate task on
its own queue, deferred by procrastinate's periodic scheduler, which records each (job, time
slot) under a unique key: a slot is run once however many workers are up. ``aduan worker``
runs one procrastinate worker per queue it serves, each with its own slot, so the outbox never
waits behind a report rebuild or a retraining. A job that raises is retried with exponential
backoff. Every worker beats its heart every ``ADUAN_WORKER_HEARTBEAT`` seconds; the jobs a
worker was running when it stopped beating for ``ADUAN_WORKER_STALLED_AFTER`` seconds are put
back on their queue by whichever worker notices first (under an advisory lock, so only one
does), and the outbox's own claims are short and renewed while a message is being sent.

On SQLite (the embedded demo) ``aduan worker`` runs the same functions in one process, one
thread per queue, timed in memory: one worker process only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
import time
from collections.abc import Iterable

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from . import jobs
from .metrics import job_timer
from .notify import acknowledge_new
from .outbox import deliver_due

log = logging.getLogger("aduan.worker")

# Seconds one outbox job may keep sending before it hands over to the next tick.
OUTBOX_BUDGET_SECONDS = 20.0


def deliver_outbox() -> str:
    """Write the acknowledgments of new complaints, then send every due message (in
    batches), within a time budget."""
    started = time.monotonic()
    acknowledged = acknowledge_new()
    sent = failed = 0
    while time.monotonic() - started < OUTBOX_BUDGET_SECONDS:
        s, f = deliver_due()
        sent, failed = sent + s, failed + f
        if not s and not f:
            break
    done = f"{sent} sent, {failed} failed" if sent or failed else ""
    if acknowledged:
        done = f"{acknowledged} acknowledged" + (f", {done}" if done else "")
    return done


OUTBOX_JOB = jobs.Job("outbox.deliver", deliver_outbox, every_seconds=2, queue=jobs.OUTBOX)


def all_jobs(queues: Iterable[str] | None = None) -> list[jobs.Job]:
    wanted = None if queues is None else set(queues)
    return [j for j in [OUTBOX_JOB, *jobs.registered()] if wanted is None or j.queue in wanted]


def run_job(job: jobs.Job) -> object:
    with job_timer(job.name):  # duration, last success and failures for /metrics
        result = job.func()
    if result:
        log.info("job %s: %s", job.name, result)
    return result


def run_once(queues: Iterable[str] | None = None) -> None:
    """Run every job of these queues once, here and now, outbox first (``--once``)."""
    for job in all_jobs(queues):
        run_job(job)


def cron(every_seconds: float) -> str:
    """A cron line (seconds as a 6th column) firing about every ``every_seconds``.

    Slots are aligned to the clock, which is what makes them the same on every worker.
    """
    s = max(int(every_seconds), 1)
    if s < 60:
        return f"* * * * * */{s}"
    if s < 3600:
        return f"*/{max(s // 60, 1)} * * * *"
    if s < 86400:
        return f"0 */{max(s // 3600, 1)} * * *"
    return "0 0 * * *"


# -- procrastinate (PostgreSQL) ---------------------------------------------------------------

# A failing job is tried again after 2, 4, 8, 16 and 32 seconds (plus its next periodic
# slot, which is a separate job); then it is left failed for the next slot.
RETRY = {"max_attempts": 5, "exponential_wait": 2}

_configured: set[int] = set()


def configure(app) -> None:
    """Register every job as a periodic procrastinate task of ``app`` (once per app)."""
    from procrastinate import RetryStrategy

    if id(app) in _configured:
        return
    _configured.add(id(app))
    for job in all_jobs():

        def run(timestamp: int, _job=job) -> None:
            close_old_connections()
            run_job(_job)

        task = app.task(
            name=job.name,
            queue=job.queue,
            # One job of a kind waits at a time: a stopped cluster does not pile them up.
            queueing_lock=job.name,
            retry=RetryStrategy(**RETRY),
        )(run)
        app.periodic(cron=cron(job.every_seconds), periodic_id=job.name)(task)


_STALLED_JOBS = """
SELECT job.id
  FROM procrastinate_jobs job
  LEFT JOIN procrastinate_workers worker ON worker.id = job.worker_id
 WHERE job.status = 'doing'
   AND (job.worker_id IS NULL
        OR worker.last_heartbeat < NOW() - make_interval(secs => %s))
   FOR UPDATE OF job SKIP LOCKED
"""


def retry_stalled_jobs(stalled_after: float | None = None) -> list[int]:
    """Put back on their queues the jobs of workers whose heartbeat stopped.

    One worker at a time (a transaction-scoped advisory lock): two workers retrying the
    same job could otherwise re-queue it while a third already runs it again.
    """
    stalled_after = stalled_after or settings.ADUAN_WORKER_STALLED_AFTER
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_xact_lock(hashtext('aduan.retry_stalled_jobs'))")
        if not cur.fetchone()[0]:
            return []
        cur.execute(_STALLED_JOBS, [stalled_after])
        ids = [row[0] for row in cur.fetchall()]
        for job_id in ids:
            cur.execute("SELECT procrastinate_retry_job_v2(%s, NOW(), NULL, NULL, NULL)", [job_id])
    if ids:
        log.warning("retried %s job(s) of stopped workers: %s", len(ids), ids)
    return ids


def run_procrastinate(queues: list[str], concurrency: int = 1) -> None:
    """One procrastinate worker per queue, in this process, until SIGTERM/SIGINT."""
    from asgiref.sync import sync_to_async
    from procrastinate.contrib.django import app
    from procrastinate.worker import Worker

    configure(app)
    heartbeat = settings.ADUAN_WORKER_HEARTBEAT
    stalled_after = settings.ADUAN_WORKER_STALLED_AFTER

    def recover():
        close_old_connections()
        try:
            return retry_stalled_jobs(stalled_after)
        finally:
            connection.close()

    async def main() -> None:
        workers = [
            Worker(
                app,
                queues=[queue],
                name=f"aduan-{queue}",
                concurrency=concurrency,
                install_signal_handlers=False,
                update_heartbeat_interval=heartbeat,
                stalled_worker_timeout=stalled_after,
                # Finished jobs are deleted; failed ones stay for the admin to see.
                delete_jobs="successful",
            )
            for queue in queues
        ]
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)

        async def watch_stalled() -> None:
            while not stop.is_set():
                try:
                    await sync_to_async(recover, thread_sensitive=False)()
                except Exception:
                    log.exception("retrying stalled jobs failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=heartbeat)

        runs = [asyncio.create_task(w.run()) for w in workers]
        watcher = asyncio.create_task(watch_stalled())
        await stop.wait()
        for w in workers:
            w.stop()
        await asyncio.gather(*runs, watcher, return_exceptions=True)

    async def with_app() -> None:
        async with app.open_async():
            await main()

    worker_connector = app.connector.get_worker_connector()
    with app.replace_connector(worker_connector):
        asyncio.run(with_app())


# -- the built-in runner (SQLite, the embedded demo) -------------------------------------------


def run_builtin(queues: list[str], interval: float, stop: threading.Event) -> None:
    """One thread per queue, each running its jobs when due, until ``stop`` is set.

    A job that raises is tried again after 30 s, 1 min, 2 min, ... (never later than its
    own period).
    """

    def serve(queue: str) -> None:
        due: dict[str, float] = {}
        failures: dict[str, int] = {}
        try:
            while not stop.is_set():
                close_old_connections()
                for job in all_jobs([queue]):
                    now = time.monotonic()
                    if now < due.get(job.name, 0):
                        continue
                    try:
                        run_job(job)
                        failures.pop(job.name, None)
                        due[job.name] = now + job.every_seconds
                    except Exception:
                        failures[job.name] = failures.get(job.name, 0) + 1
                        wait = min(30 * 2 ** (failures[job.name] - 1), job.every_seconds)
                        log.exception("job %s failed; again in %s s", job.name, wait)
                        due[job.name] = now + wait
                    if stop.is_set():
                        break
                stop.wait(interval)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=serve, args=(q,), name=f"aduan-{q}", daemon=True) for q in queues
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
