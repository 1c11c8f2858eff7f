"""``aduan reports aggregate|rebuild|autoclose``: the report jobs by hand."""

import time

from django.core.management.base import BaseCommand

from aduan.reports import aggregation, closing


class Command(BaseCommand):
    help = "Run the report jobs once: aggregate new events, rebuild every count, or auto-close."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["aggregate", "rebuild", "autoclose"])

    def handle(self, *args, action, **options):
        began = time.perf_counter()
        if action == "aggregate":
            result = aggregation.run()
        elif action == "rebuild":
            result = aggregation.rebuild()
        else:
            result = closing.auto_close()
        elapsed = time.perf_counter() - began
        self.stdout.write(f"{action}: {result or 'nothing to do'} ({elapsed:.2f} s)")
