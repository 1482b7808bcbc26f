from __future__ import annotations

import pytest
from django.core.cache import cache

from beatdesk.inbox import selectors
from beatdesk.inbox.services import message_ingest


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with no cached triage context and no rate-limit counters."""
    selectors._CACHE.clear()
    cache.clear()
    yield
    selectors._CACHE.clear()
    cache.clear()


@pytest.fixture
def ingest(force, account):
    """``ingest("text", account="york", network="simulated", ...)``: a message through the
    real ingestion service."""
    counter = {"n": 0}

    def send(text: str, *, account_slug: str = "york", network: str = "simulated", **kwargs):
        acc = account(account_slug)
        counter["n"] += 1
        kwargs.setdefault("network_id", f"net-{counter['n']}")
        kwargs.setdefault("author_handle", "member_of_public")
        return message_ingest(
            force=acc.force,
            channel=acc.channels.get(network=network),
            account=acc,
            text=text,
            **kwargs,
        )

    return send
