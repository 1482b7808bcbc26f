"""``beatdesk inbox_api_key --force SLUG --name NAME``: create a key for an ingestion feed.

The key is printed once; only its hash is kept. ``--revoke PREFIX`` stops a key."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from beatdesk.core.context import Origin, origin
from beatdesk.forces.models import Force
from beatdesk.inbox.models import InboxApiKey
from beatdesk.inbox.services import api_key_create, api_key_revoke


class Command(BaseCommand):
    help = "Create (or revoke) an API key that lets an external feed push messages into the inbox."

    def add_arguments(self, parser):
        parser.add_argument("--force", required=True, help="the force's slug")
        parser.add_argument("--name", help="what the key is for, e.g. 'Facebook bridge'")
        parser.add_argument("--revoke", metavar="PREFIX", help="revoke the key with this prefix")

    def handle(self, *args, **options):
        force = Force.objects.filter(slug=options["force"]).first()
        if force is None:
            raise CommandError(f"No force with the slug {options['force']!r}.")
        with origin(Origin(channel="cli")):
            if options["revoke"]:
                key = InboxApiKey.objects.filter(force=force, prefix=options["revoke"]).first()
                if key is None:
                    raise CommandError("No key of that force has that prefix.")
                api_key_revoke(actor=None, key=key)
                self.stdout.write(f"Revoked {key}.")
                return
            if not options["name"]:
                raise CommandError("Give the key a --name.")
            key, raw = api_key_create(actor=None, force=force, name=options["name"])
        self.stdout.write(f"Created {key}. The key (shown once, keep it secret):\n{raw}")
