"""Desk pages for a force admin's network connections: the accounts' channels, and connecting
a Bluesky account with an app password."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from beatdesk.core.permissions import require
from beatdesk.core.views import officer_required
from beatdesk.forces.models import Account, Channel
from beatdesk.networks import selectors
from beatdesk.networks.base import AuthError, TransportError


def _require_admin(request: HttpRequest) -> None:
    require(request.officer, "configure", request.officer.force)


@officer_required
def connections(request: HttpRequest) -> HttpResponse:
    """Every account of the force and the state of each of its channels."""
    _require_admin(request)
    accounts = selectors.connectable_accounts(force=request.officer.force)
    for account in accounts:
        account.bluesky_channel = next(
            (c for c in account.channels.all() if c.network == Channel.Network.BLUESKY), None
        )
    return render(request, "networks/connections.html", {"accounts": accounts})


@officer_required
def connect_bluesky(request: HttpRequest, account_id: int) -> HttpResponse:
    """Connect (or reconnect) an account's Bluesky channel: handle, app password, server."""
    from beatdesk.networks.bluesky.transport import DEFAULT_SERVICE
    from beatdesk.networks.services import bluesky_channel_connect

    account = get_object_or_404(Account, pk=account_id, force=request.officer.force, is_active=True)
    probe = Channel(force_id=account.force_id, account=account, network=Channel.Network.BLUESKY)
    require(request.officer, "connect", probe)
    existing = account.channels.filter(network=Channel.Network.BLUESKY).first()
    form = {
        "identifier": existing.handle if existing else "",
        "service": (existing.config or {}).get("service", DEFAULT_SERVICE)
        if existing
        else DEFAULT_SERVICE,
    }
    errors: list[str] = []
    if request.method == "POST":
        form = {
            "identifier": request.POST.get("identifier", "").strip(),
            "service": request.POST.get("service", "").strip() or DEFAULT_SERVICE,
        }
        try:
            channel = bluesky_channel_connect(
                actor=request.officer,
                account=account,
                identifier=form["identifier"],
                app_password=request.POST.get("app_password", ""),
                service=form["service"],
            )
        except ValidationError as exc:
            errors = list(exc.messages)
        except AuthError:
            errors = [
                "Bluesky did not accept that handle and app password. Check the handle, and "
                "create a new app password in Bluesky's settings if needed."
            ]
        except TransportError as exc:
            errors = [f"Could not reach the Bluesky server, nothing was saved: {exc}"]
        else:
            messages.success(
                request, f"{account.name} is connected to Bluesky as @{channel.handle}."
            )
            return redirect("networks:connections")
    return render(
        request,
        "networks/connect_bluesky.html",
        {"account": account, "existing": existing, "form": form, "errors": errors},
        status=400 if errors else 200,
    )
