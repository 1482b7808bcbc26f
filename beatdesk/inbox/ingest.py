"""The one way a message enters the inbox, whatever its source (hub form, API, a network).

Triage runs here, synchronously, so a message that may mean danger now is flagged by the
commit that stores it. A network that delivers the same message twice gets the stored one
back: the (channel, network id) pair is unique in the database, so even two concurrent
deliveries store it once.

A batch (a network page, an API request) is classified first, before anything is stored; its
emergencies (with any messages of the batch they answer, so threads stay whole) are then
committed in their own small transaction, ahead of the rest of the batch, so an emergency is
flagged and shown pinned in the inbox without waiting for the messages that arrived with it.
The rest is written together: one lookup for duplicates, one for the messages and posts that
replies answer, one locked read of the conversations they join, one insert for new
conversations, one for messages, and one update per conversation joined.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from beatdesk.audit.services import audit_record
from beatdesk.core.rows import insert_rows, reserve_ids, unsaved, update_rows
from beatdesk.forces.models import Account, Channel, Force, Policy
from beatdesk.inbox.models import (
    PRIORITY_RANK,
    Conversation,
    DistrictInboxSettings,
    DutyStatus,
    Message,
)
from beatdesk.inbox.selectors import ForceTriageData, account_district_id, force_triage_data
from beatdesk.inbox.sla import add_office_minutes

MAX_TEXT = 20_000
KINDS = {choice for choice, _ in Message.Kind.choices}
# A batch whose insert meets a copy another process stored meanwhile is tried again without it.
STORE_ATTEMPTS = 4
# PostgreSQL's SQLSTATE for a transaction stopped to break a deadlock.
DEADLOCK = "40P01"
# The most messages stored in one transaction.
STORE_CHUNK = 100
_CLOSED = (Conversation.Status.RESOLVED, Conversation.Status.SPAM)
# What a further message can change in a stored conversation (``_fold``), written back together.
JOINED_FIELDS = (
    "last_message_at", "last_message_id", "preview", "snoozed_until", "version", "priority",
    "priority_rank", "category", "is_emergency", "status", "awaiting_since", "target_at",
    "district",
)  # fmt: skip


def _clip(value: str | None, size: int) -> str:
    return (value or "")[:size]


def _target(policy: Policy, since: datetime, priority: str) -> datetime | None:
    minutes = policy.target_minutes(priority)
    if minutes is None:
        return None
    return add_office_minutes(
        since, minutes, office_hours=policy.office_hours or None, zone=policy.zone
    )


def _round_robin(conversation: Conversation) -> None:
    """Give a new conversation to the next on-duty member of its district, in turn."""
    from beatdesk.people.models import Officer

    settings_row = (
        DistrictInboxSettings.objects.select_for_update()
        .filter(district_id=conversation.district_id, round_robin=True)
        .first()
    )
    if settings_row is None:
        return
    on_duty = list(
        Officer.objects.filter(
            memberships__district_id=conversation.district_id,
            is_active=True,
            pk__in=DutyStatus.objects.filter(on_duty=True).values("officer_id"),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not on_duty:
        return
    last = settings_row.last_assigned_id or 0
    chosen = next((pk for pk in on_duty if pk > last), on_duty[0])
    settings_row.last_assigned_id = chosen
    settings_row.save(update_fields=["last_assigned"])
    conversation.assignee_id = chosen
    conversation.assigned_at = timezone.now()
    conversation.status = Conversation.Status.OPEN
    conversation.save(update_fields=["assignee", "assigned_at", "status"])
    audit_record(
        actor=None,
        action="conversation.assign",
        obj=conversation,
        data={"assignee": chosen, "by": "round-robin"},
    )


def _send_emergency_guidance(*, message: Message, conversation: Conversation, policy) -> None:
    from beatdesk.publishing.outbox import enqueue_reply

    private = policy.auto_emergency_reply == policy.AutoEmergencyReply.PRIVATE
    guidance = Message.objects.create(
        force_id=message.force_id,
        conversation=conversation,
        channel=message.channel,
        account=message.account,
        direction=Message.Direction.OUT,
        kind=message.kind,
        in_reply_to=message.network_id,
        text=policy.emergency_guidance,
        is_automatic=True,
        is_private=private or conversation.is_private,
        received_at=timezone.now(),
    )
    guidance.delivery = enqueue_reply(channel=message.channel, reply_ref=str(guidance.pk))
    guidance.save(update_fields=["delivery"])
    audit_record(
        actor=None,
        action="conversation.emergency_guidance",
        obj=conversation,
        data={"message": guidance.pk, "private": guidance.is_private},
    )


@dataclass
class _Prepared:
    """One incoming message checked and triaged, ready to store."""

    message: Message

    @property
    def key(self) -> tuple[int, str] | None:
        """The (channel, network id) a network message is stored once under."""
        message = self.message
        if message.channel_id is None or not message.network_id:
            return None
        return (message.channel_id, message.network_id)


def incoming(
    *,
    force: Force,
    channel: Channel | None = None,
    account: Account | None = None,
    network_id: str | None,
    text: str,
    author_handle: str,
    author_name: str = "",
    kind: str = "mention",
    in_reply_to: str | None = None,
    received_at: datetime | None = None,
    raw_html: str | None = None,
    sender_email: str = "",
) -> dict:
    """Check what every incoming message needs (a known kind, some text, a channel and account
    of this force) and return its values as stored: texts clipped to their columns, the
    account addressed (the channel's when none is given), the time received (now when not
    given). Ingestion and the arrivals (``inbox.arrivals``) both start here."""
    if kind not in KINDS:
        raise ValidationError(f"Unknown message kind {kind!r}; use one of {sorted(KINDS)}.")
    if not (text or "").strip():
        raise ValidationError("A message needs some text.")
    if channel is not None:
        if channel.force_id != force.pk:
            raise ValidationError("That channel belongs to another force.")
        if account is None:
            account = channel.account
    if account is not None and account.force_id != force.pk:
        raise ValidationError("That account belongs to another force.")
    return {
        "channel": channel,
        "account": account,
        "kind": kind,
        "network_id": _clip(network_id, 200),
        "in_reply_to": _clip(in_reply_to, 200),
        "text": text[:MAX_TEXT],
        "raw_html": raw_html or "",
        "author_handle": _clip(author_handle, 200),
        "author_name": _clip(author_name, 200),
        "sender_email": _clip(sender_email, 254),
        "received_at": received_at or timezone.now(),
    }


def _prepare(*, force: Force, data: ForceTriageData, contexts: dict, **fields) -> _Prepared:
    """Validate and triage (``fields`` as ``incoming`` takes them); build the (unsaved)
    message."""
    from beatdesk.inbox.triage import classify

    values = incoming(force=force, **fields)
    related = {"force": force, "channel": values.pop("channel"), "account": values.pop("account")}
    home_district_id = account_district_id(data, related["account"])
    # One triage context per home district for the whole batch.
    context = contexts.get(home_district_id)
    if context is None:
        context = contexts[home_district_id] = data.context(account_district_id=home_district_id)
    result = classify(values["text"], context)
    priority = "urgent" if result.is_emergency else result.priority
    district_id = data.district_ids.get(result.district or "") or home_district_id
    message = unsaved(
        Message,
        {
            **values,
            "category": result.category,
            "priority": priority,
            "district_id": district_id,
            "reasons": list(result.reasons),
            "is_emergency": result.is_emergency,
        },
        related,
    )
    return _Prepared(message=message)


def _new_conversation(message: Message, policy: Policy, post_id: int | None = None) -> Conversation:
    return unsaved(
        Conversation,
        {
            "force_id": message.force_id,
            "district_id": message.district_id,
            "post_id": post_id,
            "is_private": message.kind in Message.PRIVATE_KINDS,
            "author_handle": message.author_handle,
            "author_name": message.author_name,
            "contact_email": message.sender_email,
            "preview": message.text[:200],
            "status": Conversation.Status.NEW,
            "priority": message.priority,
            "priority_rank": PRIORITY_RANK[message.priority],
            "category": message.category,
            "is_emergency": message.is_emergency,
            "opened_at": message.received_at,
            "last_message_at": message.received_at,
            "awaiting_since": message.received_at,
            "target_at": _target(policy, message.received_at, message.priority),
        },
        {"account": message.account, "channel": message.channel},
    )


def _fold(conversation: Conversation, message: Message, policy: Policy) -> None:
    """A further message in a conversation (in memory): escalate, reopen, restart the clock if
    answered."""
    if message.received_at >= conversation.last_message_at:
        conversation.last_message_at = message.received_at
        conversation.preview = message.text[:200]
    conversation.snoozed_until = None
    rank = PRIORITY_RANK[message.priority]
    if rank < conversation.priority_rank:
        conversation.priority, conversation.priority_rank = message.priority, rank
    if message.is_emergency:
        conversation.is_emergency = True
        conversation.category = message.category
    elif not conversation.is_emergency:
        conversation.category = message.category
    if conversation.status in (Conversation.Status.WAITING, Conversation.Status.RESOLVED):
        conversation.status = Conversation.Status.OPEN
    conversation.awaiting_since = conversation.awaiting_since or message.received_at
    conversation.target_at = _target(policy, conversation.awaiting_since, conversation.priority)
    if conversation.district_id is None and message.district_id is not None:
        conversation.district_id = message.district_id


def _after_store(
    message: Message, conversation: Conversation, policy: Policy, data: ForceTriageData
) -> None:
    """What a newly stored message may set off: round-robin, the emergency guidance."""
    if message.district_id in data.round_robin_districts and conversation.assignee_id is None:
        _round_robin(conversation)
    if (
        message.is_emergency
        and message.channel_id is not None
        and policy.auto_emergency_reply != Policy.AutoEmergencyReply.OFF
    ):
        _send_emergency_guidance(message=message, conversation=conversation, policy=policy)


def _accounts_in_sessions(force: Force, messages: list[Message]) -> set[int]:
    """Of these messages' accounts, those with a Q&A session still open (one query): only their
    messages can become questions."""
    from beatdesk.qa.models import Session

    candidates = [m for m in messages if m.account_id is not None]
    if not candidates:
        return set()
    accounts = sorted({m.account_id for m in candidates})
    since = min(m.received_at for m in candidates)
    # Written out: the ORM's compiling of this join costs more than running it, every batch.
    through = Session.accounts.through._meta.db_table
    sql = (
        f"SELECT sa.account_id FROM {through} sa JOIN {Session._meta.db_table} s "  # noqa: S608
        "ON s.id = sa.session_id WHERE s.force_id = %s AND s.closed_at IS NULL "
        "AND s.cancelled_at IS NULL AND s.ends_at > %s "
        f"AND sa.account_id IN ({', '.join(['%s'] * len(accounts))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [force.pk, connection.ops.adapt_datetimefield_value(since), *accounts])
        return {row[0] for row in cursor.fetchall()}


def _qa_questions(messages: list[Message], in_sessions: set[int]) -> None:
    """Q&A: during an open session, a mention or its hashtag also becomes a question."""
    from beatdesk.qa.services import question_from_message

    for message in messages:
        if message.account_id in in_sessions:
            question_from_message(message)


def _keyed_rows(keys: set[tuple[int, str]], column: str) -> list[tuple]:
    """``(column, channel_id, network_id)`` of the stored messages with these (channel,
    network id) keys.

    Every batch asks, and almost always finds nothing: written out, because the ORM's compiling
    costs ten times the lookup. ``network_id`` is never empty here; saying so, as the index
    does, lets the database use the partial unique index on (channel, network id)."""
    if not keys:
        return []
    channels = sorted({c for c, _ in keys})
    network_ids = sorted({n for _, n in keys})
    sql = (
        f"SELECT {column}, channel_id, network_id FROM {Message._meta.db_table} "  # noqa: S608
        f"WHERE channel_id IN ({', '.join(['%s'] * len(channels))}) "
        f"AND network_id IN ({', '.join(['%s'] * len(network_ids))}) "
        "AND NOT (network_id = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*channels, *network_ids, ""])
        # The two IN lists also admit pairs across keys (one key's channel, another's id).
        return [row for row in cursor.fetchall() if (row[1], row[2]) in keys]


def _stored_copies(keys: set[tuple[int, str]]) -> dict[tuple[int, str], Message]:
    """Messages already stored under these (channel, network id) keys, marked as duplicates."""
    ids = [pk for pk, _channel, _network_id in _keyed_rows(keys, "id")]
    found = {}
    if ids:
        for message in Message.objects.filter(pk__in=ids).order_by():
            message.was_duplicate = True
            found[(message.channel_id, message.network_id)] = message
    return found


def _stamp_committed(messages: list[Message]) -> None:
    now = time.time()
    for message in messages:
        message.committed_at = now


def message_ingest(
    *,
    force: Force,
    channel: Channel | None = None,
    account: Account | None = None,
    network_id: str | None,
    text: str,
    author_handle: str,
    author_name: str = "",
    kind: str = "mention",
    in_reply_to: str | None = None,
    received_at: datetime | None = None,
    raw_html: str | None = None,
    sender_email: str = "",
) -> Message:
    """Store one incoming message once, triaged, in its conversation; return it."""
    item = {
        "channel": channel,
        "account": account,
        "network_id": network_id,
        "text": text,
        "author_handle": author_handle,
        "author_name": author_name,
        "kind": kind,
        "in_reply_to": in_reply_to,
        "received_at": received_at,
        "raw_html": raw_html,
        "sender_email": sender_email,
    }
    return messages_ingest(force=force, items=[item])[0]


def messages_ingest(
    *, force: Force, items: list[dict], also: Callable[[list[int]], None] | None = None
) -> list[Message]:
    """Store many incoming messages (a network page, an API batch) once each, triaged, in their
    conversations; return them in order (a duplicate delivery returns the stored message, with
    ``was_duplicate`` set). ``also(indexes)`` runs inside each transaction that stores some of
    them, with their indexes in ``items``: what it writes commits with them or not at all (the
    arrivals delete their rows so).

    Everything is validated and classified first (a ValidationError stores nothing). Then the
    emergencies, with the messages of the batch they answer, are committed in their own
    transaction; then the rest, in transactions of at most ``STORE_CHUNK``. Each stored message
    gets ``committed_at`` (``time.time()``) when the transaction that stored it commits: for an
    emergency, the moment it is flagged. (Called inside the caller's own transaction, nothing
    is committed before the caller commits: the intake paths call it outside one.)
    """
    data = force_triage_data(force_id=force.pk)
    contexts: dict = {}
    prepared = [_prepare(force=force, data=data, contexts=contexts, **fields) for fields in items]
    results: list[Message | None] = [None] * len(prepared)

    # Duplicates: of a stored message (one query), or of an earlier message of the batch.
    stored = _stored_copies({p.key for p in prepared if p.key is not None})
    first_of: dict[tuple[int, str], int] = {}
    copies: dict[int, int] = {}
    todo: list[int] = []
    for index, item in enumerate(prepared):
        key = item.key
        if key is not None:
            if key in stored:
                results[index] = stored[key]
                continue
            if key in first_of:
                copies[index] = first_of[key]
                continue
            first_of[key] = index
        todo.append(index)

    in_sessions = _accounts_in_sessions(force, [prepared[i].message for i in todo])
    urgent = _emergencies_first(prepared, todo, first_of)
    if urgent:
        _store(force, data, in_sessions, prepared, urgent, results, also)
        chosen = set(urgent)
        todo = [index for index in todo if index not in chosen]
    # The rest in transactions of at most STORE_CHUNK, so none holds SQLite's one write lock
    # (or a conversation's row lock) for long while another process has an emergency to commit.
    for start in range(0, len(todo), STORE_CHUNK):
        chunk = todo[start : start + STORE_CHUNK]
        _store(force, data, in_sessions, prepared, chunk, results, also)
    for index, first in copies.items():
        duplicate = copy.copy(results[first])
        duplicate.was_duplicate = True
        results[index] = duplicate
    return results  # type: ignore[return-value]


def _emergencies_first(
    prepared: list[_Prepared], todo: list[int], first_of: dict[tuple[int, str], int]
) -> list[int]:
    """The batch's emergencies and, so a thread stays whole, the earlier messages of the batch
    they answer (and those answer), in arrival order."""
    chosen: set[int] = set()
    for index in todo:
        if not prepared[index].message.is_emergency:
            continue
        current: int | None = index
        while current is not None and current not in chosen:
            chosen.add(current)
            message = prepared[current].message
            parent = None
            if message.in_reply_to and message.channel_id is not None:
                parent = first_of.get((message.channel_id, message.in_reply_to))
            current = parent if parent is not None and parent < current else None
    return sorted(chosen)


def _store(
    force: Force,
    data: ForceTriageData,
    in_sessions: set[int],
    prepared: list[_Prepared],
    indexes: list[int],
    results: list[Message | None],
    also: Callable[[list[int]], None] | None = None,
) -> None:
    """Store the messages at ``indexes`` in one transaction, into ``results``. When another
    process stored a copy of one of them meanwhile, that copy is the stored one and the rest
    are tried again."""
    for attempt in range(STORE_ATTEMPTS):
        batch = [prepared[i] for i in indexes]
        within = partial(also, list(indexes)) if also is not None else None
        try:
            messages = _store_batch(batch, force, data, in_sessions, within)
        except (IntegrityError, OperationalError) as exc:
            # PostgreSQL: two batches inserting the same messages in different orders can each
            # wait for the other's uncommitted copy; one is stopped as a deadlock and tried again.
            deadlock = getattr(exc.__cause__, "sqlstate", None) == DEADLOCK
            if isinstance(exc, OperationalError) and not deadlock:
                raise
            for item in batch:
                item.message.pk = None
                item.message.conversation_id = None
                item.message._state.adding = True
                item.message._state.fields_cache.pop("conversation", None)
            found = _stored_copies({item.key for item in batch if item.key is not None})
            if (not found and not deadlock) or attempt == STORE_ATTEMPTS - 1:
                raise
            remaining = []
            for index in indexes:
                key = prepared[index].key
                if key in found:
                    results[index] = found[key]
                else:
                    remaining.append(index)
            indexes = remaining
            if not indexes:
                return
            continue
        for index, message in zip(indexes, messages, strict=True):
            results[index] = message
        return


def _store_batch(
    batch: list[_Prepared],
    force: Force,
    data: ForceTriageData,
    in_sessions: set[int],
    within: Callable[[], None] | None = None,
) -> list[Message]:
    """Write messages (none stored yet, no two alike) and their conversations together."""
    policy = force.policy
    messages = [item.message for item in batch]
    found = _lookups(batch, force)
    with transaction.atomic():
        conversations, created, joined = _place(batch, policy, found)
        # A new conversation points at its latest message, which is inserted after it. Where
        # the database hands out ids ahead (PostgreSQL), the messages' ids are taken first and
        # the conversations are inserted complete; otherwise they are updated once the
        # messages are in (on PostgreSQL that update would rewrite every index of the row).
        # Rows whose ids are known go in by COPY (``insert_rows``).
        ids = reserve_ids(Message, len(messages)) if created else None
        if ids is not None:
            for message, pk in zip(messages, ids, strict=True):
                message.pk = pk
            for conversation, pk in zip(
                created, reserve_ids(Conversation, len(created)), strict=True
            ):
                conversation.pk = pk
            newest = _newest(messages, conversations)
            for conversation in created:
                conversation.last_message_id = newest[id(conversation)]
        if created:
            insert_rows(Conversation, created)
        for message, conversation in zip(messages, conversations, strict=True):
            message.conversation = conversation
        insert_rows(Message, messages)
        if ids is None:
            newest = _newest(messages, conversations)
            for conversation in created:
                conversation.last_message_id = newest[id(conversation)]
            update_rows(created, ["last_message_id"])
        # The joined conversations were read locked in this transaction: their versions are
        # current, and nobody else can move them before the commit.
        for conversation, count in joined.values():
            conversation.last_message_id = max(
                conversation.last_message_id or 0, newest[id(conversation)]
            )
            conversation.version += count
        update_rows([conversation for conversation, _ in joined.values()], JOINED_FIELDS)
        for message, conversation in zip(messages, conversations, strict=True):
            if message.is_emergency or message.district_id in data.round_robin_districts:
                _after_store(message, conversation, policy, data)
        _qa_questions(messages, in_sessions)
        if within is not None:
            within()
        transaction.on_commit(lambda: _stamp_committed(messages))
    return messages


def _newest(messages: list[Message], conversations: list[Conversation]) -> dict[int, int]:
    """The id of each conversation's newest message of the batch (the messages have their ids),
    by the conversation object's identity: new conversations may have no id yet."""
    newest: dict[int, int] = {}
    for message, conversation in zip(messages, conversations, strict=True):
        key = id(conversation)
        newest[key] = max(newest.get(key, 0), message.pk)
    return newest


