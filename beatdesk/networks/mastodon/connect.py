"""Connecting a Mastodon account: register Beatdesk on the account's server, then OAuth.

Each server is its own world, so Beatdesk registers itself as an app on the server the admin
names, sends the admin to that server to approve, and exchanges the returned code for a token.
The app's keys and the token are kept only sealed on the channel.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from mastodon import Mastodon, MastodonError

from beatdesk.core.views import officer_required
from beatdesk.forces.models import Account, Channel
from beatdesk.networks.base import TransportError
from beatdesk.networks.connect import account_to_connect, public_server_url
from beatdesk.networks.mastodon.transport import REQUEST_TIMEOUT, MastodonTransport
from beatdesk.networks.services import channel_connect
from beatdesk.people.reauth import recent_auth_required

SCOPES = ["read", "write"]
SESSION_KEY = "beatdesk_mastodon_connect"


def mastodon_channel_connect(
    *,
    actor,
    account: Account,
    server: str,
    code: str,
    redirect_uri: str,
    client_id: str,
    client_secret: str,
) -> Channel:
    """Exchange the approval code for a token, read the server's limit, and connect the channel."""
    try:
        api = Mastodon(
            client_id=client_id,
            client_secret=client_secret,
            api_base_url=server,
            request_timeout=REQUEST_TIMEOUT,
            version_check_mode="none",
            user_agent="Beatdesk",
        )
        token = api.log_in(code=code, redirect_uri=redirect_uri, scopes=SCOPES)
        version = api.retrieve_mastodon_version()
    except MastodonError as exc:
        raise ValidationError(f"{server} did not accept the approval: {exc}") from exc
    transport = MastodonTransport(
        api_base_url=server, access_token=token, server_version=str(version)
    )
    try:
        profile = transport.profile()
        max_characters = transport.server_max_characters()
    except TransportError as exc:
        raise ValidationError(f"Could not read the account from {server}: {exc}") from exc
    return channel_connect(
        actor=actor,
        account=account,
        network=Channel.Network.MASTODON,
        credentials={"access_token": token, "client_id": client_id, "client_secret": client_secret},
        config={
            "server": server,
            "max_characters": max_characters,
            "server_version": str(version),
        },
        handle=profile.handle,
        profile_url=profile.url,
    )


@officer_required
@recent_auth_required
def connect_start(request: HttpRequest, account_id: int) -> HttpResponse:
    account, existing = account_to_connect(request, account_id, Channel.Network.MASTODON)
    server = (existing.config or {}).get("server", "") if existing else ""
    errors: list[str] = []
    if request.method == "POST":
        server = request.POST.get("server", "")
        callback = request.build_absolute_uri(reverse("networks:mastodon-callback"))
        try:
            server = public_server_url(server)
            client_id, client_secret = Mastodon.create_app(
                "Beatdesk",
                scopes=SCOPES,
                redirect_uris=callback,
                api_base_url=server,
                request_timeout=REQUEST_TIMEOUT,
                user_agent="Beatdesk",
            )
            state = secrets.token_urlsafe(24)
            request.session[SESSION_KEY] = {
                "state": state,
                "account": account.pk,
                "server": server,
                "client_id": client_id,
                "client_secret": client_secret,
                "callback": callback,
            }
            url = Mastodon(
                client_id=client_id,
                client_secret=client_secret,
                api_base_url=server,
                version_check_mode="none",
            ).auth_request_url(
                redirect_uris=callback,
                scopes=SCOPES,
                state=state,
                force_login=True,
                skip_server_info=True,  # every Mastodon version serves /oauth/authorize
            )
        except ValidationError as exc:
            errors = list(exc.messages)
        except MastodonError as exc:
            errors = [f"Could not register Beatdesk on {server}: {exc}. Nothing was saved."]
        else:
            return redirect(url)
    return render(
        request,
        "networks/connect_mastodon.html",
        {"account": account, "existing": existing, "server": server, "errors": errors},
    )


@officer_required
def connect_callback(request: HttpRequest) -> HttpResponse:
    pending = request.session.pop(SESSION_KEY, None)
    if not pending or not secrets.compare_digest(pending["state"], request.GET.get("state", "")):
        messages.error(
            request, "That Mastodon approval did not match a connection you started. Start again."
        )
        return redirect("networks:connections")
    account, _ = account_to_connect(request, pending["account"], Channel.Network.MASTODON)
    if request.GET.get("error") or not request.GET.get("code"):
        messages.error(
            request, f"{pending['server']} did not approve the connection; nothing was saved."
        )
        return redirect("networks:connections")
    try:
        channel = mastodon_channel_connect(
            actor=request.officer,
            account=account,
            server=pending["server"],
            code=request.GET["code"],
            redirect_uri=pending["callback"],
            client_id=pending["client_id"],
            client_secret=pending["client_secret"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{account.name} is connected to Mastodon as @{channel.handle}.")
    return redirect("networks:connections")
