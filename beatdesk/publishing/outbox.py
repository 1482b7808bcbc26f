"""The outbox: every post, edit, deletion and reply on one channel is a Delivery row, and the
worker advances those rows until each is sent exactly once, failed with a reason, or waiting for
a person.

How "nothing lost, nothing sent twice" holds:

- A delivery is written in the same transaction as the post (or reply) it sends.
- A worker claims a batch with one conditional UPDATE (``SELECT ... FOR UPDATE SKIP LOCKED``
  first on PostgreSQL), stamping its own ``claim_token`` and a lease; only rows it won carry
  its token, so two workers never send the same delivery.
- Every outcome is recorded with a conditional UPDATE on (state=sending, claim_token=mine).
- A send whose outcome is unknown (timeout after the request left, a worker killed mid-send,
  seen as a lease that ran out) becomes ``unknown`` and is *reconciled* (read back from the
  network by its delivery key) before anything is sent again.
- Temporary failures retry with exponential backoff and jitter; ``Retry-After`` is honoured;
  a revoked token marks the channel "needs reconnect" and nothing is tried on that channel
  until it is reconnected; deliveries older than the force's stale limit wait for a person.

Other apps send through the outbox too: the inbox registers a builder for ``reply`` with
``register_payload`` and queues replies with ``enqueue_reply``.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from beatdesk.audit.services import audit_event, audit_record, audit_record_many
from beatdesk.core.rows import update_rows
from beatdesk.forces.models import Channel
from beatdesk.networks.base import (
    AuthError,
    OutcomeUnknown,
    OutgoingImage,
    OutgoingPart,
    OutgoingPost,
    PermanentError,
    RateLimited,
    SendResult,
    Transport,
    TransportError,
)
from beatdesk.publishing.models import Delivery, Notification, Post, PublishingPause

logger = logging.getLogger("beatdesk.publishing.outbox")

# A claimed delivery belongs to its worker for this long; a lease that runs out means the
# worker died (or hung) mid-send, so the delivery's outcome is unknown.
LEASE_SECONDS = 300
BATCH_SIZE = 100
# Outcomes are written in small groups: one transaction per group keeps SQLite fast, and a
# crash before a group is written only costs a reconcile, never a duplicate.
RECORD_EVERY = 25
BACKOFF_BASE_SECONDS = 5.0
BACKOFF_CAP_SECONDS = 3600.0
MAX_ATTEMPTS = 12
RECONCILE_SLACK = timedelta(minutes=1)

CLAIMABLE = (Delivery.State.QUEUED, Delivery.State.RETRY_WAIT, Delivery.State.UNKNOWN)
# States a pause may take a delivery out of (and resuming puts back).
PAUSABLE = (Delivery.State.QUEUED, Delivery.State.RETRY_WAIT)
UNFINISHED = (
    Delivery.State.QUEUED,
    Delivery.State.RETRY_WAIT,
    Delivery.State.PAUSED,
    Delivery.State.HELD,
)


def clock() -> datetime:
    """The outbox's notion of now; tests replace it to move time forward."""
    return timezone.now()


# --- payload builders ------------------------------------------------------------------------


@dataclass(frozen=True)
class PayloadHandler:
    build: Callable[[Delivery], OutgoingPost | None]
    on_sent: Callable[[Delivery, SendResult], None] | None = None
    on_failed: Callable[[Delivery], None] | None = None


_HANDLERS: dict[str, PayloadHandler] = {}


def register_payload(
    action: str,
    *,
    build: Callable[[Delivery], OutgoingPost | None],
    on_sent: Callable[[Delivery, SendResult], None] | None = None,
    on_failed: Callable[[Delivery], None] | None = None,
) -> None:
    """Say how to build what a delivery of ``action`` sends, and what to do once it is sent or
    has failed for good. ``build`` may return None when there is nothing to send any more
    (the delivery is then cancelled). Callbacks run inside the transaction that records the
    outcome."""
    _HANDLERS[action] = PayloadHandler(build=build, on_sent=on_sent, on_failed=on_failed)


