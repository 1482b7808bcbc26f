"""Listening: a poll per connected channel feeds the inbox's ingestion service.

Each channel keeps its own cursor (``config["cursor"]``), stored only after every message
fetched with it has been handed to the inbox: a crash in between fetches them again, and the
inbox stores a message once per (channel, network id), so nothing is lost and nothing doubled.

A poll that brings more than ``BACKLOG`` messages (a backlog read page after page after an
outage) is taken in at once by the inbox's arrivals and triaged most urgent first (decision
0093), so an emergency near its end is not triaged after everything before it.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

from beatdesk.forces.models import Channel
from beatdesk.jobs.registry import job
from beatdesk.networks.base import AuthError, RateLimited, TransportError
from beatdesk.networks.registry import transport_for
from beatdesk.networks.selectors import channels_to_poll
from beatdesk.networks.services import channel_cursor_store

logger = logging.getLogger("beatdesk.networks")

# How long a channel waits between two polls. Mastodon allows an account 300 calls in five
# minutes and Bluesky 3,000, so their mentions are fetched every 10 s (30 calls in five minutes,
# one a poll): a message that may be an emergency waits at most that long to reach the inbox.
# X's mention timeline allows far fewer calls, and Facebook pushes by webhook (its poll only
# catches up), so they stay at a minute.
POLL_SECONDS = 60
FREQUENT_POLL_SECONDS = 10
FREQUENT_NETWORKS = frozenset({Channel.Network.MASTODON, Channel.Network.BLUESKY})
# More messages than ingestion triages in about a tenth of a second: taken in as arrivals.
BACKLOG = 200


def _inbox_function(module: str, name: str) -> Callable | None:
    """``beatdesk.inbox.<module>.<name>``, when the inbox is installed and offers it."""
    try:
        found = importlib.import_module(f"beatdesk.inbox.{module}")
    except ImportError:
        return None
    return getattr(found, name, None)


def _ingest_function() -> Callable | None:
    """The inbox's ingestion of one page of messages, when the inbox is installed."""
    batch = _inbox_function("ingest", "messages_ingest")
    if batch is not None:
        return batch
    single = _inbox_function("ingest", "message_ingest")
    if single is None:
        return None

    def one_by_one(*, force, items: list[dict]) -> list:
        return [single(force=force, **item) for item in items]

    return one_by_one


def _resting_key(channel: Channel) -> str:
    return f"networks:poll-after:{channel.pk}"


def poll_channel(channel: Channel, *, ingest: Callable) -> int:
    """Fetch one channel's new messages into the inbox; the number handed over."""
    if (cache.get(_resting_key(channel)) or 0) > time.time():
        return 0
    try:
        transport = transport_for(channel)
    except ModuleNotFoundError:
        return 0  # a network without a connector yet
    fetch = getattr(transport, "fetch", None)
    if not callable(fetch):
        return 0
    cursor = (channel.config or {}).get("cursor")
    try:
        result = fetch(cursor=cursor)
    except AuthError as exc:
        # The outbox's own path: the channel is marked and the account's leads are told.
        from beatdesk.publishing.outbox import channel_needs_reconnect

        with transaction.atomic():
            channel_needs_reconnect(channel, str(exc))
        logger.warning("channel %s needs reconnecting: %s", channel.pk, exc)
        return 0
    except RateLimited as exc:
        wait = exc.retry_after or POLL_SECONDS
        cache.set(_resting_key(channel), time.time() + wait, timeout=int(wait) + 1)
        logger.info("channel %s rate limited for %.0f s", channel.pk, wait)
        return 0
    except TransportError as exc:
        logger.warning("polling channel %s failed, trying again later: %s", channel.pk, exc)
        return 0
    ingest_incoming(channel, result.messages, ingest=ingest)
    if result.cursor != cursor:
        channel_cursor_store(channel=channel, cursor=result.cursor)
    return len(result.messages)


def ingest_incoming(channel: Channel, messages, *, ingest: Callable | None = None) -> int:
    """Hand a channel's incoming messages (polled, or pushed by a webhook) to the inbox: a
    backlog (more than ``BACKLOG``) to be triaged most urgent first, the rest straight in."""
    ingest = ingest or _ingest_function()
    if ingest is None or not messages:
        return 0
    items = [
        {
            "channel": channel,
            "network_id": message.network_id,
            "text": message.text,
            "author_handle": message.author_handle,
            "author_name": message.author_name,
            "kind": message.kind,
            "in_reply_to": message.in_reply_to,
            "received_at": message.created_at,
            "raw_html": message.raw_html,
        }
        for message in messages
    ]
    # Taken in at once (stored now, triaged most urgent first by the worker) when it can be.
    receive = _inbox_function("arrivals", "messages_receive") if len(items) > BACKLOG else None
    (receive or ingest)(force=channel.force, items=items)
    return len(messages)


def _poll(*, frequent: bool) -> int:
    ingest = _ingest_function()
    if ingest is None:
        return 0
    handed = 0
    for channel in channels_to_poll():
        if (channel.network in FREQUENT_NETWORKS) is not frequent:
            continue
        try:
            handed += poll_channel(channel, ingest=ingest)
        except Exception:
            # One channel's failure must not starve the others; it is retried next round.
            logger.exception("polling channel %s failed", channel.pk)
    return handed


@job("networks.poll", every=POLL_SECONDS)
def poll_networks() -> int:
    """Every active connected channel on X and Facebook, once; the number of messages handed
    to the inbox."""
    return _poll(frequent=False)


@job("networks.poll.frequent", every=FREQUENT_POLL_SECONDS)
def poll_networks_frequently() -> int:
    """Every active connected channel on Mastodon and Bluesky, once."""
    return _poll(frequent=True)
