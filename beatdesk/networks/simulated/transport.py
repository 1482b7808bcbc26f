"""A real transport for a network that lives in our own database, for the demo and the tests.

It behaves like a network with an API: it stores what it is sent and hands back an id and a
link, and it can be told (per force, from the desk) to fail the way real networks fail:
server errors, 429 with Retry-After, timeouts, accepting a post and then losing the reply, and
revoked tokens. It does not deduplicate by key on publish (a blind resend makes a second post,
as on most networks), but ``reconcile`` finds a send by its delivery key.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime

from django.utils import timezone

from beatdesk.forces.models import Channel
from beatdesk.networks.base import (
    AuthError,
    FetchResult,
    OutcomeUnknown,
    OutgoingPost,
    PermanentError,
    Profile,
    RateLimited,
    SendResult,
    TemporaryError,
    TextRules,
)
from beatdesk.networks.simulated.models import SimulatedMode, SimulatedPost

FAILING_MODES = (
    SimulatedMode.Mode.ERROR,
    SimulatedMode.Mode.RATE_LIMITED,
    SimulatedMode.Mode.TIMEOUT,
    SimulatedMode.Mode.DROP_REPLY,
    SimulatedMode.Mode.REVOKED,
)


def mode_for(force_id: int) -> SimulatedMode:
    found = SimulatedMode.objects.filter(force_id=force_id).first()
    return found or SimulatedMode(force_id=force_id)


def set_mode(
    *, force_id: int, mode: str, failure_percent: int = 50, retry_after_seconds: int = 30
) -> SimulatedMode:
    row, _ = SimulatedMode.objects.update_or_create(
        force_id=force_id,
        defaults={
            "mode": mode,
            "failure_percent": failure_percent,
            "retry_after_seconds": retry_after_seconds,
        },
    )
    return row


class SimulatedTransport:
    network = "simulated"
    supports_edit = True
    supports_delete = True

    def __init__(self, channel: Channel, *, rng: random.Random | None = None):
        self.channel = channel
        self.rng = rng or random.Random()
        # Read once per transport: the worker makes one transport per channel per batch.
        self.state = mode_for(channel.force_id)

    def text_rules(self) -> TextRules:
        from beatdesk.networks.text import rules_for

        return rules_for(self.channel)

    # --- failure injection -----------------------------------------------------------------

    def _failure(self) -> str | None:
        mode = self.state.mode
        if mode == SimulatedMode.Mode.HEALTHY:
            return None
        if mode == SimulatedMode.Mode.CHAOS:
            if self.rng.randrange(100) >= self.state.failure_percent:
                return None
            return self.rng.choice(FAILING_MODES)
        return mode

    def _fail_before(self, failure: str | None) -> None:
        """Failures where the request never took effect."""
        if failure == SimulatedMode.Mode.ERROR:
            raise TemporaryError("The network answered 500 Internal Server Error.", status=500)
        if failure == SimulatedMode.Mode.RATE_LIMITED:
            seconds = self.state.retry_after_seconds
            raise RateLimited(
                f"The network answered 429 Too Many Requests (Retry-After: {seconds}).",
                retry_after=float(seconds),
                status=429,
            )
        if failure == SimulatedMode.Mode.TIMEOUT:
            raise OutcomeUnknown("The request timed out; the network may or may not have it.")
        if failure == SimulatedMode.Mode.REVOKED:
            raise AuthError("The network answered 401: the access token was revoked.", status=401)

    # --- the interface ---------------------------------------------------------------------

    def publish(self, post: OutgoingPost) -> SendResult:
        failure = self._failure()
        self._fail_before(failure)
        if not post.parts or not post.parts[0].text.strip():
            raise PermanentError("The network refused an empty post (400).", status=400)
        network_id = uuid.uuid4().hex[:16]
        texts = [part.text for part in post.parts]
        SimulatedPost.objects.create(
            channel=self.channel,
            network_id=network_id,
            key=post.key,
            text=texts[0],
            parts=texts,
            image_count=sum(len(part.images) for part in post.parts),
            reply_to=post.reply_to or "",
        )
        if failure == SimulatedMode.Mode.DROP_REPLY:
            raise OutcomeUnknown("The network took the post but the reply was lost.")
        return self._result(network_id, len(texts))

    def _result(self, network_id: str, parts: int) -> SendResult:
        handle = self.channel.handle or "account"
        return SendResult(
            network_id=network_id,
            url=f"https://simulated.example/{handle}/{network_id}",
            part_ids=tuple(f"{network_id}.{n}" for n in range(parts)),
        )

    def edit(self, network_id: str, post: OutgoingPost) -> SendResult:
        failure = self._failure()
        self._fail_before(failure)
        texts = [part.text for part in post.parts]
        updated = SimulatedPost.objects.filter(
            channel=self.channel, network_id=network_id, deleted_at__isnull=True
        ).update(text=texts[0], parts=texts, edited_at=timezone.now())
        if not updated:
            raise PermanentError("The network has no such post to edit (404).", status=404)
        if failure == SimulatedMode.Mode.DROP_REPLY:
            raise OutcomeUnknown("The network took the edit but the reply was lost.")
        return self._result(network_id, len(texts))

    def delete(self, network_id: str) -> None:
        failure = self._failure()
        self._fail_before(failure)
        SimulatedPost.objects.filter(channel=self.channel, network_id=network_id).update(
            deleted_at=timezone.now()
        )
        if failure == SimulatedMode.Mode.DROP_REPLY:
            raise OutcomeUnknown("The network deleted the post but the reply was lost.")

    def reconcile(self, post: OutgoingPost, *, sent_after: datetime) -> SendResult | None:
        # Reading back is itself a request and can fail (but never "half-succeeds").
        failure = self._failure()
        if failure == SimulatedMode.Mode.DROP_REPLY:
            failure = SimulatedMode.Mode.TIMEOUT
        if failure == SimulatedMode.Mode.TIMEOUT:
            raise TemporaryError("Reading back timed out.")
        self._fail_before(failure)
        found = (
            SimulatedPost.objects.filter(
                channel=self.channel, key=post.key, created_at__gte=sent_after
            )
            .order_by("id")
            .first()
        )
        if found is None:
            return None
        return self._result(found.network_id, len(found.parts) or 1)

    def fetch(self, *, cursor: str | None) -> FetchResult:
        return FetchResult(messages=[], cursor=cursor)

    def profile(self) -> Profile:
        handle = self.channel.handle or "account"
        return Profile(
            handle=handle,
            display_name=self.channel.account.name,
            url=f"https://simulated.example/{handle}",
        )


def make_transport(channel: Channel) -> SimulatedTransport:
    return SimulatedTransport(channel)
