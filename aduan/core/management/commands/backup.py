from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from aduan.core.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write one archive with the database (pg_dump, or SQLite's online backup) and the "
        "uploaded files. It holds personal data: keep it encrypted and no longer than the "
        "retention policy."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help="Archive to write (default: aduan-backup-<UTC time>.tar.gz here).",
        )
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args, output=None, database="default", **options):
        if output is None:
            stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
            output = Path(f"aduan-backup-{stamp}.tar.gz")
        try:
            manifest = backup(output, alias=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{output}: {manifest['vendor']} database ({manifest['database_bytes']} bytes), "
            f"{manifest['media_files']} media files"
        )
