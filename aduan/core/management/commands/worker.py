import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aduan.core import jobs, metrics, tasks

log = logging.getLogger("aduan.worker")


class Command(BaseCommand):
    help = (
        "Run background work (the outbox and the periodic jobs) until stopped. On PostgreSQL "
        "any number of workers may run, on any machines; on SQLite, one."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queues",
            default=",".join(jobs.QUEUES),
            help=f"Comma-separated queues to serve (default: all of {', '.join(jobs.QUEUES)}).",
        )
        parser.add_argument(
            "--concurrency",
            type=int,
            default=1,
            help="Jobs run at once per queue (PostgreSQL only).",
        )
        parser.add_argument(
            "--once", action="store_true", help="Run every job once in this process, then exit."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=2.0,
            help="Seconds between passes of the built-in (SQLite) runner.",
        )

    def handle(self, *args, queues, concurrency=1, once=False, interval=2.0, **options):
        wanted = [q.strip() for q in queues.split(",") if q.strip()]
        unknown = sorted(set(wanted) - set(jobs.QUEUES))
        if unknown or not wanted:
            raise CommandError(
                f"unknown queue(s) {', '.join(unknown) or '(none)'}; "
                f"choose from {', '.join(jobs.QUEUES)}"
            )
        runner = settings.ADUAN_JOB_RUNNER
        self.stdout.write(f"aduan worker started ({runner}; queues: {', '.join(wanted)})")
        if not once:
            metrics.start_worker_server()  # ADUAN_WORKER_METRICS_PORT; off when 0
        if once:
            tasks.run_once(wanted)
        elif runner == "procrastinate":
            tasks.run_procrastinate(wanted, concurrency=concurrency)
        else:
            stop = threading.Event()

            def on_signal(signum, frame):
                stop.set()

            signal.signal(signal.SIGTERM, on_signal)
            signal.signal(signal.SIGINT, on_signal)
            tasks.run_builtin(wanted, interval, stop)
        self.stdout.write("aduan worker stopped")
