"""How a reply from the inbox becomes an outgoing post for the publishing outbox.

The outbox owns sending (retries, rate limits, reconciling an unknown outcome); the inbox only
says what the reply is: its signed text, the network message it answers, public or private.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from beatdesk.forces.models import Channel
from beatdesk.inbox.models import Message
from beatdesk.inbox.selectors import form_thread_start
from beatdesk.networks.base import OutgoingEmail, OutgoingPart, OutgoingPost, SendResult
from beatdesk.publishing.models import Delivery
from beatdesk.publishing.outbox import register_payload


def _reply_of(delivery: Delivery) -> Message:
    return Message.objects.select_related(
        "conversation", "channel", "account", "force__policy"
    ).get(pk=int(delivery.reply_ref), force_id=delivery.force_id)


def _email(reply: Message) -> OutgoingEmail | None:
    """An officer's answer to someone who wrote through the hub's form and gave an email
    address, when the install sends email (``BEATDESK_EMAIL_HOST``): the answer, the
    reference, and the private link to read the conversation and write back."""
    from beatdesk.inbox.public_views import thread_path

    conversation = reply.conversation
    if not (
        settings.EMAIL_ANSWERS
        and conversation.contact_email
        and not reply.is_automatic
        and reply.kind == Message.Kind.HUB_FORM
        and reply.channel is not None
        and reply.channel.network == Channel.Network.HUB
    ):
        return None
    first = form_thread_start(conversation=conversation)
    if first is None:
        return None
    force = reply.force
    sender = reply.account.name if reply.account else force.name
    link = f"{settings.PUBLIC_URL}{thread_path(force, first)}" if settings.PUBLIC_URL else ""
    body = render_to_string(
        "inbox/email/answer.txt",
        {
            "reply": reply,
            "force": force,
            "policy": force.policy,
            "sender": sender,
            "reference": f"HF-{first.pk}",
            "link": link,
        },
    )
    return OutgoingEmail(
        to=conversation.contact_email,
        subject=f"{sender}: an answer to your message (HF-{first.pk})",
        body=body,
        from_name=sender,
    )


def build_reply(delivery: Delivery) -> OutgoingPost:
    """The reply as the network will receive it: signed, in answer to the public's message."""
    reply = _reply_of(delivery)
    return OutgoingPost(
        key=str(delivery.key),
        parts=(OutgoingPart(text=reply.signed_text),),
        reply_to=reply.in_reply_to or None,
        private=reply.is_private,
        email=_email(reply),
    )


def reply_sent(delivery: Delivery, result: SendResult) -> None:
    """Keep the network id on our message, so the public's answer to it joins the thread."""
    if result.network_id:
        Message.objects.filter(pk=int(delivery.reply_ref), network_id="").update(
            network_id=result.network_id
        )


def register() -> None:
    """Make the outbox build replies with the inbox's builder (called when the app starts)."""
    register_payload("reply", build=build_reply, on_sent=reply_sent)


register()