@dataclass
class _Found:
    """What a batch's replies and direct messages may join, as stored before the batch."""

    position: dict[tuple[int, str], int]
    parent_of: dict[tuple[int, str], int]
    deliveries: dict[str, list[tuple]]
    reply_conversation: dict[int, int]
    private_of: dict[tuple[int, str], int]


def _lookups(batch: list[_Prepared], force: Force) -> _Found:
    """Read (before the batch's transaction, so SQLite's one writer waits less) the stored
    messages the replies answer, our posts and replies they answer, and the open private
    conversations of direct messages' senders: at most four queries."""
    from beatdesk.publishing.models import Delivery

    messages = [item.message for item in batch]
    position = {item.key: i for i, item in enumerate(batch) if item.key is not None}

    # Stored messages that replies answer (one query).
    parent_of: dict[tuple[int, str], int] = {}
    wanted = {
        (m.channel_id, m.in_reply_to)
        for m in messages
        if m.in_reply_to and m.channel_id is not None
        and (m.channel_id, m.in_reply_to) not in position
    }  # fmt: skip
    for conversation_id, channel_id, network_id in _keyed_rows(wanted, "conversation_id"):
        parent_of[(channel_id, network_id)] = conversation_id

    # Our own posts and replies that the others answer (one or two queries).
    unresolved = {
        m.in_reply_to
        for i, m in enumerate(messages)
        if m.in_reply_to
        and (m.channel_id is None or (
            position.get((m.channel_id, m.in_reply_to), len(batch)) >= i
            and (m.channel_id, m.in_reply_to) not in parent_of
        ))
    }  # fmt: skip
    deliveries: dict[str, list[tuple]] = {}
    reply_conversation: dict[int, int] = {}
    if unresolved:
        for row in Delivery.objects.filter(force=force, network_id__in=unresolved).values_list(
            "pk", "channel_id", "network_id", "action", "post_id"
        ):
            deliveries.setdefault(row[2], []).append(row)
        reply_ids = [
            row[0]
            for rows in deliveries.values()
            for row in rows
            if row[3] == Delivery.Action.REPLY
        ]
        if reply_ids:
            for delivery_id, conversation_id in (
                Message.objects.filter(delivery_id__in=reply_ids)
                .order_by("-received_at", "-id")
                .values_list("delivery_id", "conversation_id")
            ):
                reply_conversation[delivery_id] = conversation_id  # the first one wins

    # Open private conversations of direct messages' senders (one query).
    private_of: dict[tuple[int, str], int] = {}
    directs = [m for m in messages if m.kind == Message.Kind.DIRECT and m.channel_id is not None]
    if directs:
        for pk, channel_id, handle in (
            Conversation.objects.filter(
                force=force,
                channel_id__in={m.channel_id for m in directs},
                is_private=True,
                author_handle__in={m.author_handle for m in directs},
            )
            .exclude(status__in=_CLOSED)
            .order_by("last_message_at", "pk")
            .values_list("pk", "channel_id", "author_handle")
        ):
            private_of[(channel_id, handle)] = pk  # the most recent wins

    return _Found(position, parent_of, deliveries, reply_conversation, private_of)


