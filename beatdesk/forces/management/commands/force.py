from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from beatdesk.core.context import Origin, origin
from beatdesk.forces.config import ConfigError, force_import_file


class Command(BaseCommand):
    help = "Manage forces from configuration files: beatdesk force import FORCE.yaml"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Create or update a force from a YAML file.")
        imp.add_argument("path", type=Path)

    def handle(self, *args, **options):
        with origin(Origin(channel="cli")):
            try:
                result = force_import_file(actor=None, path=options["path"])
            except ConfigError as exc:
                raise CommandError(
                    "The force file has problems; nothing was changed:\n  "
                    + "\n  ".join(exc.problems)
                ) from exc
        verb = "Created" if result.created else "Updated"
        counts = ", ".join(f"{n} {k}" for k, n in result.counts.items())
        self.stdout.write(f"{verb} {result.force.name} ({result.force.slug}): {counts}.")
