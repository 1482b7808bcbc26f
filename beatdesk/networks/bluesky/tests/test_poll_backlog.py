"""The listener under a backlog: more notifications than one poll reads are all read, later."""

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from beatdesk.networks.bluesky import transport as bluesky
from beatdesk.networks.bluesky.transport import BlueskyTransport

from .fakes import FakePds

pytestmark = pytest.mark.django_db

LIST = "app.bsky.notification.listNotifications"
START = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def stamp(n: int) -> str:
    return (START + timedelta(seconds=n)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def notification(n: int) -> dict:
    return {
        "uri": f"at://did:plc:public{n:05d}/app.bsky.feed.post/{n:05d}",
        "cid": "bafyreinotification",
        "author": {"did": f"did:plc:public{n:05d}", "handle": f"person{n}.bsky.social"},
        "reason": "mention",
        "record": {
            "$type": "app.bsky.feed.post",
            "text": f"@york.police.example message {n}",
            "createdAt": stamp(n),
        },
        "isRead": False,
        "indexedAt": stamp(n),
    }


class Timeline:
    """listNotifications over notifications 1..count, newest first, ``limit`` a page, with the
    AppView's kind of cursor (where the last page ended)."""

    def __init__(self, count: int):
        self.count = count
        self.pages: list[str | None] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        limit = int(request.url.params["limit"])
        cursor = request.url.params.get("cursor")
        self.pages.append(cursor)
        top = int(cursor) if cursor else self.count
        numbers = list(range(top, max(top - limit, 0), -1))
        next_cursor = str(numbers[-1] - 1) if numbers and numbers[-1] > 1 else None
        return httpx.Response(
            200,
            json={"notifications": [notification(n) for n in numbers], "cursor": next_cursor},
        )


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(bluesky, "NOTIFICATION_PAGE", 5)
    monkeypatch.setattr(bluesky, "MAX_NOTIFICATION_PAGES", 3)


def numbers(result) -> list[int]:
    return [int(m.text.rsplit(" ", 1)[1]) for m in result.messages]


def test_a_backlog_larger_than_one_poll_is_read_over_the_next_polls(
    mocked_channel, small_pages, caplog
):
    timeline = Timeline(count=40)
    transport = BlueskyTransport(
        mocked_channel, http=httpx.MockTransport(FakePds(**{LIST: timeline}))
    )
    cursor = stamp(2)  # notifications 1 and 2 were read before

    first = transport.fetch(cursor=cursor)
    # The newest 15 (three pages of five); the gap back to 2 is kept in the cursor.
    assert numbers(first) == list(range(26, 41))
    state = json.loads(first.cursor)
    assert state["newest"] == stamp(40)
    assert state["gaps"] == [["25", stamp(2)]]
    assert "the rest are read by the next polls" in caplog.text

    timeline.count = 43  # three more arrive meanwhile
    second = transport.fetch(cursor=first.cursor)
    # The three new ones first, then on down the gap with the pages left.
    assert numbers(second) == [*range(16, 26), 41, 42, 43]
    # Each poll first looks at the newest page (nothing new here), then goes on down the gap.
    third = transport.fetch(cursor=second.cursor)
    assert numbers(third) == list(range(6, 16))
    fourth = transport.fetch(cursor=third.cursor)
    assert numbers(fourth) == [3, 4, 5]
    assert fourth.cursor == stamp(43)
    seen = numbers(first) + numbers(second) + numbers(third) + numbers(fourth)
    assert sorted(seen) == list(range(3, 44))


def test_a_poll_that_reaches_the_cursor_keeps_a_plain_cursor(mocked_channel, small_pages):
    timeline = Timeline(count=12)
    transport = BlueskyTransport(
        mocked_channel, http=httpx.MockTransport(FakePds(**{LIST: timeline}))
    )
    result = transport.fetch(cursor=stamp(4))
    assert numbers(result) == list(range(5, 13))
    assert result.cursor == stamp(12)
    assert len(timeline.pages) == 2


def test_an_unreadable_cursor_starts_again_from_the_newest(mocked_channel, small_pages):
    timeline = Timeline(count=7)
    transport = BlueskyTransport(
        mocked_channel, http=httpx.MockTransport(FakePds(**{LIST: timeline}))
    )
    result = transport.fetch(cursor='{"gaps": 3}')
    assert numbers(result) == list(range(1, 8))
    assert result.cursor == stamp(7)
