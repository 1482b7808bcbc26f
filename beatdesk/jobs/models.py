"""What the worker leaves in the database about itself: that it is alive."""

from __future__ import annotations

from django.db import models


class WorkerBeat(models.Model):
    """A running worker, renewed as it loops (``registry.HEARTBEAT_SECONDS``).

    One row per worker (host, process and thread), deleted when it stops cleanly. A row whose
    ``beat_at`` is old is a worker that died or hangs; ``health`` reads the newest.
    """

    name = models.CharField(max_length=200, unique=True)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return f"worker {self.name}"
