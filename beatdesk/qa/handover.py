"""Where Q&A sessions meet the inbox.

- A public message that arrives through ``inbox.ingest.message_ingest`` during an open session,
  on one of its accounts, becomes a question (``question_from_message``). It stays in its inbox
  conversation too, labelled with the session, so nothing depends on the session alone.
- Staff can move an inbox message into a session (``question_from_inbox``).
- An emergency asked on the hub session page is stored as an urgent inbox message, which raises
  the inbox's emergency alert (``emergency_from_hub``); it never waits in the Q&A queue.
- When a session closes, each unanswered question becomes (or goes back to being) an inbox
  conversation for its district team (``hand_over``).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from beatdesk.audit.services import audit_record
from beatdesk.people.models import Officer
from beatdesk.qa.models import Question, Session

# Categories a mention (without the hashtag) must have to count as a session question.
MENTION_CATEGORIES = {"question"}
# With the hashtag, everything but these goes to the session: they need the district team.
NOT_FOR_SESSION = {"emergency", "crime_report"}
PUBLIC_KINDS = ("mention", "reply")
UNANSWERED_LABEL = "Q&A: not answered"
_LEADING_MENTIONS = re.compile(r"^(?:\s*@\w[\w.@-]*)+\s*")


def session_label(session: Session) -> str:
    return f"Q&A {session.hashtag_text}"[:40]


def _hashtag_re(session: Session) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w#])#{re.escape(session.hashtag)}(?!\w)", re.IGNORECASE)


def question_text(session: Session, text: str) -> str:
    """The question as the public page shows it: without the leading @mentions and hashtag."""
    cleaned = _hashtag_re(session).sub(" ", text)
    cleaned = _LEADING_MENTIONS.sub("", cleaned)
    return " ".join(cleaned.split()) or text.strip()


def _label(conversation, name: str) -> None:
    from beatdesk.inbox.models import Label

    label, _ = Label.objects.get_or_create(force_id=conversation.force_id, name=name)
    conversation.labels.add(label)


def _bump(session: Session) -> None:
    from beatdesk.qa.services import bump_version

    bump_version(session)


def question_from_message(message) -> Question | None:
    """See ``services.question_from_message``; called inside the ingestion's transaction."""
    from beatdesk.qa.services import _create_question

    if message.direction != "in" or message.is_emergency or message.kind not in PUBLIC_KINDS:
        return None
    if message.account_id is None:
        return None
    when = message.received_at or timezone.now()
    candidates = Session.objects.filter(
        force_id=message.force_id,
        accounts=message.account_id,
        closed_at__isnull=True,
        cancelled_at__isnull=True,
        ends_at__gt=when,
    ).order_by("ends_at", "id")
    for session in candidates:
        if not session.accepts_questions(when):
            continue
        tagged = bool(_hashtag_re(session).search(message.text))
        if tagged and message.category in NOT_FOR_SESSION:
            continue
        if not tagged and not (
            message.kind == "mention" and message.category in MENTION_CATEGORIES
        ):
            continue
        question = _create_question(
            session=session,
            text=question_text(session, message.text)[:2000],
            source=Question.Source.NETWORK,
            category=message.category,
            asker_name=(message.author_name or message.author_handle)[:80],
            channel=message.channel,
            network_id=message.network_id,
            inbox_message_id=message.pk,
            created_at=when,
        )
        _label(message.conversation, session_label(session))
        audit_record(
            actor=None,
            action="qa.question.from_network",
            obj=question,
            data={"message": message.pk, "tagged": tagged, "category": message.category},
        )
        _bump(session)
        return question
    return None


