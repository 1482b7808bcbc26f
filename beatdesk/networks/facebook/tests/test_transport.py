import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import respx

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
from beatdesk.networks.facebook.transport import FacebookTransport
from beatdesk.networks.facebook.webhooks import messages_from_payload, signature_valid

EXCHANGES = Path(__file__).parent / "exchanges"
GRAPH = "https://graph.facebook.com"
JPEG = b"\xff\xd8\xff\xe0" + b"1" * 64


def replay(router: respx.Router, *names: str) -> None:
    """Replay exchanges written from the Graph API documentation, in order per route."""
    routes: dict[tuple[str, str], list[httpx.Response]] = {}
    for name in names:
        for exchange in json.loads((EXCHANGES / name).read_text()):
            req, res = exchange["request"], exchange["response"]
            routes.setdefault((req["method"], req["path"]), []).append(
                httpx.Response(res["status"], json=res["body"], headers=res.get("headers", {}))
            )
    for (method, path), answers in routes.items():
        router.route(method=method, url=GRAPH + path).mock(side_effect=answers)


@pytest.fixture
def graph():
    with respx.mock(assert_all_called=True) as router:
        yield router


@pytest.fixture
def transport():
    return FacebookTransport(page_id="1234567890", page_token="page-token-xyz")


def test_thread_becomes_one_post_with_the_photo_and_its_alt_text(graph, transport):
    replay(graph, "publish_with_photo.json")
    post = OutgoingPost(
        key="k1",
        parts=(
            OutgoingPart(
                "Road closed on the A64.",
                images=(OutgoingImage(JPEG, "image/jpeg", "Police cordon tape across the road"),),
            ),
            OutgoingPart("Diversions are signed.\n^JH 2291"),
        ),
    )
    result = transport.publish(post)
    assert result.network_id == "1234567890_9990001"
    photo, feed = graph.calls
    assert b"Police cordon tape across the road" in photo.request.content
    assert b'name="published"\r\n\r\nfalse' in photo.request.content
    body = feed.request.content.decode()
    assert "Road+closed+on+the+A64.%0A%0ADiversions+are+signed.%0A%5EJH+2291" in body
    assert "media_fbid" in body and "5550001" in body
    assert feed.request.headers["Authorization"] == "Bearer page-token-xyz"
    assert "page-token-xyz" not in str(feed.request.url)


def test_public_reply_is_a_comment_and_private_reply_uses_the_send_api(graph, transport):
    replay(graph, "comment_reply.json", "messenger_reply.json")
    public = transport.publish(
        OutgoingPost(key="k2", parts=(OutgoingPart("Not yet."),), reply_to="9990001_7770001")
    )
    assert public.network_id == "9990001_7770002"
    private = transport.publish(
        OutgoingPost(
            key="k3",
            parts=(OutgoingPart("Please call 101."),),
            reply_to="m_abc123",
            private=True,
            recipient="24680",
        )
    )
    assert private.network_id.startswith("m_")
    sent = json.loads(graph.calls[1].request.content)
    assert sent == {
        "recipient": {"id": "24680"},
        "messaging_type": "RESPONSE",
        "message": {"text": "Please call 101."},
    }


@pytest.mark.parametrize(
    ("exchange", "error"),
    [
        ("token_expired.json", AuthError),
        ("permission_missing.json", AuthError),
        ("rate_limited.json", RateLimited),
        ("invalid_parameter.json", PermanentError),
        ("server_error.json", TemporaryError),
    ],
)
def test_graph_errors_map_to_what_the_worker_must_do(graph, transport, exchange, error):
    replay(graph, exchange)
    with pytest.raises(error):
        transport.publish(OutgoingPost(key="k", parts=(OutgoingPart("Hello"),)))


def test_rate_limit_uses_estimated_time_to_regain_access(graph, transport):
    replay(graph, "rate_limited.json")
    with pytest.raises(RateLimited) as info:
        transport.publish(OutgoingPost(key="k", parts=(OutgoingPart("Hello"),)))
    assert info.value.retry_after == 17 * 60


def test_timeout_after_sending_is_unknown_connect_failure_is_temporary(graph, transport):
    route = graph.post(f"{GRAPH}/v21.0/1234567890/feed")
    route.side_effect = httpx.ReadTimeout("timed out")
    with pytest.raises(OutcomeUnknown):
        transport.publish(OutgoingPost(key="k", parts=(OutgoingPart("Hello"),)))
    route.side_effect = httpx.ConnectError("refused")
    with pytest.raises(TemporaryError) as info:
        transport.publish(OutgoingPost(key="k", parts=(OutgoingPart("Hello"),)))
    assert not isinstance(info.value, OutcomeUnknown)


def test_deleting_a_post_that_is_gone_is_done(graph, transport):
    replay(graph, "not_found_delete.json")
    transport.delete("1234567890_9990009")


def test_reconcile_finds_the_post_by_text(graph, transport):
    replay(graph, "recent_posts.json")
    post = OutgoingPost(
        key="k", parts=(OutgoingPart("Appeal for witnesses after a burglary in Haxby.\n^JH 2291"),)
    )
    found = transport.reconcile(post, sent_after=datetime(2026, 11, 26, 9, 55, tzinfo=UTC))
    assert found.network_id == "1234567890_9990050"


def test_reconcile_returns_none_when_nothing_arrived(graph, transport):
    replay(graph, "recent_posts.json")
    post = OutgoingPost(key="k", parts=(OutgoingPart("Never sent"),))
    assert transport.reconcile(post, sent_after=datetime(2026, 11, 26, 9, 55, tzinfo=UTC)) is None


def test_fetch_skips_our_own_comments_and_threads_replies(graph, transport):
    replay(graph, "feed_comments.json")
    result = transport.fetch(cursor="1795670000")
    first, second = result.messages
    assert first.in_reply_to == "1234567890_9990001"
    assert (
        first.author_name == "Alice <img src=x onerror=alert(1)>"
    )  # untrusted; escaped on display
    assert second.in_reply_to == "9990001_7770002"
    assert int(result.cursor) > 1795670000


def test_webhook_signature_is_checked_on_the_raw_body():
    import hashlib
    import hmac

    body = (EXCHANGES / "webhook_comment_and_message.json").read_bytes()
    good = "sha256=" + hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
    assert signature_valid(raw_body=body, header=good, app_secret="app-secret")
    assert not signature_valid(raw_body=body + b" ", header=good, app_secret="app-secret")
    assert not signature_valid(
        raw_body=body, header=good.replace("sha256=", "sha1="), app_secret="app-secret"
    )
    assert not signature_valid(raw_body=body, header=None, app_secret="app-secret")


def test_webhook_payload_yields_comment_and_message():
    payload = json.loads((EXCHANGES / "webhook_comment_and_message.json").read_text())
    comment, message = messages_from_payload(payload, page_id="1234567890")
    assert comment.text == "There's a car on fire on Gillygate right now"
    assert comment.in_reply_to == "1234567890_9990001"
    assert message.kind == "direct" and message.author_handle == "24680"
