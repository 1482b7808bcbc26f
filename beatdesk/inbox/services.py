"""Every write the desk makes to the inbox. Each checks permission, validates, saves in one
transaction and writes an audit event. Ingestion is in ``ingest.py`` (re-exported here)."""

from __future__ import annotations

import contextlib
import secrets
import string
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from beatdesk.audit.services import audit_record
from beatdesk.core.permissions import can, require
from beatdesk.forces.models import District, Force
from beatdesk.inbox.ingest import message_ingest
from beatdesk.inbox.models import (
    CATEGORIES,
    PRIORITIES,
    PRIORITY_RANK,
    Conversation,
    ConversationView,
    DistrictInboxSettings,
    DutyStatus,
    InboxApiKey,
    Label,
    Message,
    Note,
    SavedReply,
    TriageCorrection,
    TriageRule,
)
from beatdesk.inbox.selectors import triage_data_invalidate
from beatdesk.inbox.sla import office_seconds_between
from beatdesk.networks.text import check_text
from beatdesk.people.models import Officer
from beatdesk.people.signatures import sign, signature_for

__all__ = ["message_ingest"]  # the rest are found by name


class Conflict(Exception):
    """Someone else changed the conversation first; the message says who and what to do."""


# --- Reading: receipts and presence ----------------------------------------------------------


def conversation_open(*, actor: Officer, conversation: Conversation) -> ConversationView:
    """Record that the officer opened the conversation (a read receipt and an audit event)."""
    require(actor, "view", conversation)
    now = timezone.now()
    with transaction.atomic():
        receipt, created = ConversationView.objects.get_or_create(
            conversation=conversation,
            officer=actor,
            defaults={"force_id": conversation.force_id, "first_seen_at": now, "last_seen_at": now},
        )
        if not created:
            ConversationView.objects.filter(pk=receipt.pk).update(last_seen_at=now)
        audit_record(
            actor=actor,
            action="conversation.view",
            obj=conversation,
            data={"private": conversation.is_private, "first_time": created},
        )
    return receipt


def presence_touch(*, actor: Officer, conversation: Conversation, replying: bool = False) -> None:
    """Say the officer still has the conversation open (and is writing a reply, if so)."""
    require(actor, "view", conversation)
    now = timezone.now()
    updates: dict = {"last_seen_at": now}
    if replying:
        updates["replying_until"] = now + timezone.timedelta(seconds=60)
    touched = ConversationView.objects.filter(conversation=conversation, officer=actor).update(
        **updates
    )
    if not touched:
        # Two polls may race to create the row; either row says the same thing.
        with contextlib.suppress(IntegrityError), transaction.atomic():
            ConversationView.objects.create(
                force_id=conversation.force_id,
                conversation=conversation,
                officer=actor,
                first_seen_at=now,
                **updates,
            )


# --- Assignment ------------------------------------------------------------------------------

UNCHANGED = object()


def conversation_assign(
    *,
    actor: Officer,
    conversation: Conversation,
    assignee: Officer | None,
    expected_assignee_id: int | object | None = UNCHANGED,
) -> Conversation:
    """Give the conversation to ``assignee`` (or nobody), unless someone else took it first."""
    if assignee is not None and assignee.pk == actor.pk:
        require(actor, "work", conversation)
    else:
        require(actor, "assign", conversation)
    if assignee is not None:
        if assignee.force_id != conversation.force_id or not assignee.is_active:
            raise ValidationError("That officer cannot be given this conversation.")
        if assignee.pk != actor.pk and not can(assignee, "view", conversation):
            raise ValidationError(
                f"{assignee.public_name} cannot read this conversation: they are not in its "
                "district. Change the district first or choose a member of its team."
            )
    now = timezone.now()
    with transaction.atomic():
        qs = Conversation.objects.filter(pk=conversation.pk)
        if expected_assignee_id is not UNCHANGED:
            qs = qs.filter(assignee_id=expected_assignee_id)
        updated = qs.update(
            assignee=assignee,
            assigned_at=now if assignee else None,
        )
        if not updated:
            current = Conversation.objects.select_related("assignee").get(pk=conversation.pk)
            who = current.assignee.public_name if current.assignee else "nobody"
            raise Conflict(
                f"This conversation was assigned to {who} while you were looking; nothing changed."
            )
        Conversation.objects.filter(pk=conversation.pk, status=Conversation.Status.NEW).update(
            status=Conversation.Status.OPEN
        )
        audit_record(
            actor=actor,
            action="conversation.assign",
            obj=conversation,
            data={"assignee": assignee.pk if assignee else None},
        )
    conversation.refresh_from_db()
    return conversation


