"""Publishing an answer where the question was asked.

Hub questions are answered on the hub session page (the answer row is what it shows). A
question from a network or moved from the inbox is an inbox message in a conversation, so its
answer is sent as that conversation's reply: an outgoing message threaded under the question,
carried by the outbox's ``reply`` payload (the inbox's builder signs it and sets
``reply_to``). Going through the conversation, rather than a payload of our own, keeps the
conversation whole for the district team (they see it was answered, and by whom), stops its
response-time clock, and gives the answer the outbox's guarantees for replies (never paused,
reconciled, sent once). See docs/decisions/0081-qa-answers-as-inbox-replies.md.
"""

from __future__ import annotations

from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from beatdesk.audit.services import audit_record
from beatdesk.qa.models import Answer, Question


def reply_where_asked(*, question: Question, answer: Answer) -> None:
    """Queue the answer as a threaded reply to the question's message (no-op for the hub)."""
    if question.inbox_message_id is None:
        return
    from beatdesk.inbox.models import Conversation, Message
    from beatdesk.publishing.outbox import enqueue_reply

    asked = (
        Message.objects.select_related("conversation", "channel")
        .filter(pk=question.inbox_message_id, force_id=question.force_id)
        .first()
    )
    if asked is None or asked.channel is None or not asked.network_id:
        return
    if Message.objects.filter(
        conversation=asked.conversation,
        direction=Message.Direction.OUT,
        in_reply_to=asked.network_id,
        author_officer=answer.officer,
        text=answer.text,
    ).exists():
        return  # already answered there (a member approved twice, a merge after the answer)
    now = timezone.now()
    reply = Message.objects.create(
        force_id=asked.force_id,
        conversation=asked.conversation,
        channel=asked.channel,
        account_id=asked.account_id,
        direction=Message.Direction.OUT,
        kind=asked.kind,
        in_reply_to=asked.network_id,
        text=answer.text,
        author_officer=answer.officer,
        signature=answer.signature,
        is_private=asked.conversation.is_private,
        received_at=now,
    )
    reply.delivery = enqueue_reply(channel=asked.channel, reply_ref=str(reply.pk))
    reply.save(update_fields=["delivery"])
    Conversation.objects.filter(pk=asked.conversation_id).update(
        version=F("version") + 1,
        status=Conversation.Status.WAITING,
        awaiting_since=None,
        target_at=None,
        first_response_at=Coalesce(F("first_response_at"), Value(now)),
        last_message_id=reply.pk,
    )
    conversation = asked.conversation
    if conversation.first_response_seconds is None:
        from beatdesk.inbox.sla import office_seconds_between

        policy = question.session.force.policy
        Conversation.objects.filter(pk=conversation.pk).update(
            first_response_seconds=office_seconds_between(
                conversation.opened_at,
                conversation.first_response_at or now,
                office_hours=policy.office_hours or None,
                zone=policy.zone,
            )
        )
    audit_record(
        actor=answer.officer,
        action="qa.answer.reply",
        obj=asked.conversation,
        data={"question": question.pk, "answer": answer.pk, "delivery": reply.delivery_id},
    )
