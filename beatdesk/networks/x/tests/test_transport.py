import json
import time
from datetime import UTC, datetime
from pathlib import Path

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


def test_user_id_is_read_once_when_unknown(mock):
    replay(mock, API, "me.json")
    transport = XTransport(access_token="t")
    assert transport.user_id() == "1500000000000000001"
    assert transport.user_id() == "1500000000000000001"
    assert len(mock.calls) == 1