def question_from_inbox(*, actor: Officer, message, session: Session) -> Question:
    """A moderator moves a public inbox message into the session (approved: they read it)."""
    from beatdesk.qa.services import _create_question

    if message.force_id != session.force_id:
        raise ValidationError("That message belongs to another force.")
    if message.direction != "in":
        raise ValidationError("Only messages from the public can become questions.")
    if message.is_emergency:
        raise ValidationError(
            "This message was triaged as an emergency: it stays in the inbox's urgent queue."
        )
    if session.is_closed or timezone.now() >= session.ends_at:
        raise ValidationError("The session has closed.")
    if Question.objects.filter(session=session, inbox_message_id=message.pk).exists():
        raise ValidationError("That message is already a question in this session.")
    try:
        with transaction.atomic():
            question = _create_question(
                session=session,
                text=question_text(session, message.text)[:2000],
                source=Question.Source.INBOX,
                category=message.category,
                asker_name=(message.author_name or message.author_handle)[:80],
                channel=message.channel if message.network_id else None,
                network_id=message.network_id,
                inbox_message_id=message.pk,
            )
    except IntegrityError as exc:
        raise ValidationError("That message is already a question in this session.") from exc
    if question.state == Question.State.PENDING:
        question.state = Question.State.APPROVED
        question.moderated_by = actor
        question.moderated_at = timezone.now()
        question.save(update_fields=["state", "moderated_by", "moderated_at"])
    _label(message.conversation, session_label(session))
    audit_record(
        actor=actor,
        action="qa.question.from_inbox",
        obj=question,
        data={"message": message.pk, "conversation": message.conversation_id},
    )
    _bump(session)
    return question


def _entry(session: Session):
    """The account and channel a hub question enters the inbox through: the session's first
    district account (so triage's home district is right), else its first account."""
    accounts = list(session.accounts.select_related("district").order_by("kind", "pk"))
    account = next((a for a in accounts if a.district_id), accounts[0] if accounts else None)
    channel = account.channels.filter(network="hub").first() if account else None
    return account, channel


def emergency_from_hub(*, session: Session, text: str, asker_name: str, now: datetime):
    """Store an emergency asked on the session page as an urgent inbox message (the alert)."""
    from beatdesk.inbox.ingest import message_ingest
    from beatdesk.inbox.models import Message

    account, channel = _entry(session)
    with transaction.atomic():
        message = message_ingest(
            force=session.force,
            channel=channel,
            account=account,
            network_id=f"{Message.QA_ID_PREFIX}emergency-{uuid.uuid4().hex}",
            text=text,
            author_handle="",
            author_name=asker_name,
            kind="hub_form",
            received_at=now,
        )
        audit_record(
            actor=None,
            action="qa.question.emergency",
            obj=session,
            data={"message": message.pk, "conversation": message.conversation_id},
        )
    return message


def hand_over(*, question: Question, now: datetime) -> bool:
    """Make an unanswered question an inbox conversation for its district team (once)."""
    from beatdesk.inbox.ingest import message_ingest
    from beatdesk.inbox.models import Conversation, Message

    won = Question.objects.filter(pk=question.pk, handed_over_at__isnull=True).update(
        handed_over_at=now
    )
    if not won:
        return False
    session = question.session
    if question.inbox_message_id is not None:
        message = Message.objects.select_related("conversation").get(pk=question.inbox_message_id)
        conversation = message.conversation
        if conversation.status in (Conversation.Status.WAITING, Conversation.Status.RESOLVED):
            Conversation.objects.filter(pk=conversation.pk).update(
                status=Conversation.Status.OPEN, awaiting_since=message.received_at
            )
    else:
        account, channel = _entry(session)
        message = message_ingest(
            force=session.force,
            channel=channel,
            account=account,
            network_id=f"{Message.QA_ID_PREFIX}question-{question.pk}",
            text=question.text,
            author_handle="",
            author_name=question.asker_name,
            kind="hub_form",
            received_at=question.created_at,
        )
        conversation = message.conversation
    _label(conversation, session_label(session))
    _label(conversation, UNANSWERED_LABEL)
    Question.objects.filter(pk=question.pk).update(
        handed_over_ref=f"conversation:{conversation.pk}"
    )
    audit_record(
        actor=None,
        action="qa.question.hand_over",
        obj=question,
        data={"conversation": conversation.pk, "message": message.pk},
    )
    return True
