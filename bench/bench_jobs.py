"""Job runners compared on Aduan's workload: procrastinate vs django-tasks (database backend).

Measures, on PostgreSQL, in a database of its own (created and dropped here):

1. throughput: enqueue N small jobs (each inserts one row, like an outbox send's bookkeeping),
   then run them with one worker until the queue is empty;
2. outbox latency while a slow job runs: a 5 s "report" job occupies its queue; outbox jobs
   enqueued meanwhile on their own queue (procrastinate: one worker per queue in one
   process, as ``aduan worker`` runs them; django-tasks: one ``db_worker`` per queue) are
   timed from enqueue to start.

Run (django-tasks is not an Aduan dependency: install it aside)::

    pip install --target /tmp/dt django-tasks==0.12.0 django-tasks-db==0.13.0
    PYTHONPATH=/tmp/dt .venv/bin/python bench/bench_jobs.py [--jobs 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import threading
import time

import django
import psycopg
from django.conf import settings

SERVER = "postgres://postgres@127.0.0.1:5432"
DB = "aduan_bench_jobs"


def configure() -> None:
    settings.configure(
        DEBUG=False,
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "procrastinate.contrib.django",
            "django_tasks",
            "django_tasks_db",
        ],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": DB,
                "USER": "postgres",
                "HOST": "127.0.0.1",
                "PORT": 5432,
            }
        },
        TASKS={
            "default": {
                "BACKEND": "django_tasks_db.DatabaseBackend",
                "QUEUES": ["default", "outbox", "reports"],
            }
        },
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    )
    django.setup()


def hit(n: int) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("INSERT INTO bench_hits (n, at) VALUES (%s, clock_timestamp())", [n])


def slow(seconds: float) -> None:
    time.sleep(seconds)


def outbox_job(n: int) -> None:
    hit(n)


def rows() -> list[tuple[int, float]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT n, extract(epoch FROM at) FROM bench_hits ORDER BY n")
        return [(n, float(at)) for n, at in cur.fetchall()]


def reset() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE bench_hits, procrastinate_jobs, procrastinate_workers, "
            "procrastinate_periodic_defers, procrastinate_events, django_tasks_database_dbtaskresult "
            "CASCADE"
        )


def wait_rows(count: int, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while len(rows()) < count and time.monotonic() < deadline:
        time.sleep(0.05)


# -- procrastinate -------------------------------------------------------------------------------


def procrastinate_app():
    from procrastinate.contrib.django import app

    if "bench.hit" not in app.tasks:
        app.task(name="bench.hit", queue="default")(hit)
        app.task(name="bench.slow", queue="reports")(slow)
        app.task(name="bench.outbox", queue="outbox")(outbox_job)
    return app


def run_procrastinate_workers(queues: list[str], stop: threading.Event, concurrency=1):
    from procrastinate.worker import Worker

    app = procrastinate_app()

    async def main():
        workers = [
            Worker(app, queues=[q], concurrency=concurrency, install_signal_handlers=False)
            for q in queues
        ]
        runs = [asyncio.create_task(w.run()) for w in workers]
        while not stop.is_set():
            await asyncio.sleep(0.05)
        for w in workers:
            w.stop()
        await asyncio.gather(*runs, return_exceptions=True)

    async def opened():
        async with app.open_async():
            await main()

    with app.replace_connector(app.connector.get_worker_connector()):
        asyncio.run(opened())


def procrastinate_throughput(n: int) -> tuple[float, float]:
    app = procrastinate_app()
    task = app.tasks["bench.hit"]
    t0 = time.perf_counter()
    for i in range(n):
        task.defer(n=i)
    enqueue = time.perf_counter() - t0
    stop = threading.Event()
    worker = threading.Thread(target=run_procrastinate_workers, args=(["default"], stop))
    t0 = time.perf_counter()
    worker.start()
    wait_rows(n)
    run = time.perf_counter() - t0
    stop.set()
    worker.join()
    return n / enqueue, n / run


def procrastinate_latency(samples: int, slow_seconds: float) -> list[float]:
    app = procrastinate_app()
    stop = threading.Event()
    worker = threading.Thread(target=run_procrastinate_workers, args=(["outbox", "reports"], stop))
    worker.start()
    time.sleep(1)
    app.tasks["bench.slow"].defer(seconds=slow_seconds)
    time.sleep(0.3)
    sent = {}
    for i in range(samples):
        sent[i] = time.time()
        app.tasks["bench.outbox"].defer(n=i)
        time.sleep(slow_seconds / samples * 0.8)
    wait_rows(samples)
    stop.set()
    worker.join()
    return [at - sent[n] for n, at in rows()]


# -- django-tasks (database backend) ---------------------------------------------------------------


def dt_hit(n: int) -> None:
    hit(n)


def dt_slow(seconds: float) -> None:
    slow(seconds)


def dt_outbox(n: int) -> None:
    hit(n)


def dt_tasks():
    # django-tasks finds a task by its function's module path: the module attribute of
    # that name must be the Task itself.
    from django_tasks import task
    from django_tasks.base import Task

    g = globals()
    for name, queue in (("dt_hit", "default"), ("dt_slow", "reports"), ("dt_outbox", "outbox")):
        if not isinstance(g[name], Task):
            g[name] = task(queue_name=queue)(g[name])
    return g["dt_hit"], g["dt_slow"], g["dt_outbox"]


def run_db_worker(queues: list[str], stop: threading.Event, interval: float):
    from django_tasks_db.management.commands.db_worker import Worker

    w = Worker(
        queue_names=queues,
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"bench-{'-'.join(queues)}",
        excluded_queue_names=[],
    )
    watcher = threading.Thread(target=lambda: (stop.wait(), setattr(w, "running", False)))
    watcher.start()
    w.run()
    watcher.join()


def dt_throughput(n: int, interval: float) -> tuple[float, float]:
    hit_task, _, _ = dt_tasks()
    t0 = time.perf_counter()
    for i in range(n):
        hit_task.enqueue(n=i)
    enqueue = time.perf_counter() - t0
    stop = threading.Event()
    worker = threading.Thread(target=run_db_worker, args=(["default"], stop, interval))
    t0 = time.perf_counter()
    worker.start()
    wait_rows(n)
    run = time.perf_counter() - t0
    stop.set()
    worker.join()
    return n / enqueue, n / run


def dt_latency(samples: int, slow_seconds: float, interval: float) -> list[float]:
    _, slow_task, outbox_task = dt_tasks()
    stop = threading.Event()
    workers = [
        threading.Thread(target=run_db_worker, args=([q], stop, interval))
        for q in ("outbox", "reports")
    ]
    for w in workers:
        w.start()
    time.sleep(1)
    slow_task.enqueue(seconds=slow_seconds)
    time.sleep(0.3)
    sent = {}
    for i in range(samples):
        sent[i] = time.time()
        outbox_task.enqueue(n=i)
        time.sleep(slow_seconds / samples * 0.8)
    wait_rows(samples)
    stop.set()
    for w in workers:
        w.join()
    return [at - sent[n] for n, at in rows()]


def summary(latencies: list[float]) -> str:
    ms = sorted(x * 1000 for x in latencies)
    return f"median {statistics.median(ms):.0f} ms, max {ms[-1]:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--slow", type=float, default=5.0)
    args = parser.parse_args()

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    configure()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE bench_hits (n int, at timestamptz)")
    try:
        print(f"{args.jobs} small jobs, one worker; outbox latency under a {args.slow} s job")
        reset()
        enq, run = procrastinate_throughput(args.jobs)
        print(f"procrastinate: enqueue {enq:.0f} jobs/s, run {run:.0f} jobs/s")
        reset()
        print(
            f"procrastinate: outbox latency {summary(procrastinate_latency(args.samples, args.slow))}"
        )
        for interval in (1.0, 0.1):
            reset()
            enq, run = dt_throughput(args.jobs, interval)
            print(
                f"django-tasks (interval {interval}s): enqueue {enq:.0f} jobs/s, run {run:.0f} jobs/s"
            )
            reset()
            lat = dt_latency(args.samples, args.slow, interval)
            print(f"django-tasks (interval {interval}s): outbox latency {summary(lat)}")
    finally:
        connection.close()
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


if __name__ == "__main__":
    main()
