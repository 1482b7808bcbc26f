"""Finding the transport for a channel, by convention: ``beatdesk.networks.<network>.transport``
defines ``make_transport(channel) -> Transport``. Adding a network adds a folder, nothing else."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from beatdesk.forces.models import Channel
    from beatdesk.networks.base import Transport


def transport_for(channel: Channel) -> Transport:
    module = importlib.import_module(f"beatdesk.networks.{channel.network}.transport")
    return module.make_transport(channel)
