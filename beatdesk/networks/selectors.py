"""Reads about channels' connections."""

from __future__ import annotations

from beatdesk.core.crypto import decrypt_json
from beatdesk.forces.models import Account, Channel, Force


def channel_credentials(channel: Channel) -> dict:
    """The channel's secrets, opened; empty when it has none."""
    if not channel.credentials_encrypted:
        return {}
    return decrypt_json(channel.credentials_encrypted)


def connectable_accounts(*, force: Force) -> list[Account]:
    """The force's active accounts, each with its channels, for the connections page."""
    return list(
        Account.objects.filter(force=force, is_active=True)
        .select_related("district", "officer")
        .prefetch_related("channels")
        .order_by("kind", "name")
    )


def channels_to_poll(*, network: str | None = None) -> list[Channel]:
    """Active channels on real networks, for the listener."""
    channels = Channel.objects.filter(state=Channel.State.ACTIVE, account__is_active=True).exclude(
        network__in=[Channel.Network.HUB, Channel.Network.SIMULATED]
    )
    if network is not None:
        channels = channels.filter(network=network)
    return list(channels.select_related("account", "force").order_by("pk"))
