from django.core.management.base import BaseCommand, CommandError

from aduan.core.models import Role, User
from aduan.demo import loader as demo
from aduan.office import twofactor


class Command(BaseCommand):
    help = "Load the demo city (Kota Malang): areas, agencies, categories, staff, complaints."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if already loaded.")
        parser.add_argument("--complaints", type=int, default=400)
        parser.add_argument("--seed", type=int, default=2611)
        parser.add_argument("--logins", action="store_true", help="Only print the demo logins.")
        parser.add_argument(
            "--totp",
            metavar="USERNAME",
            help="Only print the current verification code of a demo account.",
        )

    def handle(
        self,
        *args,
        if_empty=False,
        complaints=400,
        seed=2611,
        logins=False,
        totp=None,
        **options,
    ):
        if totp:
            code = demo.demo_totp_code(totp)
            if code is None:
                raise CommandError(f"{totp} has no demo authenticator")
            self.stdout.write(code)
            return
        if logins:
            self.print_logins()
            return
        if if_empty and demo.demo_is_loaded():
            # A demo loaded before second factors existed gets its authenticators now.
            demo.enrol_demo_second_factor()
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
                second = "  + kode verifikasi" if twofactor.role_requires(user) else ""
                self.stdout.write(f"  {label:<24} {user.username}{agency}{second}")
        self.stdout.write("  (every agency has admin.<kode> and kepala.<kode>; see /admin/)")
        secret = " ".join(
            demo.DEMO_TOTP_SECRET[i : i + 4] for i in range(0, len(demo.DEMO_TOTP_SECRET), 4)
        )
        self.stdout.write(
            "Verification code (kode verifikasi) after the password, for moderators, agency\n"
            f"heads and the system admin: add the key {secret}\n"
            "to an authenticator app (Google Authenticator, Aegis, FreeOTP...), or print the\n"
            "current code with: .venv/bin/aduan demo --totp <username>\n"
            "(each code works once; if one is refused, wait 30 s for the next)."
        )
