from __future__ import annotations

from django.core.management.base import BaseCommand

from beatdesk.forces.models import Force
from beatdesk.hub.models import SearchDocument, SearchState
from beatdesk.hub.search import sync_index


class Command(BaseCommand):
    help = "Rebuild the hub's search index from the posts (after restoring a backup, say)."

    def add_arguments(self, parser):
        parser.add_argument("--force", dest="force_slug", help="only this force (its slug)")

    def handle(self, *args, force_slug=None, **options):
        forces = Force.objects.all()
        if force_slug:
            forces = forces.filter(slug=force_slug)
        for force in forces:
            SearchDocument.objects.filter(force=force).delete()
            SearchState.objects.filter(force=force).delete()
            count = sync_index(force.pk)
            self.stdout.write(f"{force.slug}: {count} posts indexed")