def enqueue_reply(*, channel: Channel, reply_ref: str, due_at: datetime | None = None) -> Delivery:
    """Queue a reply on ``channel`` in the caller's transaction; the registered ``reply``
    builder makes its payload when the worker sends it. Replies are never paused: a pause
    stops posts, not answers to the public."""
    return Delivery.objects.create(
        force_id=channel.force_id,
        channel=channel,
        action=Delivery.Action.REPLY,
        reply_ref=reply_ref,
        state=Delivery.State.QUEUED,
        due_at=due_at or clock(),
    )


def post_payload(delivery: Delivery) -> OutgoingPost | None:
    """A post's parts, each signed, with its images; None once the post is gone."""
    post = delivery.post
    if post is None or post.state not in (Post.State.SCHEDULED, Post.State.PUBLISHED):
        return None
    return OutgoingPost(key=str(delivery.key), parts=post_parts(post))


def post_parts(post: Post) -> tuple[OutgoingPart, ...]:
    from beatdesk.publishing.signing import signed_parts

    parts = list(post.parts.all())
    texts = signed_parts([part.text for part in parts], post.signature)
    return tuple(
        OutgoingPart(
            text=text,
            images=tuple(
                OutgoingImage(
                    content=_read(image),
                    mime_type=image.mime_type,
                    alt_text=image.alt_text,
                    width=image.width,
                    height=image.height,
                )
                for image in part.images.all()
            ),
        )
        for part, text in zip(parts, texts, strict=True)
    )


def _read(image) -> bytes:
    with image.file.open("rb") as handle:
        return handle.read()


register_payload(Delivery.Action.PUBLISH, build=post_payload)
register_payload(Delivery.Action.EDIT, build=post_payload)
register_payload(Delivery.Action.DELETE, build=lambda d: OutgoingPost(key=str(d.key), parts=()))


# --- queueing posts --------------------------------------------------------------------------


def active_pauses(force_ids: Iterable[int]) -> set[tuple[int, int | None]]:
    """{(force id, account id or None for force-wide)} of the pauses in force now."""
    return set(
        PublishingPause.objects.filter(
            force_id__in=set(force_ids), resumed_at__isnull=True
        ).values_list("force_id", "account_id")
    )


def is_paused(pauses: set[tuple[int, int | None]], delivery: Delivery) -> bool:
    if delivery.action == Delivery.Action.REPLY:
        return False
    return (delivery.force_id, None) in pauses or (
        delivery.force_id,
        delivery.channel.account_id,
    ) in pauses


def enqueue_post(*, post: Post, due_at: datetime) -> list[Delivery]:
    """One publish delivery per channel of the post's account, in the caller's transaction."""
    pauses = active_pauses([post.force_id])
    paused = (post.force_id, None) in pauses or (post.force_id, post.account_id) in pauses
    channels = post.account.channels.exclude(state=Channel.State.DISABLED)
    deliveries = [
        Delivery(
            force_id=post.force_id,
            channel=channel,
            post=post,
            action=Delivery.Action.PUBLISH,
            state=Delivery.State.PAUSED if paused else Delivery.State.QUEUED,
            due_at=due_at,
        )
        for channel in channels
    ]
    return Delivery.objects.bulk_create(deliveries)


def enqueue_followups(*, post: Post, action: str) -> int:
    """After an edit or removal: reach every channel where the post already went out and whose
    network can edit or delete. Unsent publishes need nothing: they build from the post as it
    is when they go out, or are cancelled when it has gone."""
    from beatdesk.networks.registry import transport_for

    sent = Delivery.objects.filter(
        post=post, action=Delivery.Action.PUBLISH, state=Delivery.State.SENT
    ).select_related("channel__force", "channel__account")
    created = 0
    for publish in sent:
        transport = transport_for(publish.channel)
        if action == Delivery.Action.EDIT and not transport.supports_edit:
            continue
        if action == Delivery.Action.DELETE and not transport.supports_delete:
            continue
        # A newer edit makes an older, unsent one pointless (both send the current text).
        Delivery.objects.filter(
            post=post,
            channel=publish.channel,
            action=Delivery.Action.EDIT,
            state__in=UNFINISHED,
        ).update(state=Delivery.State.CANCELLED, updated_at=clock())
        Delivery.objects.create(
            force_id=post.force_id,
            channel=publish.channel,
            post=post,
            action=action,
            target_id=publish.network_id,
            state=Delivery.State.QUEUED,
            due_at=clock(),
        )
        created += 1
    return created


