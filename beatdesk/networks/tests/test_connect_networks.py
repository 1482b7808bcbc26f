"""Connecting Mastodon, X and Facebook from the desk, as a force admin would, with each
network's HTTP answered at the HTTP layer; and Facebook's signed webhooks feeding the inbox."""

import hashlib
import hmac
import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
import respx
from httpx import Response

from beatdesk.audit.models import AuditEvent
from beatdesk.core.testing import login
from beatdesk.forces.models import Channel
from beatdesk.networks.selectors import channel_credentials
from beatdesk.people.reauth import REAUTH_KEY

pytestmark = pytest.mark.django_db

PUBLIC_ADDRESS = ["93.184.216.34"]


@pytest.fixture
def admin_client(client, admin):
    login(client, admin)
    session = client.session
    session[REAUTH_KEY] = time.time()
    session.save()
    return client


@pytest.fixture
def public_dns(monkeypatch):
    monkeypatch.setattr("beatdesk.networks.connect.resolve", lambda host, port: PUBLIC_ADDRESS)


ACCT = {
    "id": "109000000000000001",
    "username": "yorkpolice",
    "acct": "yorkpolice",
    "display_name": "York Police",
    "url": "https://police.social/@yorkpolice",
    "avatar": "",
    "avatar_static": "",
    "header": "",
    "header_static": "",
    "locked": False,
    "bot": False,
    "created_at": "2024-01-10T00:00:00.000Z",
    "note": "",
    "followers_count": 1,
    "following_count": 1,
    "statuses_count": 1,
    "emojis": [],
    "fields": [],
}


def test_admin_connects_mastodon_through_the_servers_approval(admin_client, account, public_dns):
    york = account("york")
    with responses.RequestsMock() as mock:
        mock.add(
            responses.POST,
            "https://police.social/api/v1/apps",
            json={
                "id": "1",
                "name": "Beatdesk",
                "client_id": "cid-123",
                "client_secret": "csecret-456",
            },
        )
        response = admin_client.post(
            f"/desk/networks/accounts/{york.pk}/mastodon/", {"server": "police.social"}
        )
        assert response.status_code == 302
        target = urlsplit(response["Location"])
        assert target.netloc == "police.social" and target.path == "/oauth/authorize"
        query = parse_qs(target.query)
        assert query["client_id"] == ["cid-123"]
        state = query["state"][0]
        mock.add(
            responses.GET,
            "https://police.social/.well-known/oauth-authorization-server",
            json={
                "issuer": "https://police.social/",
                "authorization_endpoint": "https://police.social/oauth/authorize",
                "token_endpoint": "https://police.social/oauth/token",
                "scopes_supported": ["read", "write"],
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code"],
            },
        )
        mock.add(
            responses.POST,
            "https://police.social/oauth/token",
            json={
                "access_token": "tok-789",
                "token_type": "Bearer",
                "scope": "read write",
                "created_at": 1795680000,
            },
        )
        mock.add(
            responses.GET,
            "https://police.social/api/v1/instance/",
            json={"uri": "police.social", "version": "4.3.2", "api_versions": {"mastodon": 2}},
        )
        mock.add(
            responses.GET, "https://police.social/api/v1/accounts/verify_credentials", json=ACCT
        )
        mock.add(
            responses.GET,
            "https://police.social/api/v2/instance/",
            json={
                "domain": "police.social",
                "version": "4.3.2",
                "configuration": {"statuses": {"max_characters": 1000}},
            },
        )
        done = admin_client.get(
            "/desk/networks/mastodon/callback/", {"code": "approval-code", "state": state}
        )
    assert done.status_code == 302
    channel = Channel.objects.get(account=york, network="mastodon")
    assert channel.state == "active" and channel.handle == "yorkpolice"
    assert (
        channel.config["max_characters"] == 1000
        and channel.config["server"] == "https://police.social"
    )
    assert channel_credentials(channel)["access_token"] == "tok-789"
    assert "tok-789" not in channel.credentials_encrypted
    event = AuditEvent.objects.get(action="channel.connect")
    assert "tok-789" not in json.dumps(event.data)


