"""Writes for Q&A sessions: create and close sessions, collect, moderate, group and answer
questions. Each checks permission, validates, saves in a transaction and writes the audit trail.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from beatdesk.audit.services import audit_record
from beatdesk.core.permissions import require
from beatdesk.forces.models import Account, Force
from beatdesk.hub.generation import content_changed
from beatdesk.people.models import Officer
from beatdesk.people.signatures import signature_for
from beatdesk.qa import similarity
from beatdesk.qa.models import Answer, MeToo, Question, Session

MAX_QUESTION_LENGTH = 500
MAX_ANSWER_LENGTH = 2000
MAX_NAME_LENGTH = 80
HASHTAG_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{1,59}$")
T = TypeVar("T")
# Triage categories that are held for a moderator instead of waiting in the normal queue.
HELD_CATEGORIES = {"abuse": "abusive", "spam": "spam"}


def guarded(action: str, target: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Check permission before the transaction opens, so a refusal's audit row is not rolled
    back with it; then run the service in one transaction."""

    def wrap(fn: Callable[..., T]) -> Callable[..., T]:
        atomic_fn = transaction.atomic(fn)

        @functools.wraps(fn)
        def checked(**kwargs) -> T:
            require(kwargs["actor"], action, kwargs[target])
            return atomic_fn(**kwargs)

        return checked

    return wrap


def bump_version(session: Session) -> None:
    """Tell live pages something they show has changed (their ETag moves on)."""
    Session.objects.filter(pk=session.pk).update(version=F("version") + 1)
    from beatdesk.qa import live

    # Forget now (this request) and again once committed (a poll in between may have
    # re-read the old version; it would otherwise keep it for up to live.VERSION_TTL).
    live.forget(session.pk)
    transaction.on_commit(lambda: live.forget(session.pk))


# --- Sessions --------------------------------------------------------------------------------


