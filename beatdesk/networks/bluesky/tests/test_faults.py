"""How the Bluesky transport classifies failures, with the HTTP layer replaced.

The SDK and the transport run for real; only the bytes that would cross the network are
answered here, the way the PDS answers them (XRPC error bodies, rate-limit headers).
"""

import base64
import json
import time
import uuid

import httpx
import pytest
from atproto_client.client.session import Session

from beatdesk.core.crypto import decrypt_json
from beatdesk.forces.models import Channel
from beatdesk.networks.base import (
    AuthError,
    OutcomeUnknown,
    OutgoingPart,
    OutgoingPost,
    PermanentError,
    RateLimited,
    TemporaryError,
)
from beatdesk.networks.bluesky import transport as bluesky
from beatdesk.networks.services import channel_connect

pytestmark = pytest.mark.django_db

PDS = "https://pds.example.test"
DID = "did:plc:yorkpolice0000000000000"


def jwt(expires_in=3600, scope="com.atproto.access"):
    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    now = int(time.time())
    payload = {"sub": DID, "scope": scope, "iat": now, "exp": now + expires_in}
    payload["jti"] = uuid.uuid4().hex
    return f"{part({'alg': 'ES256K', 'typ': 'JWT'})}.{part(payload)}.c2lnbmF0dXJl"


STORED_SESSION = Session(
    handle="york.police.example",
    did=DID,
    access_jwt=jwt(),
    refresh_jwt=jwt(86400, "com.atproto.refresh"),
    pds_endpoint=PDS,
).encode()


def session_body():
    return {
        "did": DID,
        "handle": "york.police.example",
        "accessJwt": jwt(),
        "refreshJwt": jwt(86400, "com.atproto.refresh"),
        "active": True,
    }


def xrpc_error(status, error, message="", headers=None):
    return httpx.Response(status, json={"error": error, "message": message}, headers=headers)


class FakePds:
    """Answers XRPC calls by method name; records every request."""

    def __init__(self, **answers):
        self.answers = answers
        self.calls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.removeprefix("/xrpc/")
        self.calls.append(method)
        answer = self.answers.get(method)
        if answer is None:
            if method == "com.atproto.repo.getRecord":
                return xrpc_error(400, "RecordNotFound", "Could not locate record")
            if method == "com.atproto.server.createSession":
                return httpx.Response(200, json=session_body())
            return xrpc_error(501, "MethodNotImplemented")
        if callable(answer):
            return answer(request)
        return answer

    def count(self, method):
        return self.calls.count(method)


@pytest.fixture
def channel(admin, account):
    return channel_connect(
        actor=admin,
        account=account("york"),
        network="bluesky",
        credentials={
            "identifier": "york.police.example",
            "app_password": "abcd-efgh-ijkl-mnop",
            "session": STORED_SESSION,
        },
        config={"service": PDS, "did": DID},
        handle="york.police.example",
    )


def transport(channel, pds):
    return bluesky.BlueskyTransport(channel, http=httpx.MockTransport(pds))


def a_post(text="Road closed on Haxby Road.", reply_to=None):
    return OutgoingPost(key=str(uuid.uuid4()), parts=(OutgoingPart(text=text),), reply_to=reply_to)


def created(request):
    body = json.loads(request.content)
    uri = f"at://{DID}/app.bsky.feed.post/{body['rkey']}"
    return httpx.Response(200, json={"uri": uri, "cid": "bafyreigood"})


def test_a_stored_session_is_reused_without_logging_in(channel):
    pds = FakePds(**{"com.atproto.repo.createRecord": created})
    sender = transport(channel, pds)
    first = sender.publish(a_post())
    second = sender.publish(a_post("Road reopened."))
    assert first.network_id != second.network_id
    assert pds.count("com.atproto.server.createSession") == 0
    assert pds.count("com.atproto.repo.createRecord") == 2


def test_the_record_key_is_the_same_on_every_attempt_of_a_delivery(channel):
    pds = FakePds(**{"com.atproto.repo.createRecord": created})
    post = a_post()
    sent = transport(channel, pds).publish(post)
    assert sent.network_id.endswith("/" + bluesky.record_key_for(post.key, 0))
    assert bluesky.record_key_for(post.key, 0) == bluesky.record_key_for(post.key, 0)
    assert bluesky.record_key_for(post.key, 0) != bluesky.record_key_for(post.key, 1)


def test_an_expired_session_is_replaced_by_one_login_and_stored_sealed(channel):
    attempts = []

    def create(request):
        attempts.append(request.headers["authorization"])
        if len(attempts) == 1:
            return xrpc_error(400, "ExpiredToken", "Token has expired")
        return created(request)

    pds = FakePds(**{"com.atproto.repo.createRecord": create})
    before = Channel.objects.get(pk=channel.pk).credentials_encrypted
    transport(channel, pds).publish(a_post())
    assert pds.count("com.atproto.server.createSession") == 1
    assert attempts[0] != attempts[1]
    stored = Channel.objects.get(pk=channel.pk).credentials_encrypted
    assert stored != before and "abcd-efgh" not in stored
    opened = decrypt_json(stored)
    assert opened["app_password"] == "abcd-efgh-ijkl-mnop"
    assert opened["session"] != STORED_SESSION


