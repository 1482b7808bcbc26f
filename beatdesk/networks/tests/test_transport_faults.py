"""Each real transport under the outbox while its network misbehaves and then recovers:
0 posts lost, 0 duplicated, and an ambiguous send reconciled rather than resent.

Each network is a small stateful fake at the HTTP layer (``responses`` for the requests-based
clients, ``respx`` for httpx), answering as the documented API does: it stores what it accepted,
lists it back, and fails on cue: 5xx, 429 with reset headers, a refused connection, and a read
timeout after the post was stored (the ambiguous case).
"""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter
from urllib.parse import parse_qs

import httpx
import pytest
import requests
import responses
import respx

from beatdesk.audit.models import AuditEvent
from beatdesk.core.crypto import encrypt_json
from beatdesk.forces.models import Channel
from beatdesk.publishing.models import Delivery, Post

pytestmark = pytest.mark.django_db

# What the network does to each create request, in turn; then it behaves.
STORM = ["500", "429", "timeout_after_store", "refused", "ok", "timeout_after_store", "503", "ok"]
POSTS = 24


class FakeNetwork:
    def __init__(self, storm):
        self.behaviour = iter(storm)
        self.stored: list[dict] = []
        self.ids = itertools.count(1000)

    def next_behaviour(self) -> str:
        return next(self.behaviour, "ok")

    def store(self, text: str, **extra) -> dict:
        item = {"id": str(next(self.ids)), "text": text, **extra}
        self.stored.append(item)
        return item


def _run_until_sent(drain, clock, network: str, max_rounds: int = 80) -> None:
    for _ in range(max_rounds):
        drain()
        waiting = Delivery.objects.filter(channel__network=network).exclude(
            state=Delivery.State.SENT
        )
        if not waiting.exists():
            return
        clock.now = max(clock.now, min(waiting.values_list("due_at", flat=True)))
    states = Counter(
        Delivery.objects.filter(channel__network=network).values_list("state", "last_error")
    )
    raise AssertionError(f"not all sent: {states}")


def _compose_posts(compose, officer, account):
    return [
        compose(officer, account, f"Update {n}: roads around the Minster are busy today.")
        for n in range(POSTS)
    ]


def _assert_each_post_once(network: FakeNetwork, posts, name: str):
    deliveries = Delivery.objects.filter(post__in=posts, channel__network=name)
    assert Counter(deliveries.values_list("state", flat=True)) == {"sent": POSTS}
    texts = Counter(item["text"].split("\n")[0] for item in network.stored)
    assert len(texts) == POSTS  # 0 lost
    assert max(texts.values()) == 1  # 0 duplicated
    assert set(deliveries.values_list("network_id", flat=True)) == {i["id"] for i in network.stored}
    assert (
        Post.objects.filter(pk__in=[p.pk for p in posts], state=Post.State.PUBLISHED).count()
        == POSTS
    )
    # The storm really happened: retries, and ambiguous sends that were reconciled, not resent.
    outcomes = Counter(
        AuditEvent.objects.filter(
            action__startswith="delivery.",
            object_id__in=[str(d) for d in deliveries.values_list("pk", flat=True)],
        ).values_list("action", flat=True)
    )
    assert outcomes["delivery.retry"] >= 3, outcomes
    assert outcomes["delivery.unknown"] >= 2, outcomes


@pytest.fixture
def relaxed_policy(force):
    policy = force.policy
    policy.stale_after_minutes = 7 * 24 * 60
    policy.save()


def _channel(account, network, *, credentials, config):
    return Channel.objects.create(
        force=account.force,
        account=account,
        network=network,
        credentials_encrypted=encrypt_json(credentials),
        config=config,
        handle="yorkpolice",
    )


def test_mastodon_storm(officer_york, account, compose, drain, clock, relaxed_policy):
    york = account("york")
    _channel(
        york,
        "mastodon",
        credentials={"access_token": "t"},
        config={
            "server": "https://police.social",
            "max_characters": 500,
            "server_version": "4.3.2",
        },
    )
    net = FakeNetwork(STORM)
    by_key: dict[str, dict] = {}
    base = "https://police.social"

    def create(request):
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        key = request.headers.get("Idempotency-Key")
        behaviour = net.next_behaviour()
        if behaviour in ("500", "503"):
            return int(behaviour), {}, json.dumps({"error": "Something went wrong"})
        if behaviour == "429":
            return (
                429,
                {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(time.time()) + 30)},
                "{}",
            )
        if behaviour == "refused":
            raise requests.exceptions.ConnectTimeout("connect timed out")
        if key in by_key:  # Mastodon answers a repeated Idempotency-Key with the same status
            return 200, {}, json.dumps(by_key[key])
        item = net.store(form["status"])
        status = {
            "id": item["id"],
            "url": f"{base}/@yorkpolice/{item['id']}",
            "content": f"<p>{form['status']}</p>",
            "created_at": "2026-11-26T10:00:00.000Z",
            "visibility": "public",
            "account": {"id": "1", "acct": "yorkpolice"},
        }
        by_key[key] = status
        if behaviour == "timeout_after_store":
            raise requests.exceptions.ReadTimeout("read timed out")
        return 200, {}, json.dumps(status)

    def own_statuses(request):
        return (
            200,
            {},
            json.dumps(
                [
                    {
                        "id": i["id"],
                        "url": f"{base}/@yorkpolice/{i['id']}",
                        "content": "<p>" + i["text"].replace("\n", "<br />") + "</p>",
                        "created_at": "2099-01-01T00:00:00.000Z",
                    }
                    for i in reversed(net.stored)
                ]
            ),
        )

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.POST, f"{base}/api/v1/statuses", callback=create)
        mock.add(
            responses.GET,
            f"{base}/api/v1/accounts/verify_credentials",
            json={"id": "1", "acct": "yorkpolice"},
        )
        mock.add_callback(
            responses.GET, f"{base}/api/v1/accounts/1/statuses", callback=own_statuses
        )
        posts = _compose_posts(compose, officer_york, york)
        _run_until_sent(drain, clock, "mastodon")
    _assert_each_post_once(net, posts, "mastodon")


