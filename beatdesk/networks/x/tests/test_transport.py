import json
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from beatdesk.networks.base import (
    AuthError,
    OutcomeUnknown,
    OutgoingImage,
    OutgoingPart,
    OutgoingPost,
    PermanentError,
    RateLimited,
    TemporaryError,
)
from beatdesk.networks.tests import replay as exchanges
from beatdesk.networks.x import transport as x_transport
from beatdesk.networks.x.transport import XTransport

API = "https://api.twitter.com"
EXCHANGES = Path(__file__).parent / "exchanges"


def replay(mock, base, *names):
    # X's x-rate-limit-reset is a Unix time; the recorded one must lie ahead of now.
    reset = str(int(time.time() + 300))
    exchanges.replay(mock, base, EXCHANGES, *names, placeholders={"__RESET_IN_300S__": reset})


JPEG = b"\xff\xd8\xff\xe0" + b"2" * 64


@pytest.fixture
def mock():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as m:
        yield m


@pytest.fixture
def transport():
    return XTransport(access_token="user-token-123", user_id="1500000000000000001")


def test_thread_with_image_uploads_media_sets_alt_text_and_chains_replies(mock, transport):
    replay(mock, API, "publish_thread_with_image.json")
    post = OutgoingPost(
        key="k",
        parts=(
            OutgoingPart(
                "Road closed on the A64 near Malton. https://example.org/roads",
                images=(
                    OutgoingImage(JPEG, "image/jpeg", "A police car parked outside York Minster"),
                ),
            ),
            OutgoingPart("Diversions are signed.\n^JH 2291"),
        ),
    )
    result = transport.publish(post)
    assert result.part_ids == ("1861000000000000001", "1861000000000000002")
    upload, metadata, first, second = mock.calls
    assert upload.request.headers["Authorization"] == "Bearer user-token-123"
    assert (
        json.loads(metadata.request.body)["metadata"]["alt_text"]["text"]
        == "A police car parked outside York Minster"
    )
    assert json.loads(first.request.body)["media"]["media_ids"] == ["1880028106020515840"]
    assert json.loads(second.request.body)["reply"]["in_reply_to_tweet_id"] == "1861000000000000001"


@pytest.mark.parametrize(
    ("exchange", "error"),
    [
        ("unauthorized.json", AuthError),
        ("forbidden.json", AuthError),
        ("duplicate.json", OutcomeUnknown),
        ("bad_request.json", PermanentError),
        ("rate_limited.json", RateLimited),
        ("server_error.json", TemporaryError),
    ],
)
def test_errors_map_to_what_the_worker_must_do(mock, transport, exchange, error):
    replay(mock, API, exchange)
    with pytest.raises(error):
        transport.publish(OutgoingPost(key="k", parts=(OutgoingPart("Hello"),)))


def test_rate_limit_waits_until_the_reset_header(mock, transport):
    replay(mock, API, "rate_limited.json")
    with pytest.raises(RateLimited) as info:
        transport.publish(OutgoingPost(key="k", parts=(OutgoingPart("Hello"),)))
    assert 250 < info.value.retry_after <= 301


def test_read_timeout_is_unknown_refused_connection_is_temporary(mock, transport):
    mock.add(
        responses.POST, API + "/2/tweets", body=requests.exceptions.ReadTimeout("read timed out")
    )
    with pytest.raises(OutcomeUnknown):
        transport.publish(OutgoingPost(key="k", parts=(OutgoingPart("Hello"),)))
    mock.replace(
        responses.POST,
        API + "/2/tweets",
        body=requests.exceptions.ConnectionError("NewConnectionError: Connection refused"),
    )
    with pytest.raises(TemporaryError) as info:
        transport.publish(OutgoingPost(key="k", parts=(OutgoingPart("Hello"),)))
    assert not isinstance(info.value, OutcomeUnknown)


def test_delete_of_a_missing_post_is_done(mock, transport):
    replay(mock, API, "delete_not_found.json")
    transport.delete("1861000000000000009")


def test_edit_is_refused_clearly(transport):
    with pytest.raises(PermanentError, match="does not allow editing"):
        transport.edit("1", OutgoingPost(key="k", parts=(OutgoingPart("x"),)))


def test_reconcile_ignores_t_co_links(mock, transport):
    replay(mock, API, "own_tweets.json")
    post = OutgoingPost(
        key="k",
        parts=(
            OutgoingPart(
                "Appeal for witnesses after a burglary in Haxby. https://example.org/a\n^JH 2291"
            ),
        ),
    )
    found = transport.reconcile(post, sent_after=datetime(2026, 11, 26, 9, 55, tzinfo=UTC))
    assert found.network_id == "1861000000000000050"


