"""Django's flush, able to empty the append-only audit trail.

Flushing empties every table of the database (the test suite does it between tests that use
real transactions). The audit triggers refuse deletes, so they are lifted for the flush and put
back straight after; nothing else in Beatdesk removes audit events.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from beatdesk.audit import triggers


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options["database"]]
        triggers.remove(connection)
        try:
            return super().handle(**options)
        finally:
            triggers.install(connection)
