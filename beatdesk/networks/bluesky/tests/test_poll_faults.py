"""The listener when Bluesky fails: nothing lost (the cursor stays), limits honoured."""

import time

import httpx
import pytest

from beatdesk.forces.models import Channel
from beatdesk.jobs.registry import run_due
from beatdesk.networks import jobs
from beatdesk.networks.bluesky.transport import BlueskyTransport
from beatdesk.networks.services import channel_cursor_store

from .fakes import FakePds, xrpc_error

pytestmark = pytest.mark.django_db

LIST = "app.bsky.notification.listNotifications"


@pytest.fixture
def network(monkeypatch):
    """The poll's transports talk to a fake PDS instead of the internet."""
    holder = {}

    def make(channel):
        return BlueskyTransport(channel, http=httpx.MockTransport(holder["pds"]))

    monkeypatch.setattr(jobs, "transport_for", make)
    return holder


def test_a_failing_server_keeps_the_cursor_for_the_next_round(mocked_channel, network):
    channel_cursor_store(channel=mocked_channel, cursor="2026-11-26T06:00:00.000Z")
    network["pds"] = FakePds(**{LIST: xrpc_error(502, "UpstreamFailure")})
    assert run_due(only={"networks.poll.frequent"}) == 0
    fresh = Channel.objects.get(pk=mocked_channel.pk)
    assert fresh.config["cursor"] == "2026-11-26T06:00:00.000Z"
    assert fresh.state == Channel.State.ACTIVE
    assert network["pds"].count(LIST) == 1


def test_a_rate_limited_channel_rests_until_the_reset(mocked_channel, network):
    reset = int(time.time()) + 300
    network["pds"] = FakePds(
        **{LIST: xrpc_error(429, "RateLimitExceeded", headers={"ratelimit-reset": str(reset)})}
    )
    run_due(only={"networks.poll.frequent"})
    run_due(only={"networks.poll.frequent"})
    assert network["pds"].count(LIST) == 1


def test_an_empty_answer_moves_nothing(mocked_channel, network):
    network["pds"] = FakePds(
        **{LIST: httpx.Response(200, json={"notifications": [], "cursor": None})}
    )
    assert run_due(only={"networks.poll.frequent"}) == 0
    assert "cursor" not in Channel.objects.get(pk=mocked_channel.pk).config
