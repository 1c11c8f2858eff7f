from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from aduan.core.backups import BackupError, Target, restore


class Command(BaseCommand):
    help = (
        "Restore an archive of `aduan backup` into an empty database and an empty media "
        "folder. Stop the web processes and workers first; run `aduan migrate` after when "
        "this release is newer than the backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--into",
            metavar="DATABASE_URL",
            help="Restore into this database instead of the configured one "
            "(for example to inspect a backup in a scratch database).",
        )
        parser.add_argument("--database", default="default", help="Database alias.")
        parser.add_argument(
            "--media-root", type=Path, help="Where the files go (default: MEDIA_ROOT)."
        )
        parser.add_argument("--no-media", action="store_true", help="Restore the database only.")

    def handle(self, *args, archive, into=None, database="default", media_root=None, **options):
        try:
            if into:
                target, alias = Target.from_url(into), None
            else:
                target = Target.from_settings(connections[database].settings_dict)
                alias = database
            manifest = restore(
                archive,
                target=target,
                media_root=media_root,
                with_media=not options["no_media"],
                alias=alias,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored {manifest['vendor']} database from {manifest['created']}"
            + ("" if options["no_media"] else f" and {manifest['media_files']} media files")
        )
