import email.utils
import json
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
from beatdesk.networks.mastodon import transport as mastodon_transport
from beatdesk.networks.mastodon.transport import MastodonTransport, html_to_text
from beatdesk.networks.tests import replay as exchanges

BASE = "https://police.social"
EXCHANGES = Path(__file__).parent / "exchanges"


def replay(mock, base, *names):
    # Mastodon's X-RateLimit-Reset is an HTTP date; the recorded one must lie ahead of now.
    reset = email.utils.formatdate(time.time() + 120, usegmt=True)
    exchanges.replay(mock, base, EXCHANGES, *names, placeholders={"__RESET_IN_120S__": reset})


JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64


@pytest.fixture
def mock():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as m:
        yield m


@pytest.fixture
def transport():
    return MastodonTransport(api_base_url=BASE, access_token="secret-token-abc", max_characters=500)


def thread() -> OutgoingPost:
    return OutgoingPost(
        key="5f0c6a0e-1d1e-4c58-9d40-3b0a8c8f2b11",
        parts=(
            OutgoingPart(
                "Road closed on the A64 near Malton after a collision. Please avoid the area.",
                images=(
                    OutgoingImage(JPEG, "image/jpeg", "A police car parked outside York Minster"),
                ),
            ),
            OutgoingPart("Diversions are signed. We will update when it reopens.\n^JH 2291"),
        ),
    )


def test_publish_thread_with_image_chains_replies_and_sends_idempotency_keys(mock, transport):
    replay(mock, BASE, "publish_thread_with_image.json")
    result = transport.publish(thread())
    assert result.network_id == "113000000000000001"
    assert result.part_ids == ("113000000000000001", "113000000000000002")
    assert result.url == "https://police.social/@yorkpolice/113000000000000001"
    media_call, first, second = mock.calls
    assert b"A police car parked outside York Minster" in media_call.request.body
    assert first.request.headers["Authorization"] == "Bearer secret-token-abc"
    assert first.request.headers["Idempotency-Key"].endswith("-0")
    assert second.request.headers["Idempotency-Key"].endswith("-1")
    first_body = dict(x.split("=", 1) for x in first.request.body.split("&"))
    assert first_body["media_ids%5B%5D"] == "22348641"
    second_body = dict(x.split("=", 1) for x in second.request.body.split("&"))
    assert second_body["in_reply_to_id"] == "113000000000000001"


@pytest.mark.parametrize(
    ("exchange", "error", "status"),
    [
        ("unauthorized.json", AuthError, 401),
        ("forbidden.json", AuthError, 403),
        ("validation_failed.json", PermanentError, 422),
        ("rate_limited.json", RateLimited, 429),
        ("server_error.json", TemporaryError, 500),
        ("bad_gateway_timeout.json", OutcomeUnknown, 504),
    ],
)
def test_errors_map_to_what_the_worker_must_do(mock, transport, exchange, error, status):
    replay(mock, BASE, exchange)
    post = OutgoingPost(key="k", parts=(OutgoingPart("Hello"),))
    with pytest.raises(error) as info:
        transport.publish(post)
    assert info.value.status == status


def test_rate_limit_honours_reset_header(mock, transport):
    replay(mock, BASE, "rate_limited.json")
    with pytest.raises(RateLimited) as info:
        transport.publish(OutgoingPost(key="k", parts=(OutgoingPart("Hello"),)))
    assert 60 < info.value.retry_after <= 121


def test_validation_message_reaches_the_officer(mock, transport):
    replay(mock, BASE, "validation_failed.json")
    with pytest.raises(PermanentError) as info:
        transport.publish(OutgoingPost(key="k", parts=(OutgoingPart("x" * 600),)))
    assert "character limit of 500 exceeded" in str(info.value)


def test_read_timeout_after_sending_is_unknown_but_refused_connection_is_temporary(mock, transport):
    mock.add(
        responses.POST,
        BASE + "/api/v1/statuses",
        body=requests.exceptions.ReadTimeout("read timed out"),
    )
    with pytest.raises(OutcomeUnknown):
        transport.publish(OutgoingPost(key="k", parts=(OutgoingPart("Hello"),)))
    mock.replace(
        responses.POST,
        BASE + "/api/v1/statuses",
        body=requests.exceptions.ConnectTimeout("connect timed out"),
    )
    with pytest.raises(TemporaryError) as info:
        transport.publish(OutgoingPost(key="k", parts=(OutgoingPart("Hello"),)))
    assert not isinstance(info.value, OutcomeUnknown)


def test_delete_of_already_deleted_status_is_done(mock, transport):
    replay(mock, BASE, "not_found_delete.json")
    transport.delete("113000000000000009")


