from django.core.management.base import BaseCommand

from aduan.core.models import Role, User
from aduan.demo import loader as demo


class Command(BaseCommand):
    help = "Load the demo city (Kota Malang): areas, agencies, categories, staff, complaints."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if already loaded.")
        parser.add_argument("--complaints", type=int, default=400)
        parser.add_argument("--seed", type=int, default=2611)
        parser.add_argument("--logins", action="store_true", help="Only print the demo logins.")

    def handle(self, *args, if_empty=False, complaints=400, seed=2611, logins=False, **options):
        if logins:
            self.print_logins()
            return
        if if_empty and demo.demo_is_loaded():
            self.stdout.write("demo city already loaded")
            return
        demo.load_master_data()
        n = demo.load_complaints(complaints, seed=seed) if complaints else 0
        if n:
            # The demo queue shows routing suggestions learnt from the demo's own history.
            # Imported here: scikit-learn takes a second to load, which --logins and
            # --if-empty (every start of scripts/run) do not need.
            from aduan.triage.training import train_from_database

            versions = train_from_database(trigger="demo", folds=3)
            self.stdout.write(f"routing models trained: {', '.join(v.target for v in versions)}")
        self.stdout.write(self.style.SUCCESS(f"demo city loaded: {n} complaints"))

    def print_logins(self):
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        picks = [
            ("Moderator (Diskominfo)", User.objects.filter(role=Role.MODERATOR)),
            ("Admin OPD", User.objects.filter(role=Role.ADMIN_OPD, agency__code="dpuprpkp")),
            ("Kepala OPD", User.objects.filter(role=Role.KEPALA_OPD, agency__code="dpuprpkp")),
            ("Admin OPD", User.objects.filter(role=Role.ADMIN_OPD, agency__code="dlh")),
            ("Pimpinan", User.objects.filter(role=Role.PIMPINAN)),
            ("Admin sistem (/admin/)", User.objects.filter(role=Role.ADMIN_SISTEM)),
        ]
        for label, qs in picks:
            for user in qs.order_by("username")[:1]:
                agency = f" · {user.agency.short_name}" if user.agency_id else ""
                self.stdout.write(f"  {label:<24} {user.username}{agency}")
        self.stdout.write("  (every agency has admin.<kode> and kepala.<kode>; see /admin/)")
