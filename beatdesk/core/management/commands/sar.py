"""``beatdesk sar``: a subject access report for one force, as a readable file."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from beatdesk.audit.services import subject_access_export
from beatdesk.core.context import Origin, origin


class Command(BaseCommand):
    help = (
        "Export everything one force holds about a network handle or email address "
        "(UK GDPR subject access) as a readable text file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", required=True, help="The force's slug.")
        parser.add_argument("--handle", action="append", default=[], help="A network handle.")
        parser.add_argument("--email", action="append", default=[], help="An email address.")
        parser.add_argument("--reason", required=True, help="Why (the request's reference).")
        parser.add_argument("--output", "-o", help="File to write (default: print it).")

    def handle(self, *args, **options):
        from beatdesk.forces.models import Force

        force = Force.objects.filter(slug=options["force"]).first()
        if force is None:
            raise CommandError(f"No force with the slug {options['force']!r}.")
        with origin(Origin(channel="cli")):
            try:
                text = subject_access_export(
                    actor=None,
                    force=force,
                    handles=options["handle"],
                    emails=options["email"],
                    reason=options["reason"],
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        if options.get("output"):
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote the subject access report to {options['output']}.")
        else:
            self.stdout.write(text, ending="")