# --- Replies ---------------------------------------------------------------------------------


def _check_length(text: str, channel) -> None:
    problems = check_text(text, [channel])
    if problems:
        raise ValidationError(problems)


def reply_send(
    *,
    actor: Officer,
    conversation: Conversation,
    text: str,
    expected_version: int,
) -> Message:
    """Answer as the conversation's account, signed by the officer, through the outbox.

    Refused when the conversation changed since the officer read it (another reply, a new
    message), so two people never both send a first reply by accident.
    """
    require(actor, "work", conversation)
    body = (text or "").strip()
    if not body:
        raise ValidationError("Write a reply before sending.")
    if conversation.channel_id is None:
        raise ValidationError("This conversation has no channel to reply on.")
    if conversation.status == Conversation.Status.SPAM:
        raise ValidationError("This conversation is marked as spam; reopen it before replying.")
    signature = signature_for(actor)
    channel = conversation.channel
    _check_length(sign(body, actor, signature=signature), channel)
    last_in = (
        conversation.messages.filter(direction=Message.Direction.IN)
        .exclude(network_id="")
        .order_by("-received_at", "-id")
        .first()
    )
    with transaction.atomic():
        reply = reply_queue(
            conversation=conversation,
            officer=actor,
            text=body,
            signature=signature,
            in_reply_to=last_in.network_id if last_in else "",
            kind=last_in.kind if last_in else Message.Kind.REPLY,
            expected_version=expected_version,
            assign=True,
        )
        audit_record(
            actor=actor,
            action="conversation.reply",
            obj=conversation,
            data={"message": reply.pk, "delivery": reply.delivery.pk},
        )
    return reply


def reply_queue(
    *,
    conversation: Conversation,
    officer: Officer,
    text: str,
    signature: str,
    in_reply_to: str,
    kind: str,
    expected_version: int | None = None,
    assign: bool = False,
    channel=None,
) -> Message:
    """Write an outgoing reply in ``conversation`` and queue it in the outbox, in the caller's
    transaction: the conversation waits on the public again, its first response is timed
    (office hours respected), and the reply becomes its latest message. Every reply to the
    public goes through here (the desk's ``reply_send``, a Q&A answer); the caller checks
    permission and audits. With ``expected_version``, a conversation that changed meanwhile
    raises ``Conflict`` and nothing is written; ``assign`` gives an unassigned conversation to
    ``officer``. The reply goes out on ``channel`` (the conversation's by default)."""
    from beatdesk.publishing.outbox import enqueue_reply

    channel = channel or conversation.channel
    now = timezone.now()
    policy = conversation.force.policy
    target = Conversation.objects.filter(pk=conversation.pk)
    if expected_version is not None:
        target = target.filter(version=expected_version)
    changes = {
        "version": F("version") + 1,
        "status": Conversation.Status.WAITING,
        "awaiting_since": None,
        "target_at": None,
        "first_response_at": Coalesce(F("first_response_at"), Value(now)),
        "snoozed_until": None,
    }
    if assign:
        changes["assignee_id"] = Coalesce(F("assignee_id"), Value(officer.pk))
    if not target.update(**changes):
        raise Conflict(
            "Someone replied, or a new message arrived, while you were writing. Your reply "
            "was not sent: read the latest and send again if it is still needed."
        )
    conversation.refresh_from_db()
    if conversation.first_response_seconds is None and conversation.first_response_at:
        conversation.first_response_seconds = office_seconds_between(
            conversation.opened_at,
            conversation.first_response_at,
            office_hours=policy.office_hours or None,
            zone=policy.zone,
        )
        conversation.save(update_fields=["first_response_seconds"])
    reply = Message.objects.create(
        force_id=conversation.force_id,
        conversation=conversation,
        channel=channel,
        account_id=conversation.account_id,
        direction=Message.Direction.OUT,
        kind=kind,
        in_reply_to=in_reply_to,
        text=text,
        author_officer=officer,
        signature=signature,
        is_private=conversation.is_private,
        received_at=now,
    )
    reply.delivery = enqueue_reply(channel=channel, reply_ref=str(reply.pk))
    reply.save(update_fields=["delivery"])
    Conversation.objects.filter(pk=conversation.pk).update(last_message_id=reply.pk)
    return reply


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


