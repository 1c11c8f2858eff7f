"""``aduan deadlines``: run the sweep, install a policy preset, show the policy.

aduan deadlines sweep [--now 2026-03-18T14:00+07:00]
aduan deadlines preset default|lapor [--ladder]
aduan deadlines show
"""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from aduan.deadlines import presets, store
from aduan.deadlines.models import EscalationStep, SlaRule
from aduan.deadlines.sweep import sweep


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--now: not an ISO 8601 date-time: {text!r}") from error
    if timezone.is_naive(moment):
        # A bare local time means the city's time, as everywhere in the interface.
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Deadlines: run the escalation sweep, install a policy preset, or show the policy."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("sweep", help="Fire the escalation steps due now (or at --now).")
        run.add_argument("--now", help="ISO date-time to sweep at (default: now).")
        preset = sub.add_parser("preset", help="Replace the SLA rules with a preset.")
        preset.add_argument("name", choices=sorted(presets.PRESETS))
        preset.add_argument(
            "--ladder", action="store_true", help="Also add missing default ladder steps."
        )
        sub.add_parser("show", help="Print the SLA rules and the escalation ladder.")

    def handle(self, *args, action, **options):
        if action == "sweep":
            now = _moment(options["now"]) if options.get("now") else None
            counts = sweep(now)
            summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing due"
            self.stdout.write(f"sweep: {summary}")
        elif action == "preset":
            with transaction.atomic():
                n = presets.install_rules(SlaRule, options["name"])
                added = presets.install_ladder(EscalationStep) if options["ladder"] else 0
            # bulk_create sends no signals: forget the cached policy by hand.
            store.invalidate()
            self.stdout.write(
                self.style.SUCCESS(
                    f"preset {options['name']}: {n} rules"
                    + (f", {added} ladder steps added" if added else "")
                )
            )
        elif action == "show":
            self.show()

    def show(self):
        self.stdout.write("SLA rules (most specific wins):")
        for rule in SlaRule.objects.select_related("category"):
            self.stdout.write(f"  {rule}")
        self.stdout.write("Escalation ladder:")
        for step in EscalationStep.objects.all():
            if step.at_fraction is not None:
                when = f"at {step.at_fraction} of the time"
            else:
                when = (
                    f"{step.offset_amount:+d} {step.offset_unit or 'clock_hours'} from the deadline"
                )
            flags = "" if step.is_active else " (inactive)"
            hours = "office hours" if step.respect_working_hours else "any hour"
            self.stdout.write(
                f"  {step.stage:<10} #{step.order:<3} {step.action:<20} {when}; {hours}{flags}"
            )
