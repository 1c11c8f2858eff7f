import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from aduan.core import jobs
from aduan.core.outbox import deliver_due

log = logging.getLogger("aduan.worker")


class Command(BaseCommand):
    help = "Run background work: deliver the outbox and run periodic jobs, until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between passes.")

    def handle(self, *args, once=False, interval=2.0, **options):
        self.stopping = False

        def stop(signum, frame):
            self.stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        last_run: dict[str, float] = {}
        self.stdout.write("aduan worker started")
        while not self.stopping:
            # Drop connections the database closed while we slept; never one that
            # is inside a transaction (the caller's, e.g. a test's).
            if not connection.in_atomic_block:
                close_old_connections()
            try:
                sent, failed = deliver_due()
                if sent or failed:
                    log.info("outbox: %s sent, %s failed", sent, failed)
                now = time.monotonic()
                for job in jobs.registered():
                    if once or now - last_run.get(job.name, -1e9) >= job.every_seconds:
                        last_run[job.name] = now
                        result = job.func()
                        if result:
                            log.info("job %s: %s", job.name, result)
            except Exception:  # the loop survives a bad pass; the next one retries
                log.exception("worker pass failed")
                if once:
                    raise
            if once:
                break
            time.sleep(interval)
        self.stdout.write("aduan worker stopped")
