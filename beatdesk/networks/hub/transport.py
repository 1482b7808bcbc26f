"""The hub: the force's own site. Publishing there is a row becoming public, so it never fails
for network reasons and never waits; the link is the post's permalink on the hub."""

from __future__ import annotations

from datetime import datetime

from beatdesk.forces.models import Channel
from beatdesk.networks.base import (
    FetchResult,
    OutgoingPost,
    PermanentError,
    Profile,
    SendResult,
    TextRules,
)


def permalink(force_slug: str, post_id: int) -> str:
    return f"/{force_slug}/posts/{post_id}/"


class HubTransport:
    network = "hub"
    # The hub reads the post's current state and text, so edits and deletions need no send.
    supports_edit = False
    supports_delete = False

    def __init__(self, channel: Channel):
        self.channel = channel

    def text_rules(self) -> TextRules:
        from beatdesk.networks.text import rules_for

        return rules_for(self.channel)

    def _post_id(self, post: OutgoingPost) -> int:
        from beatdesk.publishing.models import Delivery

        post_id = Delivery.objects.filter(key=post.key).values_list("post_id", flat=True).first()
        if post_id is None:
            raise PermanentError("The hub publishes posts only, not replies.")
        return post_id

    def publish(self, post: OutgoingPost) -> SendResult:
        post_id = self._post_id(post)
        force_slug = self.channel.force.slug
        return SendResult(network_id=f"hub-{post_id}", url=permalink(force_slug, post_id))

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
