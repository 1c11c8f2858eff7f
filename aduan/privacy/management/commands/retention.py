"""``aduan retention``: apply the personal-data retention policy now.

``--dry-run`` prints what a run would anonymise or delete, per kind: the number of rows
and the oldest date among them. Neither mode prints any of the data itself.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from aduan.privacy import retention


class Command(BaseCommand):
    help = "Anonymise and delete personal data past its retention period (ADUAN_RETENTION)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report counts and oldest dates only."
        )

    def handle(self, *args, dry_run=False, **options):
        policy = retention.policy()
        self.stdout.write(
            "policy: " + ", ".join(f"{key}={value}" for key, value in sorted(policy.items()))
        )
        if dry_run:
            self.stdout.write(f"{'kind':<20} {'count':>8}  oldest  (dry run: nothing changed)")
            for line in retention.report():
                oldest = timezone.localtime(line.oldest).date().isoformat() if line.oldest else "-"
                self.stdout.write(f"{line.name:<20} {line.count:>8}  {oldest}  {line.label}")
            return
        done = retention.run(limit=None)
        self.stdout.write(f"{'kind':<20} {'done':>8}")
        for name, count in done.items():
            self.stdout.write(f"{name:<20} {count:>8}")
