"""What the inbox holds about the public: retention and subject access.

Messages from the public older than the force's retention period are anonymised, not deleted:
the conversation's shape, timings and triage stay for the force's response-time reports, but
the words, the handle, the name, the email and any HTML are gone. A legal hold on the message
or its conversation keeps it whole.
"""

from __future__ import annotations

from django.db.models import Q

from beatdesk.core.dataprotection import (
    RetentionSource,
    Section,
    Subject,
    register_retention,
    register_subject_access,
)
from beatdesk.inbox.models import Arrival, Message

REMOVED = "[Removed under the force's retention policy]"


def _expired(force, cutoff):
    return (
        Message.objects.filter(force=force, direction=Message.Direction.IN, received_at__lt=cutoff)
        .exclude(text=REMOVED)
        .order_by("id")
    )


def _anonymise(message: Message) -> str:
    Message.objects.filter(pk=message.pk).update(
        text=REMOVED, raw_html="", author_handle="", author_name="", sender_email=""
    )
    return "anonymised"


register_retention(
    RetentionSource(
        name="inbox.message",
        description="Messages from the public: their words, handles, names and email addresses",
        expired=_expired,
        expire=_anonymise,
        held_by=lambda message: [("inbox.conversation", str(message.conversation_id))],
        hold_kinds=(
            ("inbox.conversation", "A conversation and all its messages (its number in the inbox)"),
            ("inbox.message", "One message"),
        ),
    )
)


def _record(m, category: str) -> dict:
    return {
        "Received": f"{m.received_at:%d %b %Y %H:%M}",
        "To": m.account.name if m.account_id else "",
        "Network": m.channel.get_network_display() if m.channel_id else "Hub form",
        "From": m.author_handle,
        "Name given": m.author_name,
        "Email given": m.sender_email,
        "Message": m.text,
        "Category": category,
    }


@register_subject_access("inbox")
def messages_from(force, subject: Subject) -> Section | None:
    """The person's messages in the inbox, and those received and still waiting to be triaged
    (``Arrival``: seconds in a burst, longer while no worker runs)."""
    if not subject.handles and not subject.emails:
        return None
    who = Q()
    for handle in subject.handles:
        who |= Q(author_handle__iexact=handle) | Q(author_handle__iexact=f"@{handle}")
    for email in subject.emails:
        who |= Q(sender_email__iexact=email)
    messages = (
        Message.objects.filter(who, force=force, direction=Message.Direction.IN)
        .select_related("account", "channel")
        .order_by("received_at", "id")
    )
    waiting = (
        Arrival.objects.filter(who, force=force)
        .select_related("account", "channel")
        .order_by("received_at", "id")
    )
    records = [_record(m, m.category) for m in messages]
    records += [_record(a, "Received, not yet sorted into the inbox") for a in waiting]
    return Section(
        title="Messages you sent to the force",
        purpose="Kept so the force can answer you, measure its response times and, where a "
        "message reports a crime or a risk, act on it.",
        records=records,
    )
