"""The one way a message enters the inbox, whatever its source (hub form, API, a network).

Triage runs here, synchronously, so a message that may mean danger now is flagged in the same
transaction that stores it. A network that delivers the same message twice gets the stored one
back: the (channel, network id) pair is unique in the database, so even two concurrent
deliveries store it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from beatdesk.audit.services import audit_record
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


def _clip(value: str | None, size: int) -> str:
    return (value or "")[:size]


def _find_parent_conversation(
    *, force: Force, channel: Channel | None, in_reply_to: str
) -> tuple[Conversation | None, object | None]:
    """The conversation a reply joins, or the post (ours) it answers."""
    from beatdesk.publishing.models import Delivery

    if channel is not None:
        parent = (
            Message.objects.filter(channel=channel, network_id=in_reply_to)
            .select_related("conversation")
            .first()
        )
        if parent is not None:
            return parent.conversation, None
    deliveries = Delivery.objects.filter(force=force, network_id=in_reply_to)
    if channel is not None:
        deliveries = deliveries.filter(channel=channel)
    delivery = deliveries.select_related("post").first()
    if delivery is None:
        return None, None
    if delivery.action == Delivery.Action.REPLY:
        ours = Message.objects.filter(delivery=delivery).select_related("conversation").first()
        if ours is not None:
            return ours.conversation, None
        return None, None
    return None, delivery.post


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
    conversation: Conversation | None = None
    in_reply_to: str = ""


def _prepare(
    *,
    force: Force,
    data: ForceTriageData,
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
) -> _Prepared:
    """Validate and triage; build the (unsaved) message and the conversation it would start."""
    from beatdesk.inbox.triage import classify

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
    text = text[:MAX_TEXT]
    received_at = received_at or timezone.now()
    home_district_id = account_district_id(data, account)
    result = classify(text, data.context(account_district_id=home_district_id))
    priority = "urgent" if result.is_emergency else result.priority
    district_id = data.district_ids.get(result.district or "") or home_district_id
    author_handle, author_name = _clip(author_handle, 200), _clip(author_name, 200)
    message = Message(
        force=force,
        channel=channel,
        account=account,
        kind=kind,
        network_id=_clip(network_id, 200),
        in_reply_to=_clip(in_reply_to, 200),
        text=text,
        raw_html=raw_html or "",
        author_handle=author_handle,
        author_name=author_name,
        sender_email=_clip(sender_email, 254),
        category=result.category,
        priority=priority,
        district_id=district_id,
        reasons=list(result.reasons),
        is_emergency=result.is_emergency,
        received_at=received_at,
    )
    return _Prepared(message=message, in_reply_to=message.in_reply_to)


def _new_conversation(message: Message, policy: Policy, post=None) -> Conversation:
    return Conversation(
        force_id=message.force_id,
        account=message.account,
        channel=message.channel,
        district_id=message.district_id,
        post=post,
        is_private=message.kind in Message.PRIVATE_KINDS,
        author_handle=message.author_handle,
        author_name=message.author_name,
        contact_email=message.sender_email,
        preview=message.text[:200],
        status=Conversation.Status.NEW,
        priority=message.priority,
        priority_rank=PRIORITY_RANK[message.priority],
        category=message.category,
        is_emergency=message.is_emergency,
        opened_at=message.received_at,
        last_message_at=message.received_at,
        awaiting_since=message.received_at,
        target_at=_target(policy, message.received_at, message.priority),
    )


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


def _stored_copy(message: Message) -> Message | None:
    if not message.network_id or message.channel_id is None:
        return None
    existing = Message.objects.filter(
        channel_id=message.channel_id, network_id=message.network_id
    ).first()
    if existing is not None:
        existing.was_duplicate = True
    return existing


def _store_one(prepared: _Prepared, force: Force, data: ForceTriageData) -> Message:
    message, policy = prepared.message, force.policy
    try:
        with transaction.atomic():
            conversation, post = (None, None)
            if prepared.in_reply_to:
                conversation, post = _find_parent_conversation(
                    force=force, channel=message.channel, in_reply_to=prepared.in_reply_to
                )
            if (
                conversation is None
                and message.kind == Message.Kind.DIRECT
                and message.channel_id is not None
            ):
                conversation = (
                    Conversation.objects.filter(
                        force=force,
                        channel_id=message.channel_id,
                        is_private=True,
                        author_handle=message.author_handle,
                    )
                    .exclude(status__in=[Conversation.Status.RESOLVED, Conversation.Status.SPAM])
                    .order_by("-last_message_at")
                    .first()
                )
            created = conversation is None
            if created:
                conversation = _new_conversation(message, policy, post)
                conversation.save()
            message.conversation = conversation
            message.save()
            if created:
                Conversation.objects.filter(pk=conversation.pk).update(last_message_id=message.pk)
            else:
                _join(conversation, message, policy)
            _after_store(message, conversation, policy, data)
    except IntegrityError:
        # Another delivery of the same network message won the race; it is the stored one.
        existing = _stored_copy(message)
        if existing is not None:
            return existing
        raise
    return message


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
    data = force_triage_data(force_id=force.pk)
    prepared = _prepare(
        force=force,
        data=data,
        channel=channel,
        account=account,
        network_id=network_id,
        text=text,
        author_handle=author_handle,
        author_name=author_name,
        kind=kind,
        in_reply_to=in_reply_to,
        received_at=received_at,
        raw_html=raw_html,
        sender_email=sender_email,
    )
    return _store_one(prepared, force, data)


def messages_ingest(*, force: Force, items: list[dict]) -> list[Message]:
    """Store many incoming messages (a network page, an API batch) with the same guarantees as
    ``message_ingest``, in order; messages that start a conversation are written together.
    """
    data = force_triage_data(force_id=force.pk)
    prepared = [_prepare(force=force, data=data, **fields) for fields in items]
    keys = {(p.message.channel_id, p.message.network_id) for p in prepared}
    keys = {key for key in keys if key[0] is not None and key[1]}
    stored: dict[tuple, Message] = {}
    if keys:
        for found in Message.objects.filter(
            channel_id__in={c for c, _ in keys}, network_id__in={n for _, n in keys}
        ):
            if (found.channel_id, found.network_id) in keys:
                found.was_duplicate = True
                stored[(found.channel_id, found.network_id)] = found
    results: list[Message | None] = [None] * len(prepared)
    pending: list[int] = []

    def flush() -> None:
        if pending:
            for index, message in zip(pending, _store_many([prepared[i] for i in pending],
                                                           force, data), strict=True):  # fmt: skip
                results[index] = message
                stored.setdefault((message.channel_id, message.network_id), message)
            pending.clear()

    for index, item in enumerate(prepared):
        message = item.message
        key = (message.channel_id, message.network_id)
        if key in stored or (message.network_id and any(
            (prepared[i].message.channel_id, prepared[i].message.network_id) == key
            for i in pending
        )):  # fmt: skip
            flush()
            found = stored[key]
            results[index] = (
                found if getattr(found, "was_duplicate", False) else _stored_copy(message)
            )
            continue
        if item.in_reply_to or message.kind == Message.Kind.DIRECT:
            # Threading needs its parent stored first, when the parent is in this batch.
            if any(prepared[i].message.network_id == item.in_reply_to for i in pending):
                flush()
            results[index] = _store_one(item, force, data)
            stored.setdefault(key, results[index])
            continue
        pending.append(index)
    flush()
    return [r for r in results if r is not None]


def _store_many(batch: list[_Prepared], force: Force, data: ForceTriageData) -> list[Message]:
    """Messages that each start a conversation, written in three statements."""
    policy = force.policy
    try:
        with transaction.atomic():
            conversations = [_new_conversation(p.message, policy) for p in batch]
            Conversation.objects.bulk_create(conversations)
            messages = []
            for item, conversation in zip(batch, conversations, strict=True):
                item.message.conversation = conversation
                messages.append(item.message)
            Message.objects.bulk_create(messages)
            Conversation.objects.filter(pk__in=[c.pk for c in conversations]).update(
                last_message_id=Subquery(
                    Message.objects.filter(conversation=OuterRef("pk"))
                    .order_by("-id")
                    .values("id")[:1]
                )
            )
            for message, conversation in zip(messages, conversations, strict=True):
                if message.is_emergency or message.district_id in data.round_robin_districts:
                    _after_store(message, conversation, policy, data)
            return messages
    except IntegrityError:
        # A copy of one of them arrived meanwhile through another process: one at a time.
        for item in batch:
            item.message.pk = None
            item.message._state.adding = True
        return [_store_one(item, force, data) for item in batch]


def _join(conversation: Conversation, message: Message, policy: Policy) -> None:
    """A further message in a conversation: escalate, reopen, restart the clock if answered."""
    # Locked (on PostgreSQL) so two messages joining at once both count.
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    updates: dict = {
        "last_message_at": max(conversation.last_message_at, message.received_at),
        "last_message_id": message.pk,
        "preview": message.text[:200],
        "snoozed_until": None,
        "version": F("version") + 1,
    }
    rank = PRIORITY_RANK[message.priority]
    if rank < conversation.priority_rank:
        updates.update(priority=message.priority, priority_rank=rank)
    priority = updates.get("priority", conversation.priority)
    if message.is_emergency:
        updates.update(is_emergency=True, category=message.category)
    elif not conversation.is_emergency:
        updates["category"] = message.category
    if conversation.status in (Conversation.Status.WAITING, Conversation.Status.RESOLVED):
        updates["status"] = Conversation.Status.OPEN
    awaiting = conversation.awaiting_since or message.received_at
    updates["awaiting_since"] = awaiting
    updates["target_at"] = _target(policy, awaiting, priority)
    if conversation.district_id is None and message.district_id is not None:
        updates["district_id"] = message.district_id
    Conversation.objects.filter(pk=conversation.pk).update(**updates)