def test_a_revoked_app_password_is_an_auth_error(channel):
    pds = FakePds(
        **{
            "com.atproto.repo.createRecord": xrpc_error(401, "InvalidToken", "Bad token"),
            "com.atproto.server.createSession": xrpc_error(
                401, "AuthenticationRequired", "Invalid identifier or password"
            ),
        }
    )
    with pytest.raises(AuthError):
        transport(channel, pds).publish(a_post())
    assert pds.count("com.atproto.server.createSession") == 1


def test_429_is_rate_limited_until_the_reset_header(channel):
    reset = int(time.time()) + 900
    pds = FakePds(
        **{
            "com.atproto.repo.createRecord": xrpc_error(
                429,
                "RateLimitExceeded",
                "Rate Limit Exceeded",
                headers={
                    "ratelimit-limit": "5000",
                    "ratelimit-remaining": "0",
                    "ratelimit-reset": str(reset),
                    "ratelimit-policy": "5000;w=3600",
                },
            )
        }
    )
    with pytest.raises(RateLimited) as caught:
        transport(channel, pds).publish(a_post())
    assert 890 <= caught.value.retry_after <= 900
    assert caught.value.status == 429


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_temporary(channel, status):
    pds = FakePds(**{"com.atproto.repo.createRecord": xrpc_error(status, "InternalServerError")})
    with pytest.raises(TemporaryError) as caught:
        transport(channel, pds).publish(a_post())
    assert not isinstance(caught.value, RateLimited)
    # Before calling it temporary, the transport looked for the record under its key.
    assert pds.count("com.atproto.repo.getRecord") == 2


def test_a_refused_connection_is_temporary(channel):
    def refuse(request):
        raise httpx.ConnectError("Connection refused", request=request)

    with pytest.raises(TemporaryError) as caught:
        transport(channel, refuse).publish(a_post())
    assert not isinstance(caught.value, OutcomeUnknown)


def test_a_timeout_after_sending_is_an_unknown_outcome(channel):
    def slow(request):
        raise httpx.ReadTimeout("timed out", request=request)

    pds = FakePds(**{"com.atproto.repo.createRecord": slow})
    with pytest.raises(OutcomeUnknown):
        transport(channel, pds).publish(a_post())


def test_a_refused_post_is_permanent(channel):
    pds = FakePds(
        **{
            "com.atproto.repo.createRecord": xrpc_error(
                400, "InvalidRequest", "Invalid app.bsky.feed.post record"
            )
        }
    )
    with pytest.raises(PermanentError, match=r"Invalid app\.bsky\.feed\.post record"):
        transport(channel, pds).publish(a_post())


def test_text_over_300_graphemes_is_refused_before_anything_is_sent(channel):
    pds = FakePds()
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one grapheme, 18 bytes
    transport(channel, pds)._check_text(family * 150)
    with pytest.raises(PermanentError, match="bytes"):
        transport(channel, pds).publish(a_post(family * 200))
    with pytest.raises(PermanentError, match="301 of 300"):
        transport(channel, pds).publish(a_post("a" * 301))
    assert pds.calls == []


def test_the_hourly_write_budget_is_kept_before_sending(channel, settings):
    from django.core.cache import cache

    pds = FakePds(**{"com.atproto.repo.createRecord": created})
    window = int(time.time() // 3600)
    cache.set(f"bluesky:write-points:{channel.pk}:{window}", 4998, timeout=60)
    with pytest.raises(RateLimited, match="5000 write points"):
        transport(channel, pds).publish(a_post())
    assert pds.count("com.atproto.repo.createRecord") == 0
    cache.delete(f"bluesky:write-points:{channel.pk}:{window}")


def test_direct_messages_and_edits_are_refused_clearly(channel):
    sender = transport(channel, FakePds())
    with pytest.raises(PermanentError, match="direct messages"):
        sender.publish(OutgoingPost(key="k", parts=(OutgoingPart(text="hi"),), private=True))
    with pytest.raises(PermanentError, match="cannot be edited"):
        sender.edit(f"at://{DID}/app.bsky.feed.post/3jzfcijpj2z2a", a_post())


def test_the_transport_satisfies_the_interface(channel):
    from beatdesk.networks.base import Transport
    from beatdesk.networks.registry import transport_for

    found = transport_for(channel)
    assert isinstance(found, bluesky.BlueskyTransport)
    assert isinstance(found, Transport)
    rules = found.text_rules()
    assert (rules.limit, rules.byte_limit, rules.method) == (300, 3000, "graphemes")
