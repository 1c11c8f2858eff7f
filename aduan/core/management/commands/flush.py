"""``flush``, with the audit log's append-only guard lifted for its own statements.

Emptying every table is the database owner's act (and Django's test runner does it
after each transactional test); the audit triggers (:mod:`aduan.core.auditguard`)
would otherwise refuse it. Everything else is Django's own command.
"""

from django.core.management.commands import flush
from django.db import connections

from aduan.core import auditguard


class Command(flush.Command):
    def handle(self, **options):
        with auditguard.lifted(connections[options["database"]]):
            return super().handle(**options)