def _unique_slug(force: Force, title: str, starts_at: datetime) -> str:
    local = timezone.localtime(starts_at, force.policy.zone)
    base = slugify(f"{title} {local:%Y-%m-%d}")[:70] or "session"
    candidate, n = base, 2
    while Session.objects.filter(force=force, slug=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def session_create(
    *,
    actor: Officer,
    title: str,
    description: str = "",
    accounts: Iterable[Account],
    starts_at: datetime,
    ends_at: datetime,
    hashtag: str,
    panel: Iterable[Officer],
    opens_early: bool = False,
    now: datetime | None = None,
) -> Session:
    """Create a session on the given accounts with its panel; announce it and remind people."""
    accounts = list(accounts)
    require(actor, "create_qa_session", actor.force)
    for account in accounts:
        require(actor, "post", account)
    with transaction.atomic():
        return _session_create(
            actor=actor,
            title=title,
            description=description,
            accounts=accounts,
            starts_at=starts_at,
            ends_at=ends_at,
            hashtag=hashtag,
            panel=panel,
            opens_early=opens_early,
            now=now,
        )


def _session_create(
    *,
    actor: Officer,
    title: str,
    description: str,
    accounts: list[Account],
    starts_at: datetime,
    ends_at: datetime,
    hashtag: str,
    panel: Iterable[Officer],
    opens_early: bool,
    now: datetime | None,
) -> Session:
    force = actor.force
    now = now or timezone.now()
    accounts = list(accounts)
    panel = list(panel)
    hashtag = hashtag.strip().lstrip("#")
    _check_session(
        force=force,
        title=title,
        accounts=accounts,
        panel=panel,
        hashtag=hashtag,
        starts_at=starts_at,
        ends_at=ends_at,
        now=now,
    )
    session = Session.objects.create(
        force=force,
        slug=_unique_slug(force, title, starts_at),
        title=title.strip(),
        description=description.strip(),
        hashtag=hashtag,
        starts_at=starts_at,
        ends_at=ends_at,
        opens_early=opens_early,
        created_by=actor,
    )
    session.accounts.set(accounts)
    session.panel.set(panel)
    audit_record(
        actor=actor,
        action="qa.session.create",
        obj=session,
        data={
            "accounts": [a.slug for a in accounts],
            "panel": [o.pk for o in panel],
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
            "hashtag": hashtag,
            "opens_early": opens_early,
        },
    )
    from beatdesk.qa import announcements

    announcements.schedule(actor=actor, session=session, now=now)
    return session


def _check_session(
    *,
    force: Force,
    title: str,
    accounts: list[Account] | None,
    panel: list[Officer],
    hashtag: str,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    started: bool = False,
) -> None:
    """Every problem with a session's details at once, by field (``started``: the session is
    already live, so its start is history and only its end must lie ahead)."""
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Give the session a title, such as “Ask York's neighbourhood team”."
    if accounts is not None:
        if not accounts:
            errors["accounts"] = "Choose at least one account the session runs on."
        elif any(a.force_id != force.pk or not a.is_active for a in accounts):
            errors["accounts"] = "Every account must be an active account of your force."
    if not panel:
        errors["panel"] = "Choose at least one officer to answer questions."
    elif any(o.force_id != force.pk or not o.is_active for o in panel):
        errors["panel"] = "Every panel member must be an active officer of your force."
    if not HASHTAG_RE.match(hashtag):
        errors["hashtag"] = (
            "A hashtag is a letter followed by letters, digits or underscores, such as AskYorkPolice."
        )
    if not started and starts_at <= now:
        errors["starts_at"] = "The session must start in the future."
    if ends_at <= starts_at:
        errors["ends_at"] = "The session must end after it starts."
    elif ends_at - starts_at > timedelta(hours=12):
        errors["ends_at"] = "A live session can last at most 12 hours."
    elif started and ends_at <= now:
        errors["ends_at"] = "The session is live: its end must still be ahead (or close it now)."
    if errors:
        raise ValidationError(errors)


def session_update(
    *,
    actor: Officer,
    session: Session,
    title: str,
    description: str = "",
    starts_at: datetime,
    ends_at: datetime,
    hashtag: str,
    panel: Iterable[Officer],
    opens_early: bool = False,
    now: datetime | None = None,
) -> Session:
    """Change a session that has not ended. Its accounts stay as announced. Once it is live
    its start cannot move. When the time, title or hashtag change, an update is posted on
    each account (the announcement already went out) and the reminder is rescheduled."""
    require(actor, "run", session)
    now = now or timezone.now()
    panel = list(panel)
    hashtag = hashtag.strip().lstrip("#")
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.is_closed or now >= session.ends_at:
            raise ValidationError("The session has ended; it can no longer be changed.")
        started = now >= session.starts_at
        if started and starts_at != session.starts_at:
            raise ValidationError({"starts_at": "The session has started; its start cannot move."})
        _check_session(
            force=session.force,
            title=title,
            accounts=None,
            panel=panel,
            hashtag=hashtag,
            starts_at=starts_at,
            ends_at=ends_at,
            now=now,
            started=started,
        )
        before = {
            "title": session.title,
            "starts_at": session.starts_at.isoformat(),
            "ends_at": session.ends_at.isoformat(),
            "hashtag": session.hashtag,
        }
        public_change = (
            title.strip() != session.title
            or starts_at != session.starts_at
            or ends_at != session.ends_at
            or hashtag != session.hashtag
        )
        session.title = title.strip()
        session.description = description.strip()
        session.starts_at = starts_at
        session.ends_at = ends_at
        session.hashtag = hashtag
        session.opens_early = opens_early
        session.save(
            update_fields=["title", "description", "starts_at", "ends_at", "hashtag", "opens_early"]
        )
        session.panel.set(panel)
        bump_version(session)
        audit_record(
            actor=actor,
            action="qa.session.update",
            obj=session,
            data={
                "before": before,
                "panel": [o.pk for o in panel],
                "opens_early": opens_early,
                "announced_change": public_change,
            },
        )
        if public_change:
            from beatdesk.qa import announcements

            announcements.announce_change(actor=actor, session=session, now=now)
    return session


def session_cancel(
    *, actor: Officer, session: Session, reason: str, now: datetime | None = None
) -> Session:
    """Call a session off: its page says so, the reminder is withdrawn, a notice goes out on
    each account, and any questions already asked go to the inbox to be answered there."""
    require(actor, "run", session)
    now = now or timezone.now()
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Say why: the reason is kept in the audit trail."})
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.is_closed or now >= session.ends_at:
            raise ValidationError("The session has already ended or been cancelled.")
        session.cancelled_at = now
        session.save(update_fields=["cancelled_at"])
        bump_version(session)
        audit_record(actor=actor, action="qa.session.cancel", obj=session, reason=reason[:500])
        from beatdesk.qa import announcements

        announcements.announce_cancellation(actor=actor, session=session, now=now)
    handover_unanswered(session=session, now=now)
    return session


def session_close(*, actor: Officer | None, session: Session, now: datetime | None = None) -> bool:
    """Close the session to new questions and hand every unanswered question to the inbox.

    ``actor`` None is the worker closing it at its end time. Returns False when it was
    already closed (two workers, or comms closing early while the job runs).
    """
    if actor is not None:
        require(actor, "run", session)
    now = now or timezone.now()
    with transaction.atomic():
        won = Session.objects.filter(pk=session.pk, closed_at__isnull=True).update(
            closed_at=now, version=F("version") + 1
        )
        if not won:
            return False
        session.closed_at = now
        # The force home lists upcoming sessions; update() sends no signal.
        content_changed(session.force_id)
        audit_record(
            actor=actor,
            action="qa.session.close",
            obj=session,
            data={"early": now < session.ends_at},
        )
    from beatdesk.qa import live

    live.forget(session.pk)
    # One question at a time, each in its own transaction: a failure leaves the rest for the
    # next run of the job (unanswered_handover picks up whatever is still not handed over).
    handover_unanswered(session=session, now=now)
    return True


def session_export(*, actor: Officer, session: Session) -> list[list[str]]:
    """Every question with its answer, for a spreadsheet; recorded, as it holds public words."""
    require(actor, "view_stats", session)
    from beatdesk.qa.selectors import export_rows

    rows = export_rows(session=session)
    audit_record(actor=actor, action="qa.session.export", obj=session, data={"rows": len(rows) - 1})
    return rows


def handover_unanswered(*, session: Session, now: datetime | None = None) -> int:
    """Every question of a closed session that got no answer becomes an inbox conversation."""
    from beatdesk.qa import handover

    count = 0
    for question in unanswered_questions(session=session):
        with transaction.atomic():
            if handover.hand_over(question=question, now=now or timezone.now()):
                count += 1
    return count


def unanswered_questions(*, session: Session) -> list[Question]:
    """Questions not hidden whose group has no answer and that were not handed over yet."""
    answered_leaders = set(
        Answer.objects.filter(session=session).values_list("question_id", flat=True)
    )
    rows = (
        Question.objects.filter(
            session=session,
            handed_over_at__isnull=True,
            state__in=[Question.State.PENDING, Question.State.APPROVED],
        )
        .select_related("channel__account")
        .order_by("created_at", "id")
    )
    return [q for q in rows if q.leader_id not in answered_leaders]


# --- Questions arriving ------------------------------------------------------------------------


def _clean_text(text: str, *, limit: int, what: str) -> str:
    cleaned = text.replace("\r\n", "\n").strip()
    if not cleaned:
        raise ValidationError({"text": f"Write your {what} first."})
    if len(cleaned) > limit:
        raise ValidationError(
            {"text": f"Keep your {what} under {limit} characters; it is {len(cleaned)}."}
        )
    return cleaned


def triage_category(*, session: Session, text: str) -> str:
    """The inbox triage's category for a question asked on the hub (emergency, abuse, ...)."""
    from beatdesk.inbox.selectors import triage_context_for
    from beatdesk.inbox.triage import classify
    from beatdesk.qa.handover import _entry

    account, _ = _entry(session)
    return classify(text, triage_context_for(force=session.force, account=account)).category


def _group_for(session: Session, text: str) -> tuple[Question | None, float | None]:
    """The group this question joins, if it asks what an earlier one asked."""
    leaders = list(
        Question.objects.filter(
            session=session,
            group_leader__isnull=True,
            state__in=[Question.State.PENDING, Question.State.APPROVED],
        ).values_list("pk", "text")
    )
    if not leaders:
        return None, None
    index = similarity.Index.build(leaders)
    best_id, score = index.most_similar(text)
    if best_id is None or score < similarity.SAME_QUESTION:
        return None, None
    return Question.objects.get(pk=best_id), round(score, 3)


def _create_question(
    *,
    session: Session,
    text: str,
    source: str,
    category: str,
    asker_name: str = "",
    client_key: str = "",
    channel=None,
    network_id: str = "",
    inbox_message_id: int | None = None,
    created_at: datetime | None = None,
) -> Question:
    held = HELD_CATEGORIES.get(category)
    leader, score = (None, None) if held else _group_for(session, text)
    question = Question.objects.create(
        force=session.force,
        session=session,
        text=text,
        asker_name=asker_name,
        source=source,
        category=category,
        client_key=client_key,
        channel=channel,
        network_id=network_id,
        inbox_message_id=inbox_message_id,
        state=Question.State.HELD if held else Question.State.PENDING,
        state_reason=f"Held automatically: triage says {held}." if held else "",
        group_leader=leader,
        similarity=score,
        created_at=created_at or timezone.now(),
    )
    return question


class EmergencyQuestion(Exception):
    """The text reads as an emergency: it went to the inbox's urgent queue, not the session."""


def question_submit(
    *,
    session: Session,
    text: str,
    asker_name: str = "",
    client_key: str = "",
    now: datetime | None = None,
) -> Question:
    """A member of the public asks on the hub session page (no login; rate-limited by the view).

    Raises ``EmergencyQuestion`` after storing an emergency as an urgent inbox message.
    """
    now = now or timezone.now()
    text = _clean_text(text, limit=MAX_QUESTION_LENGTH, what="question")
    asker_name = " ".join(asker_name.split())[:MAX_NAME_LENGTH]
    category = triage_category(session=session, text=text)
    if category == "emergency":
        # Even when the session is closed: an emergency is never turned away.
        from beatdesk.qa import handover

        handover.emergency_from_hub(session=session, text=text, asker_name=asker_name, now=now)
        raise EmergencyQuestion(text)
    with transaction.atomic():
        session = Session.objects.select_for_update().select_related("force").get(pk=session.pk)
        if not session.accepts_questions(now):
            raise ValidationError(
                {"text": "This session is not taking questions yet."}
                if not session.is_closed and now < session.ends_at
                else {"text": "This session has closed and takes no more questions."}
            )
        question = _create_question(
            session=session,
            text=text,
            source=Question.Source.HUB,
            category=category,
            asker_name=asker_name,
            client_key=client_key,
            created_at=now,
        )
        audit_record(
            actor=None,
            action="qa.question.submit",
            obj=question,
            data={"source": "hub", "category": category, "group": question.group_leader_id},
        )
        bump_version(session)
    return question


def question_from_message(message) -> Question | None:
    """The inbox's hook: a message that belongs to an open session becomes its question.

    Called by ``inbox.services.message_ingest`` for every new public message. Returns None when
    the message is not for a session (wrong account, outside the window, no mention or
    hashtag) or when triage called it an emergency: it then stays an urgent conversation.
    """
    from beatdesk.qa import handover

    return handover.question_from_message(message)


def question_from_inbox(*, actor: Officer, message, session: Session) -> Question:
    """Staff move a public inbox message into a session's queue."""
    from beatdesk.qa import handover

    require(actor, "moderate", session)
    require(actor, "view", message)
    with transaction.atomic():
        return handover.question_from_inbox(actor=actor, message=message, session=session)


# --- Moderation --------------------------------------------------------------------------------


def _lock(question: Question) -> Question:
    return Question.objects.select_for_update().select_related("session").get(pk=question.pk)


@guarded("moderate", "question")
def question_approve(*, actor: Officer, question: Question) -> Question:
    """Show the question publicly and to the panel."""
    question = _lock(question)
    if question.state == Question.State.APPROVED:
        return question
    before = question.state
    question.state = Question.State.APPROVED
    question.state_reason = ""
    question.moderated_by = actor
    question.moderated_at = timezone.now()
    question.save(update_fields=["state", "state_reason", "moderated_by", "moderated_at"])
    audit_record(actor=actor, action="qa.question.approve", obj=question, data={"from": before})
    bump_version(question.session)
    _reply_if_group_answered(question)
    return question


@guarded("moderate", "question")
def question_hide(*, actor: Officer, question: Question, reason: str) -> Question:
    """Hide the question (and keep it, with the reason, for the record)."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Say why the question is hidden."})
    question = _lock(question)
    if question.answered_at is not None:
        raise ValidationError({"reason": "An answered question cannot be hidden."})
    question.state = Question.State.HIDDEN
    question.state_reason = reason[:300]
    question.moderated_by = actor
    question.moderated_at = timezone.now()
    question.taken_by = None
    question.taken_at = None
    question.save(
        update_fields=[
            "state",
            "state_reason",
            "moderated_by",
            "moderated_at",
            "taken_by",
            "taken_at",
        ]
    )
    # A hidden leader must not take its group with it: the next member leads instead.
    members = list(question.members.order_by("created_at", "id"))
    if members:
        new_leader = members[0]
        Question.objects.filter(pk=new_leader.pk).update(group_leader=None)
        Question.objects.filter(pk__in=[m.pk for m in members[1:]]).update(group_leader=new_leader)
    audit_record(actor=actor, action="qa.question.hide", obj=question, reason=reason)
    bump_version(question.session)
    return question


@guarded("moderate", "question")
def question_merge(*, actor: Officer, question: Question, into: Question) -> Question:
    """Put ``question`` (and its group) in the group of ``into``: one answer serves all."""
    question = _lock(question)
    into = _lock(into)
    if into.session_id != question.session_id:
        raise ValidationError({"into": "Questions can only be merged within one session."})
    target = into if into.is_leader else into.group_leader
    if target.pk == question.pk:
        raise ValidationError({"into": "A question cannot be merged into itself."})
    if target.state not in (Question.State.APPROVED, Question.State.PENDING):
        raise ValidationError({"into": "Merge into a question that is not hidden or held."})
    if hasattr(question, "answer"):
        raise ValidationError({"into": "This question has its own answer; merge the other way."})
    question.members.update(group_leader=target)
    question.group_leader = target
    question.similarity = None
    question.taken_by = None
    question.taken_at = None
    question.moderated_by = actor
    question.moderated_at = timezone.now()
    if question.state != Question.State.APPROVED:
        question.state = Question.State.APPROVED
        question.state_reason = ""
    question.save(
        update_fields=[
            "group_leader",
            "similarity",
            "taken_by",
            "taken_at",
            "moderated_by",
            "moderated_at",
            "state",
            "state_reason",
        ]
    )
    audit_record(actor=actor, action="qa.question.merge", obj=question, data={"into": target.pk})
    bump_version(question.session)
    _reply_if_group_answered(question)
    return question


@guarded("moderate", "question")
def question_split(*, actor: Officer, question: Question) -> Question:
    """Take a question out of its group: it was not the same question after all."""
    question = _lock(question)
    if question.is_leader:
        return question
    question.group_leader = None
    question.similarity = None
    question.moderated_by = actor
    question.moderated_at = timezone.now()
    question.save(update_fields=["group_leader", "similarity", "moderated_by", "moderated_at"])
    audit_record(actor=actor, action="qa.question.split", obj=question)
    bump_version(question.session)
    return question


# --- The public's "me too" -----------------------------------------------------------------


def question_me_too(*, question: Question, client_key: str) -> bool:
    """Count one more person who wants this answered; False if this client already said so."""
    if not client_key:
        raise ValidationError("We could not tell who you are; reload the page and try again.")
    leader_id = question.leader_id
    try:
        with transaction.atomic():
            leader = (
                Question.objects.select_related("session")
                .filter(pk=leader_id, state=Question.State.APPROVED)
                .first()
            )
            if leader is None or leader.session.is_closed:
                raise ValidationError("This question is not open for votes.")
            MeToo.objects.create(force=leader.force, question=leader, client_key=client_key)
            Question.objects.filter(pk=leader.pk).update(me_too_count=F("me_too_count") + 1)
            audit_record(actor=None, action="qa.question.me_too", obj=leader)
            bump_version(leader.session)
    except IntegrityError:
        return False
    return True


# --- The panel -------------------------------------------------------------------------------


def question_take(*, actor: Officer, question: Question) -> Question:
    """Take a question to answer it; only one officer can hold it (conditional update)."""
    require(actor, "answer", question)
    leader_id = question.leader_id
    now = timezone.now()
    with transaction.atomic():
        won = (
            Question.objects.filter(
                pk=leader_id,
                state=Question.State.APPROVED,
                answered_at__isnull=True,
            )
            .filter(Q(taken_by__isnull=True) | Q(taken_by=actor))
            .update(taken_by=actor, taken_at=now)
        )
        question = Question.objects.select_related("taken_by", "session").get(pk=leader_id)
        if not won:
            if question.answered_at is not None:
                raise ValidationError("This question has already been answered.")
            if question.taken_by_id and question.taken_by_id != actor.pk:
                raise ValidationError(f"{question.taken_by.public_name} is already answering this.")
            raise ValidationError("Only approved questions can be answered.")
        audit_record(actor=actor, action="qa.question.take", obj=question)
        bump_version(question.session)
    return question


@guarded("answer", "question")
def question_release(*, actor: Officer, question: Question) -> Question:
    """Give a taken question back so another panel officer can answer it."""
    question = _lock(question)
    if question.taken_by_id is None:
        return question
    if question.taken_by_id != actor.pk and not actor.is_comms:
        raise PermissionDenied("Only the officer who took it (or comms) can release it.")
    question.taken_by = None
    question.taken_at = None
    question.save(update_fields=["taken_by", "taken_at"])
    audit_record(actor=actor, action="qa.question.release", obj=question)
    bump_version(question.session)
    return question


def answer_create(*, actor: Officer, question: Question, text: str) -> Answer:
    """Answer a question group in the officer's name: shown on the hub, replied where asked."""
    require(actor, "answer", question)
    text = _clean_text(text, limit=MAX_ANSWER_LENGTH, what="answer")
    now = timezone.now()
    with transaction.atomic():
        leader = _lock(Question(pk=question.leader_id))
        if leader.answered_at is not None:
            raise ValidationError({"text": "This question has already been answered."})
        if leader.state != Question.State.APPROVED:
            raise ValidationError({"text": "Only approved questions can be answered."})
        if leader.taken_by_id not in (None, actor.pk):
            raise ValidationError(
                {"text": f"{leader.taken_by.public_name} is already answering this."}
            )
        if leader.session.is_closed:
            raise ValidationError({"text": "The session has closed."})
        signature = signature_for(actor)
        answer = Answer.objects.create(
            force=leader.force,
            session=leader.session,
            question=leader,
            officer=actor,
            text=text,
            signature=signature,
            published_at=now,
        )
        leader.answered_at = now
        leader.taken_by = actor
        leader.taken_at = leader.taken_at or now
        leader.save(update_fields=["answered_at", "taken_by", "taken_at"])
        audit_record(
            actor=actor,
            action="qa.answer.create",
            obj=answer,
            data={"question": leader.pk, "signature": signature},
        )
        bump_version(leader.session)
        from beatdesk.qa import replies

        for member in [leader, *leader.members.filter(state=Question.State.APPROVED)]:
            replies.reply_where_asked(question=member, answer=answer)
    return answer


def _reply_if_group_answered(question: Question) -> None:
    """A question that joins an answered group gets the group's answer where it was asked."""
    if question.is_leader:
        return
    answer = Answer.objects.filter(question_id=question.group_leader_id).first()
    if answer is not None:
        from beatdesk.qa import replies

        replies.reply_where_asked(question=question, answer=answer)