def test_mastodon_server_on_a_private_address_is_refused(admin_client, account, monkeypatch):
    monkeypatch.setattr("beatdesk.networks.connect.resolve", lambda host, port: ["10.0.0.5"])
    york = account("york")
    response = admin_client.post(
        f"/desk/networks/accounts/{york.pk}/mastodon/", {"server": "https://intranet.example"}
    )
    assert response.status_code == 200
    assert "not on the public internet" in response.content.decode()
    assert not Channel.objects.filter(account=york, network="mastodon").exists()


def test_callback_with_a_forged_state_connects_nothing(admin_client, account):
    response = admin_client.get(
        "/desk/networks/mastodon/callback/", {"code": "x", "state": "forged"}, follow=True
    )
    assert "did not match a connection you started" in response.content.decode()
    assert not Channel.objects.filter(network="mastodon").exists()


@pytest.mark.parametrize("network", ["mastodon", "x", "facebook"])
def test_an_officer_cannot_connect_networks(client, officer_york, account, network):
    login(client, officer_york)
    session = client.session
    session[REAUTH_KEY] = time.time()
    session.save()
    assert client.get(f"/desk/networks/accounts/{account('york').pk}/{network}/").status_code == 403


def test_connecting_asks_for_the_password_again(client, admin, account):
    login(client, admin)
    session = client.session
    session[REAUTH_KEY] = time.time() - 3600  # signed in an hour ago
    session.save()
    response = client.get(f"/desk/networks/accounts/{account('york').pk}/facebook/")
    assert response.status_code == 302
    assert response["Location"].startswith("/desk/") and "next=" in response["Location"]
    assert response["Location"].startswith("/desk/reauth/") and "facebook" in response["Location"]


def test_admin_connects_x_with_oauth_pkce_and_the_token_refreshes(
    admin_client, account, settings, monkeypatch
):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the test server speaks http
    settings.X_CLIENT_ID = "x-client"
    settings.X_CLIENT_SECRET = "x-secret"
    york = account("york")
    response = admin_client.post(f"/desk/networks/accounts/{york.pk}/x/")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["client_id"] == ["x-client"]
    me = {"data": {"id": "1500000000000000001", "name": "York Police", "username": "YorkPolice"}}
    with responses.RequestsMock() as mock:
        mock.add(
            responses.POST,
            "https://api.twitter.com/2/oauth2/token",
            json={
                "token_type": "bearer",
                "expires_in": 7200,
                "access_token": "x-access-1",
                "scope": "tweet.write",
                "refresh_token": "x-refresh-1",
            },
        )
        mock.add(responses.GET, "https://api.twitter.com/2/users/me", json=me)
        mock.add(responses.GET, "https://api.twitter.com/2/users/me", json=me)
        done = admin_client.get(
            "/desk/networks/x/callback/", {"code": "c0de", "state": query["state"][0]}
        )
        token_request = mock.calls[0].request
    assert done.status_code == 302
    assert "code_verifier=" in token_request.body
    channel = Channel.objects.get(account=york, network="x")
    assert channel.handle == "YorkPolice" and channel.config["user_id"] == "1500000000000000001"
    credentials = channel_credentials(channel)
    assert credentials["refresh_token"] == "x-refresh-1"

    from beatdesk.networks.x.connect import fresh_credentials

    credentials["expires_at"] = time.time() - 10
    with responses.RequestsMock() as mock:
        mock.add(
            responses.POST,
            "https://api.twitter.com/2/oauth2/token",
            json={
                "token_type": "bearer",
                "expires_in": 7200,
                "access_token": "x-access-2",
                "refresh_token": "x-refresh-2",
            },
        )
        renewed = fresh_credentials(channel, credentials)
    assert renewed["access_token"] == "x-access-2"
    channel.refresh_from_db()
    assert channel_credentials(channel)["refresh_token"] == "x-refresh-2"


