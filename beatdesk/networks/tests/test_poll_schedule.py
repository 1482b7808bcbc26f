"""How often each network's channels are polled: Mastodon and Bluesky every 10 s, so a
mention that may be an emergency reaches the inbox quickly; X and Facebook every minute."""

import pytest

from beatdesk.forces.models import Channel
from beatdesk.jobs.registry import registered_jobs, run_due
from beatdesk.networks import jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def polled(monkeypatch, account):
    york = account("york")
    for network in ("x", "facebook", "mastodon", "bluesky"):
        Channel.objects.create(force=york.force, account=york, network=network, handle=network)
    seen = []

    def poll_channel(channel, *, ingest):
        seen.append(channel.network)
        return 0

    monkeypatch.setattr(jobs, "poll_channel", poll_channel)
    return seen


def test_mastodon_and_bluesky_are_polled_every_ten_seconds(polled):
    assert registered_jobs()["networks.poll.frequent"].every == 10
    run_due(only={"networks.poll.frequent"})
    assert sorted(polled) == ["bluesky", "mastodon"]


def test_x_and_facebook_are_polled_every_minute(polled):
    assert registered_jobs()["networks.poll"].every == 60
    run_due(only={"networks.poll"})
    assert sorted(polled) == ["facebook", "x"]


def test_the_worker_polls_each_group_no_more_often_than_its_interval(polled, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr("beatdesk.jobs.registry.time.monotonic", lambda: clock[0])
    monkeypatch.setattr("beatdesk.jobs.registry._LAST_RUN", {})
    only = {"networks.poll", "networks.poll.frequent"}
    run_due(only=only, respect_intervals=True)
    assert sorted(polled) == ["bluesky", "facebook", "mastodon", "x"]
    polled.clear()
    clock[0] += 10
    run_due(only=only, respect_intervals=True)
    assert sorted(polled) == ["bluesky", "mastodon"]
    polled.clear()
    clock[0] += 50
    run_due(only=only, respect_intervals=True)
    assert sorted(polled) == ["bluesky", "facebook", "mastodon", "x"]
