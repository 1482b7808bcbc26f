"""The backlog in front of ingestion: a burst is taken in at once and triaged most urgent first.

``inbox.ingest.messages_ingest`` triages a batch in the order it is handed over. When a source
hands over far more than ingestion takes in a second (a feed pushing thousands of messages, a
network's backlog after an outage), a message at the end of that burst would wait for every
message before it to be triaged, an emergency included. ``messages_receive`` instead checks
each message, takes a cheap first reading of how likely it is an emergency
(``triage.urgency``: about a twentieth of the cost of triage; it orders, it never decides) and
stores it as an ``Arrival``, all in one insert. The worker's ``inbox.arrivals`` job
(``arrivals_drain``) claims the most urgent arrivals waiting, hands them to ``messages_ingest``
(the one way in: duplicates, threads, full triage, emergencies committed first) and deletes them.

- A claim is a lease (``LEASE_SECONDS``) won by a conditional UPDATE (with ``SKIP LOCKED`` on
  PostgreSQL), so two workers never drain the same arrival, and the arrivals of a worker that
  died are drained again when its lease runs out. A network message (one with a network id) is
  stored once however often it is drained; any message's arrival is deleted in the
  transaction that stores it, so a worker that dies never leaves a stored message waiting.
- Threads stay whole: an arrival that answers another arrival still waiting (same channel, the
  other's network id) is claimed with it, and each batch goes to ingestion in arrival order.
- A message that cannot be stored loses nothing: its arrival stays, the error is logged, and
  it is tried again when the lease runs out; the rest of the backlog goes on.
- The table is a queue: its references to force, channel and account have no constraints in
  the database (their checks were half the database's work for each arrival). The ORM protects
  them as usual; a channel or account deleted behind its back is read as none, and the
  arrivals of a force deleted so are dropped with a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from beatdesk.core.rows import insert_values
from beatdesk.forces.models import Account, Channel, Force
from beatdesk.inbox.ingest import incoming, messages_ingest
from beatdesk.inbox.models import Arrival, Message

logger = logging.getLogger("beatdesk.inbox")

# How many arrivals one drain hands to ingestion (before the replies' waiting parents).
DRAIN_BATCH = 100
# A claimed arrival belongs to its worker for this long.
LEASE_SECONDS = 120
# How far up a thread of waiting arrivals a claim follows replies to their parents.
MAX_THREAD_DEPTH = 20
# What ingestion is given besides the channel, account and time of arrival.
FIELDS = (
    "network_id", "in_reply_to", "kind", "text", "author_handle", "author_name",
    "sender_email", "raw_html",
)  # fmt: skip
# The columns a claim returns, in this order (``_item`` reads them by position).
COLUMNS = ("id", "force_id", "channel_id", "account_id", "received_at", *FIELDS)


# The columns an arrival is written with (``_arrival`` gives its values in this order).
WRITTEN = (
    "force_id", "channel_id", "account_id", "received_at", "urgency", "taken_in_at", *FIELDS,
)  # fmt: skip


def _arrival(force: Force, urgency: Callable[[str], float], now: datetime, fields: dict) -> list:
    """A checked incoming message (``fields`` as ``ingest.incoming`` takes them), read for
    urgency and taken in ``now``: its values in the order of ``WRITTEN``."""
    values = incoming(force=force, **fields)
    channel, account = values["channel"], values["account"]
    return [
        force.pk,
        channel.pk if channel is not None else None,
        account.pk if account is not None else None,
        values["received_at"],
        urgency(values["text"]),
        now,
        *map(values.__getitem__, FIELDS),
    ]


def messages_receive(*, force: Force, items: list[dict]) -> int:
    """Take in many incoming messages (the fields ``messages_ingest`` takes) for the worker to
    triage and store, most urgent first; the number taken in.

    Every message is checked first: a ValidationError takes in none of them.
    """
    # Here, not at the top: the triage patterns take a quarter of a second to import.
    from beatdesk.inbox.triage import urgency
    from beatdesk.jobs.registry import wake

    now = timezone.now()
    rows = [_arrival(force, urgency, now, fields) for fields in items]
    if not rows:
        return 0
    with transaction.atomic():
        insert_values(Arrival, WRITTEN, rows)
        transaction.on_commit(wake)
    return len(rows)


def _waiting(now: datetime) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def _claim_sql(where: str, limit: bool) -> str:
    """One statement that wins waiting arrivals (the most urgent, or those ``where`` picks) and
    returns their rows (``COLUMNS``). On PostgreSQL rows another worker is claiming are
    skipped."""
    table = Arrival._meta.db_table
    waiting = "(claimed_until IS NULL OR claimed_until < %s)"
    lock = (
        " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    )
    pick = f"SELECT id FROM {table} WHERE {waiting}{where}"  # noqa: S608
    if limit:
        pick += " ORDER BY urgency DESC, id LIMIT %s"
    return (
        f"UPDATE {table} SET claimed_until = %s "  # noqa: S608
        f"WHERE id IN ({pick}{lock}) AND {waiting} "
        f"RETURNING {', '.join(COLUMNS)}"
    )


def _claim(now: datetime, limit: int) -> list[tuple]:
    """Win up to ``limit`` of the most urgent waiting arrivals, and the waiting arrivals their
    replies answer (up a thread); their rows (``COLUMNS``).

    Written out: one statement claims and returns, where the ORM would take three (this runs
    for every hundred messages of a burst)."""
    at = connection.ops.adapt_datetimefield_value(now)
    until = connection.ops.adapt_datetimefield_value(now + timedelta(seconds=LEASE_SECONDS))
    won: list[tuple] = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_claim_sql("", limit=True), [until, at, limit, at])
        rows = cursor.fetchall()
        for _ in range(MAX_THREAD_DEPTH):
            won += rows
            keys = {(row[2], row[6]) for row in rows if row[2] and row[6]}
            if not keys:
                break
            channels = sorted({c for c, _ in keys})
            parents = sorted({p for _, p in keys})
            where = (
                f" AND channel_id IN ({', '.join(['%s'] * len(channels))})"
                f" AND network_id IN ({', '.join(['%s'] * len(parents))})"
            )
            cursor.execute(_claim_sql(where, limit=False), [until, at, *channels, *parents, at])
            # The two IN lists also admit pairs across keys; such a row is simply drained now.
            rows = cursor.fetchall()
    return won


def _item(row: tuple, channels: dict, accounts: dict) -> dict:
    item = dict(zip(FIELDS, row[5:], strict=True))
    received_at = row[4]
    if isinstance(received_at, str):  # SQLite returns the stored text
        received_at = parse_datetime(received_at)
    if timezone.is_naive(received_at):  # stored in UTC where the database keeps no zone
        received_at = timezone.make_aware(received_at, UTC)
    item.update(
        channel=channels.get(row[2]),
        account=accounts.get(row[3]),
        network_id=item["network_id"] or None,
        in_reply_to=item["in_reply_to"] or None,
        received_at=received_at,
    )
    return item


def arrivals_drain(*, limit: int = DRAIN_BATCH) -> list[Message]:
    """Claim the most urgent waiting arrivals, store them through ingestion (in arrival order,
    force by force) and delete them; return the messages stored (a duplicate delivery returns
    the stored one, as ingestion does)."""
    now = timezone.now()
    # A cheap read first: on SQLite the claim's transaction takes the one write lock.
    if not Arrival.objects.filter(_waiting(now)).exists():
        return []
    rows = sorted(_claim(now, limit))
    if not rows:
        return []
    forces = Force.objects.select_related("policy").in_bulk({row[1] for row in rows})
    channels = Channel.objects.in_bulk({row[2] for row in rows if row[2]})
    accounts = Account.objects.in_bulk({row[3] for row in rows if row[3]})
    by_force: dict[int, list[tuple]] = {}
    for row in rows:
        by_force.setdefault(row[1], []).append(row)
    stored: list[Message] = []
    for force_id, group in by_force.items():
        force = forces.get(force_id)
        if force is None:
            # Deleted without the ORM (which would have refused): nowhere to store them.
            logger.warning("%s arrivals of a force that no longer exists are dropped", len(group))
            Arrival.objects.filter(pk__in=[row[0] for row in group]).delete()
            continue
        stored += _store(force, group, channels, accounts)
    return stored


def _store(force: Force, group: list[tuple], channels: dict, accounts: dict) -> list[Message]:
    """One force's claimed arrivals into the inbox, deleting each stored one. When the batch
    fails, each arrival is tried on its own, so one bad message holds back only itself."""

    deleted: set[int] = set()

    def delete_stored(indexes: list[int]) -> None:
        # In the transaction that stores them: a message is never stored with its arrival left.
        Arrival.objects.filter(pk__in=[group[i][0] for i in indexes]).delete()
        transaction.on_commit(lambda: deleted.update(indexes))

    try:
        messages = messages_ingest(
            force=force,
            items=[_item(row, channels, accounts) for row in group],
            also=delete_stored,
        )
    except Exception:
        if len(group) == 1:
            logger.exception(
                "arrival %s could not be stored; it is tried again in %s s",
                group[0][0],
                LEASE_SECONDS,
            )
            return []
        messages = []
        for row in group:
            messages += _store(force, [row], channels, accounts)
        return messages
    # The rest: duplicate deliveries of messages already stored.
    rest = [row[0] for index, row in enumerate(group) if index not in deleted]
    if rest:
        Arrival.objects.filter(pk__in=rest).delete()
    return messages
