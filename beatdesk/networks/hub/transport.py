"""The hub: the force's own site. Publishing there is a row becoming public, so it never fails
for network reasons and never waits; the link is the post's permalink on the hub. Replies to
messages from the hub's contact form are kept by the inbox and shown to the sender at their
private link (``inbox.public_views.contact_thread``); sending one here records that it went
out, and from then on the sender sees it."""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage

from beatdesk.forces.models import Channel
from beatdesk.networks.base import (
    FetchResult,
    OutgoingEmail,
    OutgoingPost,
    PermanentError,
    Profile,
    SendResult,
    TemporaryError,
    TextRules,
)

logger = logging.getLogger("beatdesk.networks.hub")


def permalink(force_slug: str, post_id: int) -> str:
    return f"/{force_slug}/posts/{post_id}/"


class HubTransport:
    network = "hub"
    # The hub reads the post's current state and text, so edits and deletions need no send.
    supports_edit = False
    supports_delete = False

    def __init__(self, channel: Channel):
        self.channel = channel
        self._known: dict[str, tuple[int | None, str]] = {}

    def text_rules(self) -> TextRules:
        from beatdesk.networks.text import rules_for

        return rules_for(self.channel)

    def publish(self, post: OutgoingPost) -> SendResult:
        from beatdesk.publishing.models import Delivery

        found = self._known.get(post.key)
        if found is None:
            # One query per batch: everything this channel is sending now (keys never change).
            self._known = {
                str(key): (post_id, reply_ref)
                for key, post_id, reply_ref in Delivery.objects.filter(
                    channel=self.channel, state=Delivery.State.SENDING
                ).values_list("key", "post_id", "reply_ref")
            }
            found = self._known.get(post.key)
        if found is None:
            found = (
                Delivery.objects.filter(key=post.key).values_list("post_id", "reply_ref").first()
            )
        if found is None:
            raise PermanentError("The hub has no delivery with this key.")
        post_id, reply_ref = found
        if post_id is not None:
            return SendResult(
                network_id=f"hub-{post_id}", url=permalink(self.channel.force.slug, post_id)
            )
        # A reply to a message sent through the hub's own form: the inbox keeps it and the
        # sender reads it at their private link; it is emailed too when they gave an address.
        if post.email is not None:
            _send_email(post.email)
        return SendResult(network_id=f"hub-reply-{reply_ref or post.key}")

    def edit(self, network_id: str, post: OutgoingPost) -> SendResult:
        return self.publish(post)

    def delete(self, network_id: str) -> None:
        return None

    def reconcile(self, post: OutgoingPost, *, sent_after: datetime) -> SendResult | None:
        # Publishing on the hub is the outbox's own database write: it cannot half-happen.
        return None

    def fetch(self, *, cursor: str | None) -> FetchResult:
        return FetchResult(messages=[], cursor=cursor)

    def profile(self) -> Profile:
        account = self.channel.account
        return Profile(
            handle=account.slug,
            display_name=account.name,
            url=f"/{self.channel.force.slug}/",
        )


def make_transport(channel: Channel) -> HubTransport:
    return HubTransport(channel)


def _send_email(email: OutgoingEmail) -> None:
    """Hand the email to the mail server. A server that cannot take it now is a temporary
    error (the outbox tries again, and the reply waits with it); an address it refuses is
    logged and the reply goes on: the sender still reads it at their private link."""
    sender = settings.DEFAULT_FROM_EMAIL
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=formataddr((email.from_name, sender)) if email.from_name else sender,
        to=[email.to],
    )
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused:
        logger.warning("the mail server refused the sender's address; the answer was not emailed")
    except (smtplib.SMTPException, OSError) as error:
        raise TemporaryError(
            f"The mail server did not take the email ({error.__class__.__name__})."
        ) from error
