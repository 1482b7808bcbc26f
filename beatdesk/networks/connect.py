"""Shared pieces of the desk's "connect a network" pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from beatdesk.core.permissions import require
from beatdesk.core.safefetch import FetchRefused, address_allowed, resolve
from beatdesk.forces.models import Account, Channel


def account_to_connect(
    request: HttpRequest, account_id: int, network: str
) -> tuple[Account, Channel | None]:
    """The account (of the officer's own force) and its existing channel; force admins only."""
    account = get_object_or_404(Account, pk=account_id, force=request.officer.force, is_active=True)
    probe = Channel(force_id=account.force_id, account=account, network=network)
    require(request.officer, "connect", probe)
    return account, account.channels.filter(network=network).first()


def public_server_url(raw: str) -> str:
    """A server address typed by an admin: https, and on the public internet (never ours)."""
    url = raw.strip().rstrip("/")
    if "://" not in url:
        url = f"https://{url}"
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.username or parts.password:
        raise ValidationError("Enter the server's address, such as https://mastodon.social.")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValidationError("Enter only the server's address, such as https://mastodon.social.")
    try:
        addresses = resolve(parts.hostname, parts.port or 443)
    except FetchRefused as exc:
        raise ValidationError(str(exc)) from exc
    if not addresses or not all(address_allowed(a) for a in addresses):
        raise ValidationError("That server is not on the public internet.")
    return f"https://{parts.netloc}"
