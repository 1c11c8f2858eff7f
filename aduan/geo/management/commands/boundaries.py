"""``aduan boundaries``: import administrative boundaries from GeoJSON, or list them.

aduan boundaries import FILE.geojson [--level kelurahan|kecamatan] [--match-property NAME]
                                    [--dry-run]
aduan boundaries show
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aduan.geo import importing
from aduan.geo.models import Boundary


class Command(BaseCommand):
    help = "Administrative boundaries: import kelurahan or kecamatan areas from GeoJSON."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser(
            "import",
            help="Check a GeoJSON file's features and write those that match a known area.",
        )
        run.add_argument("file", help="A GeoJSON FeatureCollection (BPS, geoBoundaries, OSM).")
        run.add_argument("--level", choices=Boundary.Level.values, default=Boundary.Level.KELURAHAN)
        run.add_argument(
            "--match-property",
            help="The feature property naming the area (a Kemendagri code or a name); "
            "by default the usual code and name properties are tried.",
        )
        run.add_argument("--dry-run", action="store_true", help="Check and report; write nothing.")
        sub.add_parser("show", help="Count the boundaries per level.")

    def handle(self, *args, action, **options):
        if action == "show":
            for level in Boundary.Level.values:
                n = Boundary.objects.filter(level=level).count()
                self.stdout.write(f"{level}: {n}")
            return
        path = Path(options["file"])
        try:
            report = importing.import_boundaries(
                importing.load_file(path),
                level=options["level"],
                source=path.name,
                match_property=options.get("match_property"),
                dry_run=options["dry_run"],
            )
        except importing.ImportFailed as error:
            raise CommandError(str(error)) from error
        for line in report.lines():
            self.stdout.write(line)
        if report.written == 0:
            raise CommandError("no boundary could be imported")
        style = self.style.WARNING if report.problems else self.style.SUCCESS
        self.stdout.write(
            style(
                f"done: {report.written} written, {report.problems} left out"
                + (" (dry run)" if report.dry_run else "")
            )
        )
