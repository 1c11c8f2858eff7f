"""``aduan email poll``: fetch unseen mail from the IMAP mailbox into the complaint queue."""

from __future__ import annotations

import contextlib
import imaplib

from django.core.management.base import BaseCommand, CommandError

from aduan.channels import conf, email_intake


class Command(BaseCommand):
    help = "E-mail intake from IMAP (ADUAN_IMAP_HOST, _PORT, _USER, _PASSWORD, _MAILBOX, _SSL)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        poll = sub.add_parser("poll", help="Handle unseen messages once and exit.")
        poll.add_argument("--limit", type=int, default=100)

    def handle(self, *args, **options):
        try:
            imap = email_intake.connect_imap()
        except (OSError, RuntimeError, imaplib.IMAP4.error) as exc:
            raise CommandError(f"IMAP: {exc}") from exc
        try:
            result = email_intake.poll_mailbox(
                imap, mailbox=conf.get("ADUAN_IMAP_MAILBOX") or "INBOX", limit=options["limit"]
            )
        except (OSError, RuntimeError, imaplib.IMAP4.error) as exc:
            raise CommandError(f"IMAP: {exc}") from exc
        finally:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                imap.logout()
        self.stdout.write(
            f"fetched={result.fetched} handled={result.handled} "
            f"duplicates={result.duplicates} rejected={result.rejected}"
        )
