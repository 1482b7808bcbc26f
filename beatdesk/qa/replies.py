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

from beatdesk.audit.services import audit_record
from beatdesk.qa.models import Answer, Question


def reply_where_asked(*, question: Question, answer: Answer) -> None:
    """Queue the answer as a threaded reply to the question's message (no-op for the hub)."""
    if question.inbox_message_id is None:
        return
    from beatdesk.inbox.models import Message

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
    from beatdesk.inbox.services import reply_queue

    # The same path as a reply from the desk, so the two never drift apart; an answer is not
    # refused for a conversation that moved on (it answers one question, by its id).
    reply = reply_queue(
        conversation=asked.conversation,
        officer=answer.officer,
        text=answer.text,
        signature=answer.signature,
        in_reply_to=asked.network_id,
        kind=asked.kind,
        channel=asked.channel,
    )
    audit_record(
        actor=answer.officer,
        action="qa.answer.reply",
        obj=asked.conversation,
        data={"question": question.pk, "answer": answer.pk, "delivery": reply.delivery_id},
    )
