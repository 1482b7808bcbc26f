"""The search index's safety net: catch up with posts changed by any path."""

from __future__ import annotations

from beatdesk.forces.models import Force
from beatdesk.hub.search import sync_index
from beatdesk.jobs.registry import job


@job("hub.search_sync", every=5.0)
def search_sync() -> int:
    """Re-index posts changed since each force's watermark; returns how many entries changed."""
    return sum(
        sync_index(force_id)
        for force_id in Force.objects.filter(is_active=True).values_list("pk", flat=True)
    )