def test_x_storm(officer_york, account, compose, drain, clock, relaxed_policy):
    york = account("york")
    _channel(
        york,
        "x",
        credentials={"access_token": "t", "refresh_token": "r", "expires_at": time.time() + 86400},
        config={"user_id": "42"},
    )
    net = FakeNetwork(STORM)
    api = "https://api.twitter.com"

    def create(request):
        text = json.loads(request.body)["text"]
        behaviour = net.next_behaviour()
        if behaviour in ("500", "503"):
            return (
                int(behaviour),
                {},
                json.dumps({"title": "Service Unavailable", "status": int(behaviour)}),
            )
        if behaviour == "429":
            return (
                429,
                {"x-rate-limit-reset": str(int(time.time()) + 30)},
                json.dumps({"title": "Too Many Requests"}),
            )
        if behaviour == "refused":
            raise requests.exceptions.ConnectionError("NewConnectionError: Connection refused")
        if any(i["text"] == text for i in net.stored):  # X refuses an exact duplicate
            return (
                403,
                {},
                json.dumps(
                    {
                        "detail": "You are not allowed to create a Tweet with duplicate content.",
                        "status": 403,
                    }
                ),
            )
        item = net.store(text)
        if behaviour == "timeout_after_store":
            raise requests.exceptions.ReadTimeout("read timed out")
        return 201, {}, json.dumps({"data": {"id": item["id"], "text": text}})

    def own_tweets(request):
        return (
            200,
            {},
            json.dumps(
                {
                    "data": [{"id": i["id"], "text": i["text"]} for i in net.stored],
                    "meta": {"result_count": len(net.stored)},
                }
            ),
        )

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.POST, f"{api}/2/tweets", callback=create)
        mock.add_callback(responses.GET, f"{api}/2/users/42/tweets", callback=own_tweets)
        posts = _compose_posts(compose, officer_york, york)
        _run_until_sent(drain, clock, "x")
    _assert_each_post_once(net, posts, "x")


def test_facebook_storm(officer_york, account, compose, drain, clock, relaxed_policy):
    york = account("york")
    _channel(york, "facebook", credentials={"page_token": "t"}, config={"page_id": "1234567890"})
    net = FakeNetwork(STORM)
    graph = "https://graph.facebook.com/v21.0/1234567890"

    def create(request):
        text = parse_qs(request.content.decode())["message"][0]
        behaviour = net.next_behaviour()
        if behaviour in ("500", "503"):
            return httpx.Response(
                int(behaviour),
                json={"error": {"message": "An unknown error has occurred.", "code": 1}},
            )
        if behaviour == "429":
            usage = json.dumps({"1234567890": [{"estimated_time_to_regain_access": 1}]})
            return httpx.Response(
                400,
                headers={"x-business-use-case-usage": usage},
                json={"error": {"message": "(#32) Page request limit reached", "code": 32}},
            )
        if behaviour == "refused":
            raise httpx.ConnectError("connection refused")
        item = net.store(text)
        if behaviour == "timeout_after_store":
            raise httpx.ReadTimeout("read timed out")
        return httpx.Response(200, json={"id": item["id"]})

    def recent(request):
        return httpx.Response(
            200,
            json={
                "data": [
                    {
                        "id": i["id"],
                        "message": i["text"],
                        "created_time": "2099-01-01T00:00:00+0000",
                    }
                    for i in reversed(net.stored)
                ]
            },
        )

    with respx.mock(assert_all_called=False) as mock:
        mock.post(f"{graph}/feed").mock(side_effect=create)
        mock.get(f"{graph}/posts").mock(side_effect=recent)
        posts = _compose_posts(compose, officer_york, york)
        _run_until_sent(drain, clock, "facebook")
    _assert_each_post_once(net, posts, "facebook")