def test_x_refresh_refused_means_reconnect(account, settings):
    from beatdesk.networks.base import AuthError
    from beatdesk.networks.x.connect import fresh_credentials

    settings.X_CLIENT_ID, settings.X_CLIENT_SECRET = "x-client", "x-secret"
    channel = Channel.objects.create(
        force=account("york").force, account=account("york"), network="x"
    )
    with responses.RequestsMock() as mock:
        mock.add(
            responses.POST,
            "https://api.twitter.com/2/oauth2/token",
            status=400,
            json={
                "error": "invalid_request",
                "error_description": "Value passed for the token was invalid.",
            },
        )
        with pytest.raises(AuthError):
            fresh_credentials(channel, {"access_token": "a", "refresh_token": "r", "expires_at": 0})


def test_admin_connects_a_facebook_page_with_its_token(admin_client, account):
    york = account("york")
    with respx.mock() as graph:
        graph.get("https://graph.facebook.com/v21.0/1234567890").mock(
            return_value=Response(
                200,
                json={
                    "id": "1234567890",
                    "name": "York Police",
                    "link": "https://www.facebook.com/yorkpolice",
                },
            )
        )
        response = admin_client.post(
            f"/desk/networks/accounts/{york.pk}/facebook/",
            {"page_id": "1234567890", "page_token": "EAAB-page-token"},
        )
        assert graph.calls[0].request.headers["Authorization"] == "Bearer EAAB-page-token"
    assert response.status_code == 302
    channel = Channel.objects.get(account=york, network="facebook")
    assert channel.config["page_id"] == "1234567890"
    assert channel_credentials(channel) == {"page_token": "EAAB-page-token"}


def test_a_bad_facebook_token_is_explained_and_nothing_saved(admin_client, account):
    york = account("york")
    with respx.mock() as graph:
        graph.get("https://graph.facebook.com/v21.0/1234567890").mock(
            return_value=Response(
                400,
                json={
                    "error": {
                        "message": "Invalid OAuth access token.",
                        "type": "OAuthException",
                        "code": 190,
                    }
                },
            )
        )
        response = admin_client.post(
            f"/desk/networks/accounts/{york.pk}/facebook/",
            {"page_id": "1234567890", "page_token": "bad"},
        )
    assert response.status_code == 200
    assert "did not accept that Page token" in response.content.decode()
    assert not Channel.objects.filter(account=york, network="facebook").exists()


def test_webhook_handshake_needs_the_verify_token(client, settings):
    settings.FACEBOOK_VERIFY_TOKEN = "verify-me"
    ok = client.get(
        "/hooks/facebook/",
        {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "12345"},
    )
    assert ok.status_code == 200 and ok.content == b"12345"
    bad = client.get(
        "/hooks/facebook/",
        {"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "12345"},
    )
    assert bad.status_code == 403


def test_signed_webhook_feeds_the_inbox_and_unsigned_is_refused(client, settings, account):
    from beatdesk.core.crypto import encrypt_json
    from beatdesk.inbox.models import Message

    settings.FACEBOOK_APP_SECRET = "app-secret"
    york = account("york")
    Channel.objects.create(
        force=york.force,
        account=york,
        network="facebook",
        config={"page_id": "1234567890"},
        credentials_encrypted=encrypt_json({"page_token": "t"}),
    )
    payload = json.dumps(
        {
            "object": "page",
            "entry": [
                {
                    "id": "1234567890",
                    "time": 1795680000,
                    "changes": [
                        {
                            "field": "feed",
                            "value": {
                                "from": {"id": "13579", "name": "Alice"},
                                "item": "comment",
                                "comment_id": "9990001_7770010",
                                "post_id": "1234567890_9990001",
                                "verb": "add",
                                "created_time": 1795680000,
                                "message": "There's a man with a knife outside the Co-op on Gillygate right now",
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()
    signature = "sha256=" + hmac.new(b"app-secret", payload, hashlib.sha256).hexdigest()
    refused = client.post(
        "/hooks/facebook/",
        payload,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256="sha256=00",
    )
    assert refused.status_code == 403
    assert not Message.objects.exists()
    accepted = client.post(
        "/hooks/facebook/",
        payload,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature,
    )
    assert accepted.status_code == 200
    again = client.post(
        "/hooks/facebook/",
        payload,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature,
    )
    assert again.status_code == 200
    message = Message.objects.get()
    assert message.network_id == "9990001_7770010"
    assert message.conversation.priority == "urgent" or getattr(message, "priority", "") == "urgent"