def cancel_unsent(*, post: Post) -> int:
    """Stop publishes that have not gone out (the post was deleted or taken down)."""
    return Delivery.objects.filter(
        post=post,
        action__in=(Delivery.Action.PUBLISH, Delivery.Action.EDIT),
        state__in=UNFINISHED,
    ).update(state=Delivery.State.CANCELLED, updated_at=clock())


# --- the worker ------------------------------------------------------------------------------


@dataclass
class Outcome:
    delivery: Delivery
    kind: str  # sent, retry, unknown, failed, reconnect, held, cancelled, paused
    result: SendResult | None = None
    error: str = ""
    due_at: datetime | None = None
    reconciled: bool = False
    attempted: bool = True


@dataclass
class Batch:
    token: str
    claimed_at: datetime
    deliveries: list[Delivery] = field(default_factory=list)


def backoff_seconds(attempts: int, *, rng: random.Random = random._inst) -> float:  # type: ignore[attr-defined]
    """Exponential backoff with "equal jitter": half fixed, half random, so retries spread."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def expire_leases(now: datetime) -> int:
    """Deliveries whose worker died mid-send: their outcome is unknown, so reconcile them."""
    expired = list(
        Delivery.objects.filter(state=Delivery.State.SENDING, lease_until__lt=now).select_related(
            "channel__account"
        )
    )
    count = 0
    for delivery in expired:
        changed = Delivery.objects.filter(
            pk=delivery.pk, state=Delivery.State.SENDING, lease_until__lt=now
        ).update(
            state=Delivery.State.UNKNOWN,
            needs_reconcile=delivery.action in (Delivery.Action.PUBLISH, Delivery.Action.REPLY),
            claim_token="",
            last_error="The worker stopped while sending; checking with the network.",
            due_at=now,
            updated_at=now,
        )
        if changed:
            count += 1
            audit_record(
                actor=None,
                action="delivery.lease_expired",
                obj=delivery,
                data={"attempts": delivery.attempts},
            )
    return count


def claim(*, now: datetime, limit: int, only_ids: Iterable[int] | None = None) -> Batch:
    """Win up to ``limit`` due deliveries for this worker (see the module docstring)."""
    token = uuid.uuid4().hex
    due = Delivery.objects.filter(
        state__in=CLAIMABLE, due_at__lte=now, channel__state=Channel.State.ACTIVE
    )
    if only_ids is not None:
        due = due.filter(pk__in=list(only_ids))
    due = due.order_by("due_at", "id")
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            Delivery.objects.filter(pk__in=ids, state__in=CLAIMABLE, due_at__lte=now).update(
                state=Delivery.State.SENDING,
                claim_token=token,
                lease_until=now + timedelta(seconds=LEASE_SECONDS),
                last_attempt_at=now,
                updated_at=now,
            )
    batch = Batch(token=token, claimed_at=now)
    if ids:
        batch.deliveries = list(
            Delivery.objects.filter(claim_token=token, state=Delivery.State.SENDING).order_by(
                "due_at", "id"
            )
        )
        # A post goes to several channels and a batch touches few channels: load each post
        # (with its parts and images) and each channel (with its account, force and policy)
        # once, rather than once per delivery.
        posts = {
            post.pk: post
            for post in Post.objects.filter(
                pk__in={d.post_id for d in batch.deliveries if d.post_id}
            ).prefetch_related("parts__images")
        }
        channels = {
            channel.pk: channel
            for channel in Channel.objects.filter(
                pk__in={d.channel_id for d in batch.deliveries}
            ).select_related("account", "force__policy")
        }
        for delivery in batch.deliveries:
            delivery.channel = channels[delivery.channel_id]
            if delivery.post_id:
                delivery.post = posts[delivery.post_id]
            if delivery.force_id == delivery.channel.force_id:
                delivery.force = delivery.channel.force
    return batch


def run_outbox(*, limit: int = BATCH_SIZE, only_ids: Iterable[int] | None = None) -> int:
    """Advance due deliveries once; return how many were advanced."""
    now = clock()
    advanced = expire_leases(now) if only_ids is None else 0
    batch = claim(now=now, limit=limit, only_ids=only_ids)
    if not batch.deliveries:
        return advanced
    pauses = active_pauses({d.force_id for d in batch.deliveries})
    with_hub = set(
        Channel.objects.filter(
            account_id__in={d.channel.account_id for d in batch.deliveries},
            network=Channel.Network.HUB,
        ).values_list("account_id", flat=True)
    )
    for delivery in batch.deliveries:
        delivery.account_has_hub = delivery.channel.account_id in with_hub
    transports: dict[int, Transport] = {}
    limited: dict[int, Outcome] = {}
    pending: list[Outcome] = []
    for delivery in batch.deliveries:
        if _lease_half_spent(batch):
            _renew_leases(batch, pending)
        if delivery.claim_token != batch.token:
            continue  # lost to lease expiry while this batch ran long
        outcome = _attempt(delivery, transports=transports, pauses=pauses, limited=limited)
        pending.append(outcome)
        if len(pending) >= RECORD_EVERY:
            advanced += _record_all(pending, batch.token)
            pending = []
    advanced += _record_all(pending, batch.token)
    return advanced


def _lease_half_spent(batch: Batch) -> bool:
    return clock() > batch.claimed_at + timedelta(seconds=LEASE_SECONDS / 2)


def _renew_leases(batch: Batch, pending: list[Outcome]) -> None:
    """Keep the lease on the rest of a long batch; rows already lost are skipped."""
    now = clock()
    done = {o.delivery.pk for o in pending}
    rest = [d for d in batch.deliveries if d.pk not in done]
    Delivery.objects.filter(
        pk__in=[d.pk for d in rest], state=Delivery.State.SENDING, claim_token=batch.token
    ).update(lease_until=now + timedelta(seconds=LEASE_SECONDS))
    still_mine = set(
        Delivery.objects.filter(
            pk__in=[d.pk for d in rest], state=Delivery.State.SENDING, claim_token=batch.token
        ).values_list("pk", flat=True)
    )
    for delivery in rest:
        if delivery.pk not in still_mine:
            delivery.claim_token = ""
    batch.claimed_at = now


def _is_stale(delivery: Delivery, now: datetime) -> bool:
    if delivery.stale_confirmed or delivery.action not in (
        Delivery.Action.PUBLISH,
        Delivery.Action.REPLY,
    ):
        return False
    intended = delivery.created_at
    if delivery.post is not None and delivery.post.scheduled_for:
        intended = max(intended, delivery.post.scheduled_for)
    limit = timedelta(minutes=delivery.force.policy.stale_after_minutes)
    return now - intended > limit


def _attempt(
    delivery: Delivery,
    *,
    transports: dict[int, Transport],
    pauses: set[tuple[int, int | None]],
    limited: dict[int, Outcome],
) -> Outcome:
    """Send (or reconcile) one claimed delivery and say what happened; records nothing."""
    from beatdesk.networks.registry import transport_for

    now = clock()
    if is_paused(pauses, delivery):
        # Kept as it is (a pending reconcile included) until publishing resumes.
        return Outcome(delivery, "paused", attempted=False)
    earlier = limited.get(delivery.channel_id)
    if earlier is not None:
        # The network already said "slow down" for this channel in this batch.
        return Outcome(
            delivery, "retry", error=earlier.error, due_at=earlier.due_at, attempted=False
        )
    handler = _HANDLERS.get(delivery.action)
    if handler is None:
        return Outcome(
            delivery,
            "retry",
            error=f"Nothing can build a {delivery.action!r} yet.",
            due_at=now + timedelta(minutes=5),
            attempted=False,
        )
    transport = transports.get(delivery.channel_id)
    if transport is None:
        try:
            transport = transports[delivery.channel_id] = transport_for(delivery.channel)
        except Exception as exc:
            # A network whose transport is missing or misconfigured: keep the delivery.
            logger.exception("no transport for channel %s", delivery.channel_id)
            return _retry(delivery, f"Cannot reach {delivery.channel.network}: {exc}", now)
    try:
        payload = handler.build(delivery)
    except Exception as exc:
        logger.exception("building delivery %s failed", delivery.pk)
        return Outcome(delivery, "failed", error=f"Could not prepare the message: {exc}"[:500])
    if payload is None:
        return Outcome(delivery, "cancelled", attempted=False)

    if delivery.needs_reconcile:
        try:
            found = transport.reconcile(payload, sent_after=delivery.created_at - RECONCILE_SLACK)
        except AuthError as exc:
            return Outcome(delivery, "reconnect", error=str(exc))
        except Exception as exc:
            return Outcome(
                delivery,
                "unknown",
                error=f"Could not check yet: {exc}"[:500],
                due_at=now + timedelta(seconds=backoff_seconds(delivery.attempts + 1)),
            )
        if found is not None:
            return Outcome(delivery, "sent", result=found, reconciled=True)
        # The network does not have it: sending now cannot make a second copy.
        delivery.needs_reconcile = False

    if _is_stale(delivery, now):
        return Outcome(
            delivery,
            "held",
            attempted=False,
            error="Held back: it would go out later than the force allows.",
        )

    try:
        if delivery.action == Delivery.Action.DELETE:
            transport.delete(delivery.target_id)
            result = SendResult(network_id=delivery.target_id)
        elif delivery.action == Delivery.Action.EDIT:
            result = transport.edit(delivery.target_id, payload)
        else:
            result = transport.publish(payload)
    except RateLimited as exc:
        wait = (
            exc.retry_after
            if exc.retry_after is not None
            else backoff_seconds(delivery.attempts + 1)
        )
        outcome = Outcome(
            delivery,
            "retry",
            error=str(exc),
            due_at=now + timedelta(seconds=wait + random.uniform(0, 1)),
        )
        limited[delivery.channel_id] = outcome
        return outcome
    except AuthError as exc:
        return Outcome(delivery, "reconnect", error=str(exc))
    except PermanentError as exc:
        return Outcome(delivery, "failed", error=str(exc))
    except OutcomeUnknown as exc:
        return _unknown(delivery, str(exc), now)
    except TransportError as exc:
        return _retry(delivery, str(exc), now)
    except Exception as exc:
        # A bug or an unexpected library error after the request may have left: be safe.
        logger.exception("sending delivery %s raised", delivery.pk)
        return _unknown(delivery, f"Unexpected error: {exc}", now)
    return Outcome(delivery, "sent", result=result)


def _unknown(delivery: Delivery, error: str, now: datetime) -> Outcome:
    if delivery.action in (Delivery.Action.EDIT, Delivery.Action.DELETE):
        # Editing or deleting twice does no harm: just try again.
        return _retry(delivery, error, now)
    return Outcome(
        delivery,
        "unknown",
        error=error,
        due_at=now + timedelta(seconds=backoff_seconds(delivery.attempts + 1)),
    )


def _retry(delivery: Delivery, error: str, now: datetime) -> Outcome:
    if delivery.attempts + 1 >= MAX_ATTEMPTS:
        return Outcome(delivery, "failed", error=f"Gave up after {MAX_ATTEMPTS} attempts: {error}")
    return Outcome(
        delivery,
        "retry",
        error=error,
        due_at=now + timedelta(seconds=backoff_seconds(delivery.attempts + 1)),
    )


RECORDED_FIELDS = [
    "state", "claim_token", "lease_until", "last_error", "updated_at", "needs_reconcile",
    "attempts", "due_at", "network_id", "url", "sent_at",
]  # fmt: skip


def _record_all(outcomes: list[Outcome], token: str) -> int:
    """Write a group of outcomes in one transaction: only rows still ours (state sending,
    our claim token) are written, in one UPDATE; then their audit events and follow-ups."""
    if not outcomes:
        return 0
    with transaction.atomic():
        ids = [o.delivery.pk for o in outcomes]
        still_mine = Delivery.objects.filter(
            pk__in=ids, state=Delivery.State.SENDING, claim_token=token
        )
        if connection.features.has_select_for_update:
            still_mine = still_mine.select_for_update(of=("self",))
        mine = set(still_mine.values_list("pk", flat=True))
        kept = []
        for outcome in outcomes:
            if outcome.delivery.pk not in mine:
                # Our lease ran out and another worker took over; it reconciles: nothing lost.
                logger.warning(
                    "delivery %s: outcome %s arrived after the lease",
                    outcome.delivery.pk,
                    outcome.kind,
                )
                continue
            _apply(outcome)
            kept.append(outcome)
        _write_outcomes([o.delivery for o in kept])
        _refresh_post_states(kept)
        published = [o.delivery for o in kept if o.kind == "sent" and _makes_public(o.delivery)]
        if published:
            Post.objects.filter(
                pk__in={d.post_id for d in published}, state=Post.State.SCHEDULED
            ).update(state=Post.State.PUBLISHED, published_at=clock(), updated_at=timezone.now())
        # Every attempt is audited: one write per audit chain for the whole group.
        audit_record_many([_attempt_event(o) for o in kept])
        for outcome in kept:
            _after_record(outcome)
    return len(kept)


STATE_FOR = {
    "sent": Delivery.State.SENT,
    "retry": Delivery.State.RETRY_WAIT,
    "unknown": Delivery.State.UNKNOWN,
    "failed": Delivery.State.FAILED,
    "reconnect": Delivery.State.RETRY_WAIT,
    "held": Delivery.State.HELD,
    "cancelled": Delivery.State.CANCELLED,
    "paused": Delivery.State.PAUSED,
}


def _write_outcomes(deliveries: list[Delivery]) -> None:
    """One prepared UPDATE run for every row: the worker's hot path (see ``core.rows``)."""
    update_rows(deliveries, RECORDED_FIELDS)


