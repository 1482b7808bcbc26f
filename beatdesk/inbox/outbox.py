"""How a reply from the inbox becomes an outgoing post for the publishing outbox.

The outbox owns sending (retries, rate limits, reconciling an unknown outcome); the inbox only
says what the reply is: its signed text, the network message it answers, public or private.
"""

from __future__ import annotations

from beatdesk.inbox.models import Message
from beatdesk.networks.base import OutgoingPart, OutgoingPost, SendResult
from beatdesk.publishing.models import Delivery
from beatdesk.publishing.outbox import register_payload


def _reply_of(delivery: Delivery) -> Message:
    return Message.objects.select_related("conversation").get(
        pk=int(delivery.reply_ref), force_id=delivery.force_id
    )


def build_reply(delivery: Delivery) -> OutgoingPost:
    """The reply as the network will receive it: signed, in answer to the public's message."""
    reply = _reply_of(delivery)
    return OutgoingPost(
        key=str(delivery.key),
        parts=(OutgoingPart(text=reply.signed_text),),
        reply_to=reply.in_reply_to or None,
        private=reply.is_private,
    )


def reply_sent(delivery: Delivery, result: SendResult) -> None:
    """Keep the network id on our message, so the public's answer to it joins the thread."""
    if result.network_id:
        Message.objects.filter(pk=int(delivery.reply_ref), network_id="").update(
            network_id=result.network_id
        )


register_payload("reply", build=build_reply, on_sent=reply_sent)
