"""The session's announcement and reminder: ordinary posts on each of its accounts, signed by
the comms officer who created the session, scheduled through the publishing service (so they
go out through the outbox, can be paused, and appear on the hub like any other post)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from beatdesk.people.models import Officer
from beatdesk.qa.models import Session

# The reminder goes out this long before the start (if that is still ahead).
REMINDER_BEFORE = timedelta(hours=1)
# No reminder when the session starts this soon after the announcement: it would be noise.
REMINDER_MIN_GAP = timedelta(minutes=30)


def _when(session: Session) -> str:
    local_start = timezone.localtime(session.starts_at, session.force.policy.zone)
    local_end = timezone.localtime(session.ends_at, session.force.policy.zone)
    day = f"{local_start:%A} {local_start.day} {local_start:%B}"
    return f"{day}, {local_start:%H:%M}-{local_end:%H:%M}"


def announcement_text(session: Session) -> str:
    return (
        f"Live Q&A: {session.title}, {_when(session)}. Ask our officers with "
        f"{session.hashtag_text} or on the Q&A page of our website. "
        f"Not for emergencies: call {session.force.policy.emergency_phone}."
    )


def reminder_text(session: Session) -> str:
    local_start = timezone.localtime(session.starts_at, session.force.policy.zone)
    return (
        f"Starting at {local_start:%H:%M}: live Q&A, {session.title}. Send your questions with "
        f"{session.hashtag_text}. Not for emergencies: call "
        f"{session.force.policy.emergency_phone}."
    )


def schedule(*, actor: Officer, session: Session, now: datetime) -> None:
    """Create the announcement (now) and the reminder (an hour before) on every account."""
    from beatdesk.publishing.services import PartInput, post_create

    announcement = announcement_text(session)
    reminder_at = session.starts_at - REMINDER_BEFORE
    with_reminder = reminder_at - now >= REMINDER_MIN_GAP
    first_announcement = first_reminder = None
    for account in session.accounts.all():
        try:
            post = post_create(
                actor=actor,
                account=account,
                parts=[PartInput(text=announcement)],
                client_token=f"qa-{session.pk}-announce-{account.pk}",
            )
            first_announcement = first_announcement or post
            if with_reminder:
                post = post_create(
                    actor=actor,
                    account=account,
                    parts=[PartInput(text=reminder_text(session))],
                    client_token=f"qa-{session.pk}-remind-{account.pk}",
                    scheduled_for=reminder_at,
                )
                first_reminder = first_reminder or post
        except ValidationError as exc:
            # Too long for a network with this title, or too far ahead: the person fixes it.
            raise ValidationError(
                {
                    "title": [
                        f"The announcement on {account.name} could not be scheduled: {m}"
                        for m in exc.messages
                    ]
                }
            ) from exc
    Session.objects.filter(pk=session.pk).update(
        announcement_post=first_announcement, reminder_post=first_reminder
    )
    session.announcement_post = first_announcement
    session.reminder_post = first_reminder


def change_text(session: Session) -> str:
    return (
        f"Change of plan: our live Q&A is now {session.title}, {_when(session)}. Ask with "
        f"{session.hashtag_text} or on the Q&A page of our website. Not for emergencies: call "
        f"{session.force.policy.emergency_phone}."
    )


def cancellation_text(session: Session) -> str:
    return (
        f"Cancelled: our live Q&A {session.title} ({_when(session)}) will not go ahead. We are "
        f"sorry. Questions already sent will still be answered. Not for emergencies: call "
        f"{session.force.policy.emergency_phone}."
    )


def _withdraw_reminders(*, actor: Officer, session: Session, reason: str) -> None:
    """Take down reminders that have not gone out yet (they would now be wrong)."""
    from beatdesk.publishing.models import Post
    from beatdesk.publishing.services import post_take_down

    pending = Post.objects.filter(
        force_id=session.force_id,
        client_token__startswith=f"qa-{session.pk}-remind-",
        state__in=(Post.State.SCHEDULED, Post.State.PENDING_APPROVAL),
    )
    for post in pending:
        post_take_down(actor=actor, post=post, reason=reason)


def _post_everywhere(*, actor: Officer, session: Session, text: str, token: str) -> None:
    from beatdesk.publishing.services import PartInput, post_create

    for account in session.accounts.all():
        try:
            post_create(
                actor=actor,
                account=account,
                parts=[PartInput(text=text)],
                client_token=f"qa-{session.pk}-{token}-{account.pk}",
            )
        except ValidationError as exc:
            raise ValidationError(
                {
                    "title": [
                        f"The notice on {account.name} could not be posted: {m}"
                        for m in exc.messages
                    ]
                }
            ) from exc


def announce_change(*, actor: Officer, session: Session, now: datetime) -> None:
    """After a change people must know about: a notice on every account now, and the
    reminder moved to an hour before the (new) start."""
    from beatdesk.publishing.services import PartInput, post_create

    _withdraw_reminders(actor=actor, session=session, reason="The Q&A session changed.")
    _post_everywhere(
        actor=actor, session=session, text=change_text(session), token=f"change-{session.version}"
    )
    reminder_at = session.starts_at - REMINDER_BEFORE
    if reminder_at - now < REMINDER_MIN_GAP:
        return
    for account in session.accounts.all():
        post_create(
            actor=actor,
            account=account,
            parts=[PartInput(text=reminder_text(session))],
            client_token=f"qa-{session.pk}-remind-{account.pk}-v{session.version}",
            scheduled_for=reminder_at,
        )


def announce_cancellation(*, actor: Officer, session: Session, now: datetime) -> None:
    _withdraw_reminders(actor=actor, session=session, reason="The Q&A session was cancelled.")
    _post_everywhere(actor=actor, session=session, text=cancellation_text(session), token="cancel")