def _refresh_post_states(kept: list[Outcome]) -> None:
    """Lock and re-read the posts just sent: one deleted meanwhile needs a follow-up deletion.
    ``post_delete`` locks the post first too, so one of the two always sees the other."""
    post_ids = {
        o.delivery.post_id
        for o in kept
        if o.kind == "sent" and o.delivery.action == Delivery.Action.PUBLISH and o.delivery.post_id
    }
    if not post_ids:
        return
    posts = Post.objects.filter(pk__in=post_ids)
    if connection.features.has_select_for_update:
        posts = posts.select_for_update(of=("self",))
    states = dict(posts.values_list("pk", "state"))
    for outcome in kept:
        post = outcome.delivery.post
        if post is not None and post.pk in states:
            post.state = states[post.pk]


def _apply(outcome: Outcome) -> None:
    delivery = outcome.delivery
    now = clock()
    delivery.state = STATE_FOR[outcome.kind]
    delivery.claim_token = ""
    delivery.lease_until = None
    delivery.last_error = outcome.error[:500]
    delivery.updated_at = now
    delivery.needs_reconcile = outcome.kind == "unknown" or delivery.needs_reconcile
    if outcome.attempted:
        delivery.attempts += 1
    if outcome.due_at is not None:
        delivery.due_at = outcome.due_at
    if outcome.kind == "reconnect":
        delivery.due_at = now
    if outcome.kind == "sent":
        assert outcome.result is not None
        delivery.network_id = outcome.result.network_id[:200]
        delivery.url = outcome.result.url[:500]
        delivery.sent_at = now
        delivery.needs_reconcile = False
        delivery.last_error = ""


