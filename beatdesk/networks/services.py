"""Writes about channels' network connections: connecting, storing secrets, cursors.

Secrets (app passwords, tokens, sessions) are kept only in ``Channel.credentials_encrypted``,
sealed by ``core.crypto``; they are never put in ``config``, the audit trail or a log line.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from beatdesk.audit.services import audit_record
from beatdesk.core.crypto import encrypt_json
from beatdesk.core.permissions import require
from beatdesk.forces.models import Account, Channel

if TYPE_CHECKING:
    from beatdesk.people.models import Officer

logger = logging.getLogger("beatdesk.networks")

# Config keys a connection may set; anything else in ``config`` is a mistake (or a secret in
# the wrong place) and is refused.
CONFIG_KEYS = {
    "service", "did", "cursor", "max_characters", "server", "page_id", "user_id", "server_version",
}  # fmt: skip


@transaction.atomic
def channel_connect(
    *,
    actor: Officer,
    account: Account,
    network: str,
    credentials: dict,
    config: dict,
    handle: str = "",
    profile_url: str = "",
) -> Channel:
    """Connect (or reconnect) ``account`` on ``network``: secrets sealed, channel active, audited."""
    if network not in Channel.Network.values or network in (
        Channel.Network.HUB,
        Channel.Network.SIMULATED,
    ):
        raise ValidationError(f"{network!r} is not a network that can be connected.")
    unknown = set(config) - CONFIG_KEYS
    if unknown:
        raise ValidationError(f"Unknown channel settings: {', '.join(sorted(unknown))}.")
    if not credentials:
        raise ValidationError("Connecting a channel needs its credentials.")
    channel = Channel.objects.select_for_update().filter(
        account=account, network=network
    ).first() or Channel(force_id=account.force_id, account=account, network=network)
    require(actor, "connect", channel)
    reconnect = channel.pk is not None
    previous = dict(channel.config or {})
    # A reconnection of the same identity keeps its place in the notification stream.
    if previous.get("did") and previous.get("did") != config.get("did"):
        previous.pop("cursor", None)
    channel.config = {**previous, **config}
    channel.credentials_encrypted = encrypt_json(credentials)
    channel.handle = handle or channel.handle
    channel.profile_url = profile_url or channel.profile_url
    channel.state = Channel.State.ACTIVE
    channel.state_reason = ""
    channel.full_clean(exclude=["account", "force"])
    channel.save()
    audit_record(
        actor=actor,
        action="channel.reconnect" if reconnect else "channel.connect",
        obj=channel,
        data={"network": network, "handle": channel.handle, "settings": sorted(config)},
    )
    logger.info("channel %s connected on %s as %s", channel.pk, network, channel.handle)
    return channel


def channel_credentials_store(*, channel: Channel, credentials: dict) -> None:
    """Replace the sealed secrets of a connected channel (a refreshed session, for example).

    Called by transports, not people: a session refreshed every couple of hours is routine
    upkeep of a connection a force admin already made (and audited), so it is not audited again.
    """
    sealed = encrypt_json(credentials)
    Channel.objects.filter(pk=channel.pk).update(credentials_encrypted=sealed)
    channel.credentials_encrypted = sealed


@transaction.atomic
def channel_cursor_store(*, channel: Channel, cursor: str | None) -> None:
    """Remember how far the listener has read a channel's incoming messages."""
    locked = Channel.objects.select_for_update().get(pk=channel.pk)
    locked.config = {**(locked.config or {}), "cursor": cursor}
    locked.save(update_fields=["config"])
    channel.config = locked.config


def bluesky_channel_connect(
    *,
    actor: Officer,
    account: Account,
    identifier: str,
    app_password: str,
    service: str = "",
) -> Channel:
    """Connect a Bluesky account with an app password, proven by signing in once.

    Only the sealed app password and session are kept; the session is reused so the channel
    does not spend one of Bluesky's 30 logins per 5 minutes on every send.
    """
    from beatdesk.networks.bluesky.transport import DEFAULT_SERVICE, profile_url, verify_login

    identifier = identifier.strip().lstrip("@")
    service = (service.strip() or DEFAULT_SERVICE).rstrip("/")
    if not identifier or not app_password.strip():
        raise ValidationError("Enter the account's handle and an app password.")
    if not service.startswith(("https://", "http://")):
        raise ValidationError("The server address must start with https://.")
    # Ask before the network call: a refused officer must not make Beatdesk sign in anywhere.
    require(
        actor, "connect", Channel(force_id=account.force_id, account=account, network="bluesky")
    )
    signed_in = verify_login(identifier=identifier, app_password=app_password, service=service)
    return channel_connect(
        actor=actor,
        account=account,
        network=Channel.Network.BLUESKY,
        credentials={
            "identifier": identifier,
            "app_password": app_password,
            "session": signed_in["session"],
        },
        config={"service": service, "did": signed_in["did"]},
        handle=signed_in["handle"],
        profile_url=profile_url(signed_in["handle"]),
    )