def _place(
    batch: list[_Prepared], policy: Policy, found: _Found
) -> tuple[list[Conversation], list[Conversation], dict[int, tuple[Conversation, int]]]:
    """The conversation each message goes into, in order: the thread of the message it answers
    (stored or earlier in the batch), a post of ours it answers (a new conversation under it),
    a direct message's open private conversation, or a new one. Returns them, the new ones
    (unsaved, already folded with the batch's later messages) and the stored ones joined
    (locked, folded, with how many messages joined each)."""
    from beatdesk.publishing.models import Delivery

    messages = [item.message for item in batch]
    position, parent_of, deliveries = found.position, found.parent_of, found.deliveries
    reply_conversation, private_of = found.reply_conversation, found.private_of
    # The stored conversations that may be joined, locked (in id order, so two processes
    # never wait for each other in a circle).
    ids = set(parent_of.values()) | set(reply_conversation.values()) | set(private_of.values())
    stored = {}
    if ids:
        sql = (
            f"SELECT * FROM {Conversation._meta.db_table} "  # noqa: S608
            f"WHERE id IN ({', '.join(['%s'] * len(ids))}) ORDER BY id"
        )
        if connection.features.has_select_for_update:
            sql += " FOR UPDATE"
        stored = {c.pk: c for c in Conversation.objects.raw(sql, sorted(ids))}

    conversations: list[Conversation] = []
    created: list[Conversation] = []
    joined: dict[int, tuple[Conversation, int]] = {}
    counts: dict[int, int] = {}
    private_in_batch: dict[tuple[int, str], Conversation] = {}
    for i, message in enumerate(messages):
        conversation, post_id = None, None
        if message.in_reply_to:
            key = (message.channel_id, message.in_reply_to)
            earlier = position.get(key, len(batch)) if message.channel_id is not None else None
            if earlier is not None and earlier < i:
                conversation = conversations[earlier]
            elif message.channel_id is not None and key in parent_of:
                conversation = stored.get(parent_of[key])
            else:
                delivery = next(
                    (
                        row
                        for row in deliveries.get(message.in_reply_to, ())
                        if message.channel_id is None or row[1] == message.channel_id
                    ),
                    None,
                )
                if delivery is not None:
                    if delivery[3] == Delivery.Action.REPLY:
                        conversation = stored.get(reply_conversation.get(delivery[0]))
                    else:
                        post_id = delivery[4]
        if (
            conversation is None
            and message.kind == Message.Kind.DIRECT
            and message.channel_id is not None
        ):
            handle = (message.channel_id, message.author_handle)
            conversation = private_in_batch.get(handle) or stored.get(private_of.get(handle))
        if conversation is None:
            conversation = _new_conversation(message, policy, post_id)
            created.append(conversation)
        else:
            _fold(conversation, message, policy)
            counts[id(conversation)] = counts.get(id(conversation), 0) + 1
            if conversation.pk is not None:
                joined[conversation.pk] = (conversation, counts[id(conversation)])
            else:
                conversation.version = counts[id(conversation)]
        if conversation.is_private and not conversation.is_closed:
            private_in_batch[(conversation.channel_id, conversation.author_handle)] = conversation
        conversations.append(conversation)
    return conversations, created, joined