def _attempt_event(outcome: Outcome):
    delivery = outcome.delivery
    return audit_event(
        actor=None,
        action=f"delivery.{outcome.kind}",
        obj=delivery,
        force=delivery.force,
        data={
            "attempt": delivery.attempts,
            "network": delivery.channel.network,
            "delivery_action": delivery.action,
            **({"error": outcome.error[:300]} if outcome.error else {}),
            **({"url": delivery.url} if outcome.kind == "sent" else {}),
            **({"reconciled": True} if outcome.reconciled else {}),
        },
    )


def _after_record(outcome: Outcome) -> None:
    delivery = outcome.delivery
    handler = _HANDLERS.get(delivery.action)
    if outcome.kind == "sent":
        _after_sent(delivery)
        if handler is not None and handler.on_sent is not None and outcome.result is not None:
            handler.on_sent(delivery, outcome.result)
    elif outcome.kind == "failed":
        _after_failed(delivery)
        if handler is not None and handler.on_failed is not None:
            handler.on_failed(delivery)
    elif outcome.kind == "reconnect":
        channel_needs_reconnect(delivery.channel, outcome.error)


def _makes_public(delivery: Delivery) -> bool:
    """The hub delivery is the moment a post becomes public (or any, without a hub)."""
    post = delivery.post
    if post is None or delivery.action != Delivery.Action.PUBLISH:
        return False
    if post.state != Post.State.SCHEDULED:
        return False
    has_hub = getattr(delivery, "account_has_hub", None)
    if has_hub is None:
        has_hub = _has_hub(post)
    return delivery.channel.network == Channel.Network.HUB or not has_hub


