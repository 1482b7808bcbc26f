"""The hub's search index: one document per public post, kept in step with the post.

The text lives in ``SearchDocument.body``; the database does the full-text work. On SQLite an
FTS5 table mirrors ``body`` and ``facets`` through triggers, keyed by ``sort_key``; on PostgreSQL
a generated ``tsvector`` column with a GIN index does. Both are created by this app's
migrations (see ``hub/search.py``).
"""

from __future__ import annotations

from django.db import models


class SearchDocument(models.Model):
    post = models.OneToOneField(
        "publishing.Post", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    # The post's ``updated_at`` when it was indexed: a newer post means this entry is stale.
    version = models.DateTimeField()
    body = models.TextField()
    # Publication second and post id in one integer (``search.sort_key``): SQLite's full-text
    # table is keyed by it, so its natural order is newest first and a date range is a key range.
    sort_key = models.BigIntegerField(unique=True)
    # Account, author and topics as words (``a12 o34 t5``): the filters, matched inside the index.
    facets = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"Search entry for post {self.post_id}"


class SearchState(models.Model):
    """How far the index has caught up with a force's posts (by ``Post.updated_at``)."""

    force = models.OneToOneField(
        "forces.Force", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    indexed_through = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Search index of force {self.force_id}"


class HubGeneration(models.Model):
    """A force's counter of changes that are not posts: officers, districts, accounts, places,
    policy, topics and Q&A sessions. Bumped in the same transaction as the change
    (``hub.generation``); part of every hub page's cache key and ETag."""

    force = models.OneToOneField(
        "forces.Force", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    generation = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Hub generation {self.generation} of force {self.force_id}"
