"""Reads about posts and deliveries for the desk, always within the officer's force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from beatdesk.core.permissions import can
from beatdesk.forces.models import Account, Channel
from beatdesk.jobs.health import waiting_since
from beatdesk.people.models import Officer
from beatdesk.publishing.models import (
    Delivery,
    Notification,
    Post,
    PostPart,
    PublishingPause,
)


def _posts(force_id: int) -> QuerySet[Post]:
    return (
        Post.objects.filter(force_id=force_id)
        .select_related("account", "author", "account__district")
        .prefetch_related(
            Prefetch("parts", queryset=PostPart.objects.prefetch_related("images")),
            "tags",
            Prefetch(
                "deliveries",
                queryset=Delivery.objects.select_related("channel").order_by(
                    "channel__network", "id"
                ),
            ),
        )
        .order_by("-created_at", "-id")
    )


def posts_by_author(*, officer: Officer, limit: int = 50) -> list[Post]:
    return list(_posts(officer.force_id).filter(author=officer)[:limit])


def post_for_desk(*, officer: Officer, post_id: int) -> Post | None:
    """The post if the officer may see it on the desk (author, account team, comms)."""
    post = _posts(officer.force_id).filter(pk=post_id).first()
    if post is None or not can(officer, "view", post):
        return None
    return post


def posts_waiting_for(*, officer: Officer) -> list[Post]:
    """Posts waiting for this officer's approval."""
    waiting = _posts(officer.force_id).filter(state=Post.State.PENDING_APPROVAL)
    return [post for post in waiting if can(officer, "approve", post)]


def posts_in_scope(*, officer: Officer, limit: int = 50) -> list[Post]:
    """Recent posts on the accounts this officer runs (leads: their district; comms: all)."""
    managed = [
        a.pk
        for a in Account.objects.filter(force_id=officer.force_id).select_related("officer")
        if can(officer, "manage", a)
    ]
    return list(_posts(officer.force_id).filter(account_id__in=managed)[:limit])


def held_deliveries(*, officer: Officer) -> list[Delivery]:
    held = Delivery.objects.filter(
        force_id=officer.force_id, state=Delivery.State.HELD
    ).select_related("channel__account", "post__author")
    return [d for d in held if can(officer, "confirm", d)]


# Deliveries due this long and not yet taken by a worker mean no worker is sending.
DELIVERIES_OVERDUE_AFTER = timedelta(minutes=2)


def deliveries_overdue(
    *, force_id: int | None, now: datetime | None = None
) -> tuple[int, datetime] | None:
    """How many of a force's deliveries (every force's, for ``None``: posts, replies, edits,
    deletions) were due more than ``DELIVERIES_OVERDUE_AFTER`` ago and are still waiting for a
    worker to send them, and since when the oldest was due; None otherwise. A delivery waiting
    for a paused account, a confirmation or a network to come back is not overdue: paused and
    held ones are not due, retries are due when their wait ends, and a channel that is not
    active is skipped by the worker until it is reconnected."""
    from beatdesk.publishing.outbox import CLAIMABLE

    waiting = Delivery.objects.filter(state__in=CLAIMABLE, channel__state=Channel.State.ACTIVE)
    if force_id is not None:
        waiting = waiting.filter(force_id=force_id)
    return waiting_since(
        waiting,
        since="due_at",
        oldest_first="due_at",
        older_than=(now or timezone.now()) - DELIVERIES_OVERDUE_AFTER,
    )


def active_pauses_of(*, force_id: int) -> list[PublishingPause]:
    return list(
        PublishingPause.objects.filter(force_id=force_id, resumed_at__isnull=True).select_related(
            "account", "paused_by"
        )
    )


def pause_covering(*, account: Account) -> PublishingPause | None:
    return (
        PublishingPause.objects.filter(force_id=account.force_id, resumed_at__isnull=True)
        .filter(account__isnull=True)
        .first()
        or PublishingPause.objects.filter(account=account, resumed_at__isnull=True).first()
    )


def notifications_for(*, officer: Officer, limit: int = 30) -> list[Notification]:
    return list(Notification.objects.filter(officer=officer).select_related("post")[:limit])


def unread_count(*, officer: Officer) -> int:
    return Notification.objects.filter(officer=officer, read_at__isnull=True).count()


@dataclass(frozen=True)
class Status:
    label: str
    tone: str  # ok, warn, danger, neutral (the desk's status colours)
    detail: str = ""
    url: str = ""


def delivery_status(delivery: Delivery, *, zone=None) -> Status:
    """What an officer needs to know about one delivery, in words, in the force's time zone."""
    state = delivery.state

    def when(value):
        return timezone.localtime(value, zone)

    if state == Delivery.State.SENT:
        return Status(
            "Sent",
            "ok",
            f"at {when(delivery.sent_at):%H:%M}" if delivery.sent_at else "",
            delivery.url,
        )
    if state == Delivery.State.CANCELLED:
        return Status("Cancelled", "neutral")
    if state == Delivery.State.FAILED:
        return Status("Failed", "danger", delivery.last_error)
    if delivery.channel.state == Channel.State.NEEDS_RECONNECT:
        return Status(
            "Needs reconnect",
            "danger",
            "The network refused our login; this goes out once the account is reconnected.",
        )
    if state == Delivery.State.HELD:
        return Status("Held", "warn", "It would go out late: a person must confirm or cancel it.")
    if state == Delivery.State.PAUSED:
        return Status("Paused", "warn", "Publishing is paused; this goes out when it resumes.")
    if state == Delivery.State.UNKNOWN:
        return Status("Checking", "warn", delivery.last_error or "Checking whether it arrived.")
    if state == Delivery.State.RETRY_WAIT:
        return Status(
            "Retrying",
            "warn",
            f"Next try at {when(delivery.due_at):%H:%M:%S}. Last error: {delivery.last_error}",
        )
    if state == Delivery.State.SENDING:
        return Status("Sending", "neutral")
    if delivery.due_at > timezone.now():
        return Status("Scheduled", "neutral", f"for {when(delivery.due_at):%a %d %b %H:%M}")
    return Status("Queued", "neutral")