def _after_sent(delivery: Delivery) -> None:
    post = delivery.post
    if post is None or delivery.action != Delivery.Action.PUBLISH:
        return
    if post.state in (Post.State.DELETED, Post.State.TAKEN_DOWN):
        # It went out as it was being removed: follow it with a deletion.
        from beatdesk.networks.registry import transport_for

        if transport_for(delivery.channel).supports_delete:
            Delivery.objects.create(
                force_id=delivery.force_id,
                channel=delivery.channel,
                post=post,
                action=Delivery.Action.DELETE,
                target_id=delivery.network_id,
                due_at=clock(),
            )


def _has_hub(post: Post) -> bool:
    return post.account.channels.filter(network=Channel.Network.HUB).exists()


def _after_failed(delivery: Delivery) -> None:
    post = delivery.post
    if post is None:
        return
    Notification.objects.create(
        force_id=delivery.force_id,
        officer_id=post.author_id,
        post=post,
        text=(
            f"Your post could not be sent to {delivery.channel.get_network_display()} "
            f"({delivery.channel.account.name}): {delivery.last_error}"
        )[:600],
    )


def channel_needs_reconnect(channel: Channel, error: str) -> None:
    """The network refused the channel's credentials: mark it "needs reconnect" (nothing is
    sent or fetched on it until a force admin reconnects it) and tell the account's team
    leads, or comms and admins for a force account. Call inside a transaction."""
    from beatdesk.forces.services import channel_set_state
    from beatdesk.people.models import ForceRole, Membership, Officer

    fresh = Channel.objects.select_for_update().get(pk=channel.pk)
    if fresh.state != Channel.State.ACTIVE:
        return
    channel_set_state(actor=None, channel=fresh, state=Channel.State.NEEDS_RECONNECT, reason=error)
    account = channel.account
    if account.district_id:
        leads = Officer.objects.filter(
            memberships__district_id=account.district_id,
            memberships__role=Membership.Role.LEAD,
            is_active=True,
        )
    else:
        leads = Officer.objects.filter(
            Q(force_id=account.force_id, force_role=ForceRole.COMMS)
            | Q(force_id=account.force_id, force_role=ForceRole.ADMIN),
            is_active=True,
        )
    Notification.objects.bulk_create(
        Notification(
            force_id=channel.force_id,
            officer=lead,
            text=(
                f"{account.name} on {channel.get_network_display()} needs reconnecting: "
                f"{error} Posts for it are kept and go out once it is reconnected."
            )[:600],
        )
        for lead in leads
    )
