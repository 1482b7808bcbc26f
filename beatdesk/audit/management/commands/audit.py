"""``beatdesk audit verify``: check the audit trail's hash chains for any change."""

from django.core.management.base import BaseCommand, CommandError

from beatdesk.audit import triggers
from beatdesk.audit.chain import verify_chains


class Command(BaseCommand):
    help = "Work with the audit trail. verify: recompute the hash chains and report any break."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="Recompute every chain; exit 1 if anything changed.")
        verify.add_argument("--chain", help='Only this chain, e.g. "force:3" or "system".')

    def handle(self, *args, **options):
        from django.db import connection

        report = verify_chains(options.get("chain"))
        if not triggers.installed(connection):
            self.stderr.write(
                "Warning: the append-only triggers are missing from the audit table; "
                "run `beatdesk migrate` to restore them."
            )
        if report.ok:
            self.stdout.write(
                f"The audit trail is intact: {report.events} events in {report.chains} "
                f"chain{'s' if report.chains != 1 else ''}."
            )
            return
        for problem in report.problems:
            self.stderr.write(str(problem))
        raise CommandError(
            f"The audit trail has been changed outside Beatdesk: {len(report.problems)} "
            f"problem{'s' if len(report.problems) != 1 else ''} found."
        )