def test_fetch_mentions_threads_replies_and_moves_cursor(mock, transport):
    replay(mock, API, "mentions.json")
    result = transport.fetch(cursor="1861000000000000050")
    assert "since_id=1861000000000000050" in mock.calls[0].request.url
    emergency, reply = result.messages
    assert emergency.kind == "mention" and emergency.author_handle == "bob_yo31"
    assert reply.kind == "reply" and reply.in_reply_to == "1861000000000000001"
    assert reply.author_name == "Alice <b>"
    assert result.cursor == "1861000000000000101"


def _query(call):
    return {key: values[0] for key, values in parse_qs(urlsplit(call.request.url).query).items()}


def test_fetch_follows_next_token_to_older_mentions(mock, transport):
    replay(mock, API, "mentions_two_pages.json")
    result = transport.fetch(cursor="1861000000000000050")
    first, second = (_query(call) for call in mock.calls)
    assert "pagination_token" not in first
    assert first["since_id"] == "1861000000000000050"
    assert second["pagination_token"] == "7140dibdnow9c7btw3z2vwioek0gr6w0b4ghxwuzbuwv"
    assert second["since_id"] == "1861000000000000050"
    assert [m.network_id for m in result.messages] == [
        "1861000000000000201",
        "1861000000000000202",
        "1861000000000000203",
        "1861000000000000204",
    ]
    by_id = {m.network_id: m for m in result.messages}
    assert by_id["1861000000000000201"].author_name == "Frank"  # from the second page
    assert by_id["1861000000000000202"].author_handle == "erin_clifton"
    assert by_id["1861000000000000202"].in_reply_to == "1861000000000000001"
    assert by_id["1861000000000000204"].author_name == "Carol Hughes"  # from the first page
    assert result.cursor == "1861000000000000204"


def test_page_cap_leaves_the_unread_gap_for_the_next_poll(mock, transport, monkeypatch, caplog):
    monkeypatch.setattr(x_transport, "MAX_MENTION_PAGES", 2)
    replay(mock, API, "mentions_page_cap.json")
    with caplog.at_level(logging.WARNING, logger="beatdesk.networks"):
        first = transport.fetch(cursor="1861000000000000050")
    assert [m.network_id for m in first.messages] == [
        "1861000000000000301",
        "1861000000000000302",
        "1861000000000000303",
        "1861000000000000304",
    ]
    assert any(
        r.name == "beatdesk.networks" and r.levelno == logging.WARNING for r in caplog.records
    )
    # Whatever lies between the old cursor and the oldest mention read is still to be read.
    assert first.cursor != "1861000000000000304"

    # The next poll reads that gap (1861000000000000300 was in it), then what is newer.
    replay(mock, API, "mentions_gap_then_new.json")
    second = transport.fetch(cursor=first.cursor)
    gap, newer = (_query(call) for call in mock.calls[2:])
    assert gap["since_id"] == "1861000000000000050"
    assert gap["until_id"] == "1861000000000000301"
    assert newer["since_id"] == "1861000000000000304"
    assert "until_id" not in newer
    assert [m.network_id for m in second.messages] == ["1861000000000000300"]
    assert second.messages[0].author_handle == "dave_yk"
    assert second.cursor == "1861000000000000304"


def test_an_unfinished_gap_shrinks_and_waits_before_newer_mentions(mock, transport, monkeypatch):
    monkeypatch.setattr(x_transport, "MAX_MENTION_PAGES", 1)
    replay(mock, API, "mentions_gap_unfinished.json")
    cursor = json.dumps(
        {"newest": "1861000000000000400", "gap": ["1861000000000000050", "1861000000000000303"]}
    )
    result = transport.fetch(cursor=cursor)
    (only,) = mock.calls  # nothing newer is read while the gap is open
    assert _query(only)["until_id"] == "1861000000000000303"
    assert [m.network_id for m in result.messages] == ["1861000000000000301", "1861000000000000302"]
    assert json.loads(result.cursor) == {
        "newest": "1861000000000000400",
        "gap": ["1861000000000000050", "1861000000000000301"],
    }


def test_user_id_is_read_once_when_unknown(mock):
    replay(mock, API, "me.json")
    transport = XTransport(access_token="t")
    assert transport.user_id() == "1500000000000000001"
    assert transport.user_id() == "1500000000000000001"
    assert len(mock.calls) == 1
