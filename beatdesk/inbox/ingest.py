"""The one way a message enters the inbox, whatever its source (hub form, API, a network).

Triage runs here, synchronously, so a message that may mean danger now is flagged in the same
transaction that stores it. A network that delivers the same message twice gets the stored one
back: the (channel, network id) pair is unique in the database, so even two concurrent
deliveries store it once.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
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
from beatdesk.inbox.selectors import account_district_id, force_triage_data
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
    network_id = _clip(network_id, 200)
    if network_id and channel is not None:
        existing = Message.objects.filter(channel=channel, network_id=network_id).first()
        if existing is not None:
            existing.was_duplicate = True
            return existing
    text = text[:MAX_TEXT]
    arrival = timezone.now()
    received_at = received_at or arrival
    policy = force.policy
    data = force_triage_data(force_id=force.pk)
    home_district_id = account_district_id(data, account)
    result = classify(text, data.context(account_district_id=home_district_id))
    priority = "urgent" if result.is_emergency else result.priority
    district_id = data.district_ids.get(result.district or "") or home_district_id
    private = kind in Message.PRIVATE_KINDS

    try:
        with transaction.atomic():
            conversation, post = (None, None)
            if in_reply_to:
                conversation, post = _find_parent_conversation(
                    force=force, channel=channel, in_reply_to=in_reply_to
                )
            if conversation is None and kind == Message.Kind.DIRECT and channel is not None:
                conversation = (
                    Conversation.objects.filter(
                        force=force, channel=channel, is_private=True, author_handle=author_handle
                    )
                    .exclude(status__in=[Conversation.Status.RESOLVED, Conversation.Status.SPAM])
                    .order_by("-last_message_at")
                    .first()
                )
            created = conversation is None
            if created:
                conversation = Conversation.objects.create(
                    force=force,
                    account=account,
                    channel=channel,
                    district_id=district_id,
                    post=post,
                    is_private=private,
                    author_handle=_clip(author_handle, 200),
                    author_name=_clip(author_name, 200),
                    contact_email=_clip(sender_email, 254),
                    preview=text[:200],
                    status=Conversation.Status.NEW,
                    priority=priority,
                    priority_rank=PRIORITY_RANK[priority],
                    category=result.category,
                    is_emergency=result.is_emergency,
                    opened_at=received_at,
                    last_message_at=received_at,
                    awaiting_since=received_at,
                    target_at=_target(policy, received_at, priority),
                )
            message = Message.objects.create(
                force=force,
                conversation=conversation,
                channel=channel,
                account=account,
                kind=kind,
                network_id=network_id,
                in_reply_to=_clip(in_reply_to, 200),
                text=text,
                raw_html=raw_html or "",
                author_handle=_clip(author_handle, 200),
                author_name=_clip(author_name, 200),
                sender_email=_clip(sender_email, 254),
                category=result.category,
                priority=priority,
                district_id=district_id,
                reasons=list(result.reasons),
                is_emergency=result.is_emergency,
                received_at=received_at,
            )
            if created:
                Conversation.objects.filter(pk=conversation.pk).update(last_message_id=message.pk)
                if district_id in data.round_robin_districts:
                    _round_robin(conversation)
            else:
                _join(conversation, message, policy)
            if (
                result.is_emergency
                and channel is not None
                and policy.auto_emergency_reply != Policy.AutoEmergencyReply.OFF
            ):
                _send_emergency_guidance(message=message, conversation=conversation, policy=policy)
    except IntegrityError:
        # Another delivery of the same network message won the race; it is the stored one.
        if network_id and channel is not None:
            existing = Message.objects.filter(channel=channel, network_id=network_id).first()
            if existing is not None:
                existing.was_duplicate = True
                return existing
        raise
    return message


def _join(conversation: Conversation, message: Message, policy: Policy) -> None:
    """A further message in a conversation: escalate, reopen, restart the clock if answered."""
    conversation.refresh_from_db()
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