SAVED_REPLY_PLACEHOLDERS = (
    "officer_name",
    "officer_rank",
    "officer_surname",
    "collar",
    "reporting_url",
    "non_emergency_phone",
    "emergency_phone",
    "force_name",
    "district_name",
    "sender_name",
)


def saved_reply_render(*, saved: SavedReply, officer: Officer, conversation: Conversation) -> str:
    """The saved reply's text with its placeholders filled in for this officer and sender."""
    policy = officer.force.policy
    values = _Blank(
        officer_name=officer.public_name,
        officer_rank=officer.rank,
        officer_surname=officer.surname,
        collar=officer.collar_number,
        reporting_url=policy.online_reporting_url or "our website",
        non_emergency_phone=policy.non_emergency_phone,
        emergency_phone=policy.emergency_phone,
        force_name=officer.force.name,
        district_name=conversation.district.name if conversation.district_id else "",
        sender_name=conversation.author_name or conversation.author_handle,
    )
    try:
        return string.Formatter().vformat(saved.text, (), values)
    except (ValueError, IndexError):
        return saved.text


def _validate_saved_text(text: str) -> None:
    try:
        fields = [n for _, n, _, _ in string.Formatter().parse(text) if n is not None]
    except ValueError as exc:
        raise ValidationError(f"The reply has unbalanced braces: {exc}.") from exc
    unknown = sorted({f for f in fields if f not in SAVED_REPLY_PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            "Unknown placeholder(s) "
            + ", ".join("{" + u + "}" for u in unknown)
            + "; use "
            + ", ".join("{" + p + "}" for p in SAVED_REPLY_PLACEHOLDERS)
            + "."
        )


def saved_reply_create(
    *,
    actor: Officer,
    title: str,
    text: str,
    district: District | None = None,
    purpose: str = "",
) -> SavedReply:
    """Add a reply to the force library (comms) or a district's library (its lead)."""
    saved = SavedReply(
        force_id=actor.force_id,
        district=district,
        title=(title or "").strip()[:80],
        text=(text or "").strip(),
        purpose=purpose,
        created_by=actor,
    )
    require(actor, "manage", saved)
    if not saved.title or not saved.text:
        raise ValidationError("A saved reply needs a title and a text.")
    if purpose not in SavedReply.Purpose.values:
        raise ValidationError("Unknown purpose.")
    _validate_saved_text(saved.text)
    with transaction.atomic():
        saved.save()
        audit_record(actor=actor, action="saved_reply.create", obj=saved)
    return saved


def saved_reply_delete(*, actor: Officer, saved: SavedReply) -> None:
    """Remove a saved reply from its library."""
    require(actor, "manage", saved)
    with transaction.atomic():
        audit_record(actor=actor, action="saved_reply.delete", obj=saved)
        saved.delete()


# --- Notes, labels, status, snooze ---------------------------------------------------------


def note_add(*, actor: Officer, conversation: Conversation, text: str) -> Note:
    """Add an internal note; the public never sees it."""
    require(actor, "work", conversation)
    body = (text or "").strip()
    if not body:
        raise ValidationError("Write the note before saving it.")
    with transaction.atomic():
        note = Note.objects.create(
            force_id=conversation.force_id, conversation=conversation, author=actor, text=body
        )
        audit_record(actor=actor, action="conversation.note", obj=conversation)
    return note


def conversation_label(*, actor: Officer, conversation: Conversation, names: list[str]) -> None:
    """Set the conversation's labels (created on first use in the force)."""
    require(actor, "work", conversation)
    clean = sorted({n.strip()[:40] for n in names if n.strip()})
    with transaction.atomic():
        labels = []
        for name in clean:
            label, _ = Label.objects.get_or_create(force_id=conversation.force_id, name=name)
            labels.append(label)
        conversation.labels.set(labels)
        audit_record(
            actor=actor, action="conversation.label", obj=conversation, data={"labels": clean}
        )


def _resolution_fields(conversation: Conversation, now: datetime) -> dict:
    policy = conversation.force.policy
    return {
        "resolved_at": now,
        "resolution_seconds": office_seconds_between(
            conversation.opened_at,
            now,
            office_hours=policy.office_hours or None,
            zone=policy.zone,
        ),
    }


def conversation_set_status(
    *, actor: Officer, conversation: Conversation, status: str
) -> Conversation:
    """Move the conversation to new / open / waiting / resolved / spam."""
    require(actor, "work", conversation)
    if status not in Conversation.Status.values:
        raise ValidationError(f"Unknown status {status!r}.")
    now = timezone.now()
    updates: dict = {"status": status}
    if status in (Conversation.Status.RESOLVED, Conversation.Status.SPAM):
        updates.update(_resolution_fields(conversation, now), target_at=None)
    else:
        updates.update(resolved_at=None, resolution_seconds=None)
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(**updates)
        audit_record(
            actor=actor,
            action="conversation.status",
            obj=conversation,
            data={"from": conversation.status, "to": status},
        )
    conversation.refresh_from_db()
    return conversation


def conversation_snooze(
    *, actor: Officer, conversation: Conversation, until: datetime | None
) -> Conversation:
    """Hide the conversation from the open views until ``until`` (a new message wakes it)."""
    require(actor, "work", conversation)
    if conversation.is_emergency and until is not None:
        raise ValidationError("An emergency cannot be snoozed: it stays at the top until resolved.")
    if until is not None and until <= timezone.now():
        raise ValidationError("Choose a time in the future to snooze until.")
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(snoozed_until=until)
        audit_record(
            actor=actor,
            action="conversation.snooze",
            obj=conversation,
            data={"until": until.isoformat() if until else None},
        )
    conversation.refresh_from_db()
    return conversation


def conversations_bulk(
    *, actor: Officer, conversations: list[Conversation], action: str
) -> tuple[int, int]:
    """Resolve or mark as spam many conversations; emergencies are never closed in bulk.

    Returns (changed, skipped).
    """
    if action not in ("resolve", "spam"):
        raise ValidationError("Choose resolve or mark as spam.")
    status = Conversation.Status.RESOLVED if action == "resolve" else Conversation.Status.SPAM
    changed = skipped = 0
    with transaction.atomic():
        for conversation in conversations:
            if conversation.is_emergency or not can(actor, "work", conversation):
                skipped += 1
                continue
            conversation_set_status(actor=actor, conversation=conversation, status=status)
            changed += 1
    return changed, skipped


# --- Triage: corrections and the force's own rules ------------------------------------------


def triage_correct(
    *,
    actor: Officer,
    message: Message,
    category: str,
    priority: str,
    district: District | None,
) -> TriageCorrection:
    """Correct a message's triage; the correction is kept as a labelled example."""
    require(actor, "correct_triage", message)
    if category not in CATEGORIES or priority not in PRIORITIES:
        raise ValidationError("Choose a category and a priority from the lists.")
    if district is not None and district.force_id != message.force_id:
        raise ValidationError("That district belongs to another force.")
    if category == "emergency":
        priority = "urgent"
    conversation = message.conversation
    with transaction.atomic():
        correction = TriageCorrection.objects.create(
            force_id=message.force_id,
            message=message,
            officer=actor,
            text=message.text,
            category_before=message.category,
            category=category,
            priority_before=message.priority,
            priority=priority,
            district_before=message.district.slug if message.district_id else "",
            district=district.slug if district else "",
        )
        message.category, message.priority = category, priority
        message.district = district
        message.is_emergency = category == "emergency"
        message.reasons = [*message.reasons, f"corrected by {actor.public_name}"]
        message.save(update_fields=["category", "priority", "district", "is_emergency", "reasons"])
        still_emergency = conversation.messages.filter(
            direction=Message.Direction.IN, is_emergency=True
        ).exists()
        policy = conversation.force.policy
        updates = {
            "category": category,
            "priority": priority,
            "priority_rank": PRIORITY_RANK[priority],
            "is_emergency": still_emergency,
            "district": district or conversation.district,
        }
        if conversation.awaiting_since:
            from beatdesk.inbox.ingest import _target

            updates["target_at"] = _target(policy, conversation.awaiting_since, priority)
        Conversation.objects.filter(pk=conversation.pk).update(**updates)
        audit_record(
            actor=actor,
            action="message.triage_correct",
            obj=message,
            data={
                "category": [correction.category_before, category],
                "priority": [correction.priority_before, priority],
                "district": [correction.district_before, correction.district],
            },
        )
    return correction


def triage_rule_create(
    *,
    actor: Officer,
    kind: str,
    pattern: str,
    category: str = "",
    priority: str = "",
    district: District | None = None,
) -> TriageRule:
    """Add one of the force's own keyword or place rules; triage uses it from the next message."""
    require(actor, "manage_triage_rules", actor.force)
    triage_rule = TriageRule(
        force_id=actor.force_id,
        kind=kind,
        pattern=" ".join((pattern or "").split())[:120],
        category=category,
        priority=priority,
        district=district,
        created_by=actor,
    )
    if kind not in TriageRule.Kind.values:
        raise ValidationError("Choose keyword or place.")
    if len(triage_rule.pattern) < 2:
        raise ValidationError("The word or place must be at least two characters long.")
    if category and category not in CATEGORIES:
        raise ValidationError("Unknown category.")
    if priority and priority not in PRIORITIES:
        raise ValidationError("Unknown priority.")
    if district is not None and district.force_id != actor.force_id:
        raise ValidationError("That district belongs to another force.")
    if kind == TriageRule.Kind.PLACE and district is None:
        raise ValidationError("A place rule must say which district the place is in.")
    if not (category or priority or district):
        raise ValidationError("A rule must set a category, a priority or a district.")
    if TriageRule.objects.filter(
        force_id=actor.force_id, kind=kind, pattern__iexact=triage_rule.pattern
    ).exists():
        raise ValidationError(f"There is already a {kind} rule for {triage_rule.pattern!r}.")
    with transaction.atomic():
        triage_rule.save()
        audit_record(actor=actor, action="triage_rule.create", obj=triage_rule)
        transaction.on_commit(lambda: triage_data_invalidate(force_id=actor.force_id))
    return triage_rule


def triage_rule_delete(*, actor: Officer, triage_rule: TriageRule) -> None:
    """Remove one of the force's rules."""
    require(actor, "manage", triage_rule)
    force_id = triage_rule.force_id
    with transaction.atomic():
        audit_record(actor=actor, action="triage_rule.delete", obj=triage_rule)
        triage_rule.delete()
        transaction.on_commit(lambda: triage_data_invalidate(force_id=force_id))


# --- Duty, round-robin, API keys ---------------------------------------------------------


def duty_set(*, actor: Officer, on_duty: bool) -> DutyStatus:
    """Say whether the officer is on duty for the inbox (round-robin gives work to those who are)."""
    require(actor, "use_desk", actor.force)
    with transaction.atomic():
        duty, _ = DutyStatus.objects.update_or_create(
            officer=actor, defaults={"force_id": actor.force_id, "on_duty": on_duty}
        )
        audit_record(actor=actor, action="inbox.duty", obj=duty, data={"on_duty": on_duty})
    return duty


def district_round_robin_set(
    *, actor: Officer, district: District, enabled: bool
) -> DistrictInboxSettings:
    """Turn automatic round-robin assignment on or off for a district."""
    require(actor, "manage_inbox", district)
    with transaction.atomic():
        row, _ = DistrictInboxSettings.objects.update_or_create(
            district=district, defaults={"force_id": district.force_id, "round_robin": enabled}
        )
        audit_record(
            actor=actor, action="inbox.round_robin", obj=district, data={"enabled": enabled}
        )
        transaction.on_commit(lambda: triage_data_invalidate(force_id=district.force_id))
    return row


def api_key_create(*, actor: Officer | None, force: Force, name: str) -> tuple[InboxApiKey, str]:
    """A new ingestion API key; the raw key is returned once and only its hash is stored."""
    if actor is not None:
        require(actor, "manage_inbox_keys", force)
    if not (name or "").strip():
        raise ValidationError("Name the feed this key is for.")
    prefix = secrets.token_hex(4)
    raw = f"bdi_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        key = InboxApiKey.objects.create(
            force=force,
            name=name.strip()[:80],
            prefix=prefix,
            key_hash=InboxApiKey.hash_key(raw),
            created_by=actor,
        )
        audit_record(actor=actor, action="inbox.api_key_create", obj=key, force=force)
    return key, raw


def api_key_revoke(*, actor: Officer | None, key: InboxApiKey) -> None:
    """Stop a key from being accepted."""
    if actor is not None:
        require(actor, "manage_inbox_keys", key.force)
    with transaction.atomic():
        InboxApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())
        audit_record(actor=actor, action="inbox.api_key_revoke", obj=key, force=key.force)
