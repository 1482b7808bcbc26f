"""Reading a channel's secrets. They are stored encrypted (``beatdesk.core.crypto``) in
``Channel.credentials_encrypted`` and decrypted only here, in memory, when a transport is made."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from beatdesk.forces.models import Channel


def channel_credentials(channel: Channel) -> dict:
    if not channel.credentials_encrypted:
        return {}
    from beatdesk.core.crypto import decrypt_json

    return decrypt_json(channel.credentials_encrypted)
