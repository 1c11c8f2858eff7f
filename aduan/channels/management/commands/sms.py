"""``aduan sms gammu-receive [locations...]`` and ``aduan sms gammu-poll --dsn DSN``."""

from __future__ import annotations

import os
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from aduan.channels import gammu
from aduan.channels.intake import keep_malformed, receive, seen_recently
from aduan.channels.sms import handle_sms
from aduan.lib.gateways import PayloadError, parse_gammu_env

# Gammu reruns a RunOnReceive program that overran its two minutes with the same environment.
DIGEST_WINDOW = timedelta(minutes=10)


class Command(BaseCommand):
    help = "SMS through Gammu SMSD: the RunOnReceive hook and the SQL inbox poller."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        receive_parser = sub.add_parser(
            "gammu-receive", help="RunOnReceive hook: reads SMS_* and DECODED_* variables."
        )
        receive_parser.add_argument("locations", nargs="*", help="message ids Gammu passes")
        poll = sub.add_parser("gammu-poll", help="Handle unprocessed rows of Gammu's inbox table.")
        poll.add_argument("--dsn", default=os.environ.get("ADUAN_GAMMU_DSN", ""))
        poll.add_argument("--limit", type=int, default=500)
        poll.add_argument(
            "--stale-minutes",
            type=int,
            default=30,
            help="join an incomplete multipart SMS after this many minutes",
        )

    def handle(self, *args, **options):
        if options["action"] == "gammu-receive":
            return self._receive(options["locations"])
        return self._poll(options)

    def _receive(self, locations):
        try:
            messages = parse_gammu_env(os.environ, locations)
        except PayloadError as exc:
            raw = {k: v for k, v in os.environ.items() if k.startswith(("SMS_", "DECODED_"))}
            _entry, complaint = keep_malformed(
                channel="sms",
                gateway="gammu",
                raw=raw,
                error=exc,
                text=raw.get("DECODED_1_TEXT") or raw.get("SMS_1_TEXT"),
            )
            kept = f" (disimpan sebagai aduan {complaint.code})" if complaint else ""
            raise CommandError(f"{exc.field}: {exc.code}: {exc.message}{kept}") from exc
        for msg in messages:
            if not locations:
                # Without Gammu's ids the id is a content digest: dedup it only briefly,
                # so the same text sent again tomorrow is a new message.
                if seen_recently("gammu", msg.gateway_message_id, DIGEST_WINDOW):
                    self.stdout.write(f"duplicate {msg.gateway_message_id}")
                    continue
                msg.gateway_message_id = f"{msg.gateway_message_id}@{msg.received_at:%Y%m%d%H%M%S}"
            result = receive(msg, handle_sms)
            state = "duplicate" if result.duplicate else result.outcome
            code = result.complaint.code if result.complaint else "-"
            self.stdout.write(f"{state} {code} {msg.sender}")

    def _poll(self, options):
        if not options["dsn"]:
            raise CommandError("--dsn (or ADUAN_GAMMU_DSN) is required")
        try:
            db = gammu.connect(options["dsn"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        try:
            result = gammu.poll_inbox(
                db,
                limit=options["limit"],
                stale_after=timedelta(minutes=options["stale_minutes"]),
            )
        finally:
            db.close()
        self.stdout.write(
            f"handled={result.handled} duplicates={result.duplicates} "
            f"rejected={result.rejected} pending={result.pending}"
        )
