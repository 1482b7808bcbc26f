from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from beatdesk.jobs import health


class Command(BaseCommand):
    help = (
        "Check that Beatdesk is doing its work (database, worker, outbox, messages taken in); "
        "exits with status 1 when a check fails, for a monitor or cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="append",
            choices=health.check_names(),
            help="Run only this check (repeat for more).",
        )
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, **options):
        checks = health.report(only=options["check"])
        if options["json"]:
            self.stdout.write(json.dumps({c.name: c.as_dict() for c in checks}))
        else:
            for c in checks:
                self.stdout.write(f"{'ok     ' if c.ok else 'FAILING'}  {c.name:<9} {c.summary}")
        failing = [c.name for c in checks if not c.ok]
        if failing:
            raise CommandError(f"Failing: {', '.join(failing)}.", returncode=1)
