"""Connecting an X account: OAuth 2.0 with PKCE, through tweepy's handler.

The install's X app (BEATDESK_X_CLIENT_ID / BEATDESK_X_CLIENT_SECRET) asks the admin's X account
for permission to post and read mentions; the user token and its refresh token are kept sealed
on the channel. X's user tokens last two hours, so ``fresh_credentials`` refreshes them before
use, and a refresh X refuses marks the channel "needs reconnect" through the usual path.
"""

from __future__ import annotations

import os
import time

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from oauthlib.oauth2 import OAuth2Error
from requests.auth import HTTPBasicAuth
from requests.exceptions import RequestException
from tweepy import OAuth2UserHandler

from beatdesk.core.views import officer_required
from beatdesk.forces.models import Account, Channel
from beatdesk.networks.base import AuthError, TemporaryError, TransportError
from beatdesk.networks.connect import account_to_connect
from beatdesk.networks.services import channel_connect, channel_credentials_store
from beatdesk.networks.x.transport import XTransport
from beatdesk.people.reauth import recent_auth_required

# X may grant fewer scopes than asked; the channel then fails on use and says why, which is
# clearer than refusing the whole connection inside oauthlib.
os.environ.setdefault("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")

SCOPES = ["tweet.read", "tweet.write", "users.read", "media.write", "offline.access"]
TOKEN_URL = "https://api.twitter.com/2/oauth2/token"
SESSION_KEY = "beatdesk_x_connect"
REFRESH_MARGIN = 5 * 60


def _handler(callback: str) -> OAuth2UserHandler:
    if not settings.X_CLIENT_ID:
        raise ValidationError(
            "This Beatdesk has no X app: set BEATDESK_X_CLIENT_ID and BEATDESK_X_CLIENT_SECRET."
        )
    return OAuth2UserHandler(
        client_id=settings.X_CLIENT_ID,
        client_secret=settings.X_CLIENT_SECRET or None,
        redirect_uri=callback,
        scope=SCOPES,
    )


def _credentials(token: dict) -> dict:
    expires_in = float(token.get("expires_in") or 7200)
    return {
        "access_token": token["access_token"],
        "refresh_token": token.get("refresh_token", ""),
        "expires_at": time.time() + expires_in,
    }


def x_channel_connect(*, actor, account: Account, token: dict) -> Channel:
    """Check the new token by reading the account, then connect the channel."""
    transport = XTransport(access_token=token["access_token"])
    try:
        profile = transport.profile()
        user_id = transport.user_id()
    except TransportError as exc:
        raise ValidationError(f"X did not let Beatdesk read the account: {exc}") from exc
    return channel_connect(
        actor=actor,
        account=account,
        network=Channel.Network.X,
        credentials=_credentials(token),
        config={"user_id": user_id},
        handle=profile.handle,
        profile_url=profile.url,
    )


def fresh_credentials(channel: Channel, credentials: dict) -> dict:
    """The channel's credentials with an access token valid for a while yet."""
    if float(credentials.get("expires_at") or 0) - time.time() > REFRESH_MARGIN:
        return credentials
    if not credentials.get("refresh_token"):
        raise AuthError("The X token has expired and cannot be refreshed; reconnect the account.")
    from requests_oauthlib import OAuth2Session

    session = OAuth2Session(client_id=settings.X_CLIENT_ID)
    try:
        token = session.refresh_token(
            TOKEN_URL,
            refresh_token=credentials["refresh_token"],
            auth=HTTPBasicAuth(settings.X_CLIENT_ID, settings.X_CLIENT_SECRET),
            timeout=20,
        )
    except OAuth2Error as exc:
        raise AuthError(f"X refused to refresh the token: {exc.description or exc.error}") from exc
    except RequestException as exc:
        raise TemporaryError(f"Could not reach X to refresh the token: {exc}") from exc
    renewed = _credentials(token)
    channel_credentials_store(channel=channel, credentials=renewed)
    return renewed


@officer_required
@recent_auth_required
def connect_start(request: HttpRequest, account_id: int) -> HttpResponse:
    account, existing = account_to_connect(request, account_id, Channel.Network.X)
    errors: list[str] = []
    if request.method == "POST":
        callback = request.build_absolute_uri(reverse("networks:x-callback"))
        try:
            handler = _handler(callback)
            url = handler.get_authorization_url()
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            request.session[SESSION_KEY] = {
                "account": account.pk,
                "state": handler._state,
                "verifier": handler._client.code_verifier,
                "callback": callback,
            }
            return redirect(url)
    return render(
        request,
        "networks/connect_x.html",
        {
            "account": account,
            "existing": existing,
            "errors": errors,
            "configured": bool(settings.X_CLIENT_ID),
        },
    )


@officer_required
def connect_callback(request: HttpRequest) -> HttpResponse:
    pending = request.session.pop(SESSION_KEY, None)
    if not pending or request.GET.get("state") != pending["state"]:
        messages.error(
            request, "That X approval did not match a connection you started. Start again."
        )
        return redirect("networks:connections")
    account, _ = account_to_connect(request, pending["account"], Channel.Network.X)
    if request.GET.get("error") or not request.GET.get("code"):
        messages.error(request, "X did not approve the connection; nothing was saved.")
        return redirect("networks:connections")
    handler = _handler(pending["callback"])
    handler._state = pending["state"]
    handler._client.code_verifier = pending["verifier"]
    try:
        token = handler.fetch_token(request.build_absolute_uri())
        channel = x_channel_connect(actor=request.officer, account=account, token=token)
    except (OAuth2Error, RequestException) as exc:
        messages.error(request, f"X did not complete the connection: {exc}. Nothing was saved.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{account.name} is connected to X as @{channel.handle}.")
    return redirect("networks:connections")