def test_fetch_mentions_since_cursor_keeps_html_for_sanitising(mock, transport):
    replay(mock, BASE, "notifications.json")
    result = transport.fetch(cursor="34975800")
    assert len(mock.calls) == 1  # fewer than a page: nothing more waits
    assert mock.calls[0].request.url.count("min_id=34975800") == 1
    assert "since_id" not in mock.calls[0].request.url
    assert result.cursor == "34975861"
    direct, reply = result.messages
    assert direct.kind == "direct"
    assert direct.text.endswith("someone is trying my car doors on Bootham right now")
    assert reply.kind == "reply" and reply.in_reply_to == "113000000000000001"
    assert reply.author_handle == "alice@example.social"
    assert (
        reply.author_name == "Alice <script>alert(1)</script>"
    )  # untrusted text; escaped on display
    assert "javascript:" in reply.raw_html  # the raw HTML is kept only for the sanitiser
    assert "javascript" not in reply.text and "onclick" not in reply.text
    assert reply.text.startswith("@yorkpolice Is the A64 open again?")


def query(call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query)


def reports(result) -> list[int]:
    return [int(m.text.split("Report ")[1].split()[0]) for m in result.messages]


def test_fetch_pages_forward_with_min_id_so_a_backlog_is_not_lost(mock, transport):
    # 42 mentions wait after the cursor: since_id would return only the newest 40.
    replay(
        mock,
        BASE,
        "notifications_backlog_page_1_of_40.json",
        "notifications_backlog_page_2_of_2.json",
    )
    result = transport.fetch(cursor="34976000")
    assert len(mock.calls) == 2
    first, second = (query(call) for call in mock.calls)
    assert first["min_id"] == ["34976000"] and first["limit"] == ["40"]
    assert second["min_id"] == ["34976040"]  # the highest id of the first page
    assert "since_id" not in first and "since_id" not in second
    assert reports(result) == list(range(1, 43))  # every mention, oldest first
    assert result.cursor == "34976042"
    assert result.messages[0].author_handle == "bob@example.social"
    assert result.messages[0].text == "@yorkpolice Report 1 from the backlog"


def test_page_cap_stops_the_poll_and_the_next_poll_carries_on(mock, transport, monkeypatch):
    monkeypatch.setattr(mastodon_transport, "MAX_NOTIFICATION_PAGES", 2)
    replay(
        mock,
        BASE,
        "notifications_backlog_page_1_of_40.json",
        "notifications_backlog_page_2_of_40.json",
        "notifications_backlog_page_3_of_2.json",
    )
    first_poll = transport.fetch(cursor="34976000")
    assert len(mock.calls) == 2  # stopped at the cap though the second page was full
    assert reports(first_poll) == list(range(1, 81))
    assert first_poll.cursor == "34976080"
    second_poll = transport.fetch(cursor=first_poll.cursor)
    assert len(mock.calls) == 3
    assert query(mock.calls[2])["min_id"] == ["34976080"]
    assert reports(second_poll) == [81, 82]
    assert second_poll.cursor == "34976082"


def test_first_poll_reads_only_the_newest_page_then_continues_with_min_id(mock, transport):
    replay(
        mock,
        BASE,
        "notifications_backlog_page_1_of_40.json",
        "notifications_backlog_page_2_of_2.json",
    )
    first_poll = transport.fetch(cursor=None)
    assert len(mock.calls) == 1  # a full page, but no paging without a cursor
    params = query(mock.calls[0])
    assert params["limit"] == ["40"]
    assert not {"min_id", "since_id", "max_id"} & params.keys()
    assert reports(first_poll) == list(range(1, 41))
    assert first_poll.cursor == "34976040"
    second_poll = transport.fetch(cursor=first_poll.cursor)
    assert query(mock.calls[1])["min_id"] == ["34976040"]
    assert reports(second_poll) == [41, 42]
    assert second_poll.cursor == "34976042"


def test_reconcile_finds_a_post_that_arrived(mock, transport):
    replay(mock, BASE, "own_statuses.json")
    post = OutgoingPost(
        key="k", parts=(OutgoingPart("Appeal for witnesses after a burglary in Haxby.\n^JH 2291"),)
    )
    found = transport.reconcile(post, sent_after=datetime(2026, 11, 26, 9, 55, tzinfo=UTC))
    assert found is not None and found.network_id == "113000000000000050"


def test_reconcile_reports_a_post_that_never_arrived(mock, transport):
    replay(mock, BASE, "own_statuses.json")
    post = OutgoingPost(key="k", parts=(OutgoingPart("Something never sent"),))
    assert transport.reconcile(post, sent_after=datetime(2026, 11, 26, 9, 55, tzinfo=UTC)) is None


def test_server_limit_is_read_from_instance_information(mock, transport):
    replay(mock, BASE, "instance.json")
    assert transport.server_max_characters() == 1000


def test_html_to_text_keeps_line_breaks_and_drops_markup():
    assert html_to_text("<p>One &amp; two<br />three</p><p>four</p>") == "One & two\nthree\nfour"


def test_exchanges_are_valid_json():
    for path in EXCHANGES.glob("*.json"):
        assert isinstance(json.loads(path.read_text()), list), path.name
