"""A poll that brings a backlog (more than ``BACKLOG`` messages, after an outage) goes through
the inbox's arrivals: taken in at once, triaged most urgent first; a normal poll goes straight
into the inbox."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache

from beatdesk.forces.models import Channel
from beatdesk.inbox.arrivals import arrivals_drain
from beatdesk.inbox.models import Arrival, Message
from beatdesk.networks import jobs
from beatdesk.networks.base import FetchResult, IncomingMessage

pytestmark = pytest.mark.django_db

EMERGENCY = "a man has collapsed outside the station and he is not breathing, please help"


class Backlog:
    """A transport whose fetch returns ``count`` mentions, the last an emergency."""

    def __init__(self, count: int) -> None:
        start = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
        self.messages = [
            IncomingMessage(
                network_id=f"m-{i}",
                text=EMERGENCY if i == count - 1 else f"Is the A64 open yet? (asking {i})",
                author_handle=f"person{i}",
                created_at=start + timedelta(seconds=i),
            )
            for i in range(count)
        ]
        self.cursors = []

    def fetch(self, *, cursor):
        self.cursors.append(cursor)
        return FetchResult(messages=self.messages, cursor="after-backlog")


@pytest.fixture
def channel(account):
    york = account("york")
    return Channel.objects.create(force=york.force, account=york, network="mastodon", handle="york")


def _poll(channel, monkeypatch, transport):
    # Another test may have left a channel of the same id resting after a rate limit.
    cache.delete(jobs._resting_key(channel))
    monkeypatch.setattr(jobs, "transport_for", lambda _channel: transport)
    return jobs.poll_channel(channel, ingest=jobs._ingest_function())


def test_a_backlog_is_taken_in_at_once_and_its_emergency_stored_first(channel, monkeypatch):
    transport = Backlog(jobs.BACKLOG + 1)
    assert _poll(channel, monkeypatch, transport) == jobs.BACKLOG + 1
    # Taken in, not yet triaged; the cursor moves on only now that all of it is on disk.
    assert Arrival.objects.count() == jobs.BACKLOG + 1
    assert Message.objects.count() == 0
    channel.refresh_from_db()
    assert channel.config["cursor"] == "after-backlog"
    # The worker's first claim is the emergency, though it came last.
    (first,) = arrivals_drain(limit=1)
    assert first.text == EMERGENCY and first.is_emergency
    assert first.received_at == transport.messages[-1].created_at
    while arrivals_drain():
        pass
    assert Message.objects.filter(channel=channel).count() == jobs.BACKLOG + 1


def test_a_normal_poll_goes_straight_into_the_inbox(channel, monkeypatch):
    assert _poll(channel, monkeypatch, Backlog(3)) == 3
    assert Arrival.objects.count() == 0
    assert set(Message.objects.values_list("network_id", flat=True)) == {"m-0", "m-1", "m-2"}
    assert Message.objects.get(network_id="m-2").is_emergency
