"""Reads for Q&A sessions, always within one force."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from beatdesk.forces.models import Force
from beatdesk.people.models import Officer
from beatdesk.qa.models import Answer, Question, Session


def sessions_of_force(*, force: Force) -> QuerySet[Session]:
    return Session.objects.filter(force=force).prefetch_related("accounts", "panel")


def cancelled_session_by_slug(*, force: Force, slug: str) -> Session | None:
    return (
        Session.objects.filter(force=force, slug=slug, cancelled_at__isnull=False)
        .select_related("force__policy")
        .first()
    )


def session_by_slug(*, force: Force, slug: str) -> Session | None:
    return (
        Session.objects.filter(force=force, slug=slug, cancelled_at__isnull=True)
        .select_related("force__policy")
        .prefetch_related("accounts")
        .first()
    )


def upcoming_sessions(
    *, force: Force, limit: int = 3, now: datetime | None = None
) -> list[Session]:
    """Sessions not yet over, soonest first: for the hub's force home and the sessions list."""
    now = now or timezone.now()
    return list(
        Session.objects.filter(
            force=force, ends_at__gt=now, closed_at__isnull=True, cancelled_at__isnull=True
        )
        .select_related("force__policy")
        .order_by("starts_at", "id")[:limit]
    )


def past_sessions(*, force: Force, limit: int = 20, now: datetime | None = None) -> list[Session]:
    now = now or timezone.now()
    from django.db.models import Q

    return list(
        Session.objects.filter(force=force, cancelled_at__isnull=True)
        .filter(Q(closed_at__isnull=False) | Q(ends_at__lte=now))
        .order_by("-starts_at", "-id")[:limit]
    )


@dataclass
class Group:
    """A question and the near-duplicates grouped with it: one answer serves all."""

    leader: Question
    members: list[Question] = field(default_factory=list)

    @property
    def asked_by(self) -> int:
        return 1 + len(self.members)

    @property
    def count(self) -> int:
        """How many people want this answered: askers plus "I want to know this too"."""
        return self.asked_by + self.leader.me_too_count

    @property
    def answer(self) -> Answer | None:
        return getattr(self.leader, "answer", None)

    @property
    def all_questions(self) -> list[Question]:
        return [self.leader, *self.members]


def _groups(questions: list[Question]) -> list[Group]:
    by_id: dict[int, Group] = {}
    orphans: list[Question] = []
    for q in questions:
        if q.group_leader_id is None:
            by_id[q.pk] = Group(leader=q)
    for q in questions:
        if q.group_leader_id is not None:
            group = by_id.get(q.group_leader_id)
            if group is None:
                orphans.append(q)
            else:
                group.members.append(q)
    # A member whose leader is not shown (still pending) stands on its own.
    for q in orphans:
        by_id[q.pk] = Group(leader=q)
    return list(by_id.values())


def _with_answers(qs: QuerySet[Question]) -> QuerySet[Question]:
    return qs.select_related("taken_by", "answer__officer", "channel__account")


def public_groups(*, session: Session) -> tuple[list[Group], list[Group]]:
    """(answered, waiting) approved groups for the public page: newest answers first, then the
    most asked."""
    questions = list(
        _with_answers(
            Question.objects.filter(session=session, state=Question.State.APPROVED)
        ).order_by("created_at", "id")
    )
    groups = _groups(questions)
    answered = sorted(
        (g for g in groups if g.answer is not None),
        key=lambda g: g.answer.published_at,
        reverse=True,
    )
    waiting = sorted(
        (g for g in groups if g.answer is None),
        key=lambda g: (-g.count, g.leader.created_at),
    )
    return answered, waiting


def transcript(*, session: Session) -> list[Group]:
    """Answered groups in the order they were answered, for the transcript page."""
    answered, _ = public_groups(session=session)
    return list(reversed(answered))


def moderation_queue(*, session: Session) -> list[Question]:
    """Questions waiting for a moderator: held ones first (they need a decision), then oldest."""
    return list(
        Question.objects.filter(
            session=session, state__in=[Question.State.HELD, Question.State.PENDING]
        )
        .select_related("group_leader", "channel__account")
        .order_by("-state", "created_at", "id")
    )


def panel_groups(*, session: Session) -> list[Group]:
    """Approved, unanswered groups for the panel: most asked first."""
    _, waiting = public_groups(session=session)
    return waiting


def hidden_questions(*, session: Session) -> list[Question]:
    return list(
        Question.objects.filter(session=session, state=Question.State.HIDDEN)
        .select_related("moderated_by")
        .order_by("-moderated_at", "-id")
    )


def merge_targets(*, session: Session) -> list[Question]:
    """Questions another can be merged into: group leaders that are pending or approved."""
    return list(
        Question.objects.filter(
            session=session,
            group_leader__isnull=True,
            state__in=[Question.State.PENDING, Question.State.APPROVED],
        ).order_by("created_at", "id")
    )


@dataclass
class OfficerStats:
    officer: Officer
    answers: int
    questions: int
    median_seconds: float | None


@dataclass
class SessionStats:
    received: int
    approved: int
    held: int
    hidden: int
    answered: int
    answers: int
    handed_over: int
    median_seconds: float | None
    per_officer: list[OfficerStats]


def session_stats(*, session: Session) -> SessionStats:
    """Questions received, approved, answered, median time to answer, per officer."""
    questions = list(
        Question.objects.filter(session=session).only(
            "id", "state", "group_leader_id", "created_at", "handed_over_at"
        )
    )
    answers = {
        a.question_id: a for a in Answer.objects.filter(session=session).select_related("officer")
    }
    waits: list[float] = []
    per_officer_waits: dict[int, list[float]] = defaultdict(list)
    per_officer_answers: dict[int, int] = defaultdict(int)
    officers: dict[int, Officer] = {}
    for answer in answers.values():
        per_officer_answers[answer.officer_id] += 1
        officers[answer.officer_id] = answer.officer
    answered = 0
    for q in questions:
        if q.state != Question.State.APPROVED:
            continue
        answer = answers.get(q.group_leader_id or q.pk)
        if answer is None:
            continue
        answered += 1
        wait = max(0.0, (answer.published_at - q.created_at).total_seconds())
        waits.append(wait)
        per_officer_waits[answer.officer_id].append(wait)
    per_officer = sorted(
        (
            OfficerStats(
                officer=officers[oid],
                answers=per_officer_answers[oid],
                questions=len(per_officer_waits[oid]),
                median_seconds=statistics.median(per_officer_waits[oid])
                if per_officer_waits[oid]
                else None,
            )
            for oid in officers
        ),
        key=lambda s: (-s.answers, s.officer.surname),
    )
    states = [q.state for q in questions]
    return SessionStats(
        received=len(questions),
        approved=states.count(Question.State.APPROVED),
        held=states.count(Question.State.HELD),
        hidden=states.count(Question.State.HIDDEN),
        answered=answered,
        answers=len(answers),
        handed_over=sum(1 for q in questions if q.handed_over_at is not None),
        median_seconds=statistics.median(waits) if waits else None,
        per_officer=per_officer,
    )


def export_rows(*, session: Session) -> list[list[str]]:
    """Every question of the session with its state, group and answer, for the CSV export."""
    rows = [
        [
            "question_id",
            "asked_at",
            "source",
            "asker",
            "question",
            "state",
            "reason",
            "group_of",
            "me_too",
            "answered_at",
            "answered_by",
            "answer",
            "handed_to_inbox_at",
        ]
    ]
    questions = (
        Question.objects.filter(session=session)
        .select_related("answer__officer", "group_leader__answer__officer")
        .order_by("created_at", "id")
    )
    zone = session.force.policy.zone
    for q in questions:
        leader = q.group_leader or q
        answer = getattr(leader, "answer", None) if q.state == Question.State.APPROVED else None
        rows.append(
            [
                str(q.pk),
                timezone.localtime(q.created_at, zone).strftime("%Y-%m-%d %H:%M:%S"),
                q.get_source_display(),
                q.asker_name,
                q.text,
                q.get_state_display(),
                q.state_reason,
                str(q.group_leader_id or ""),
                str(q.me_too_count) if q.is_leader else "",
                timezone.localtime(answer.published_at, zone).strftime("%Y-%m-%d %H:%M:%S")
                if answer
                else "",
                answer.officer.public_name if answer else "",
                f"{answer.text}\n{answer.signature}" if answer else "",
                timezone.localtime(q.handed_over_at, zone).strftime("%Y-%m-%d %H:%M:%S")
                if q.handed_over_at
                else "",
            ]
        )
    return rows


def inbox_candidates(*, session: Session, officer: Officer, limit: int = 50) -> list:
    """Recent public inbox messages to the session's accounts that are not questions yet and
    that this officer may read: what a moderator can move into the session."""
    from beatdesk.core.permissions import can
    from beatdesk.inbox.models import Message

    taken = Question.objects.filter(session=session, inbox_message_id__isnull=False).values(
        "inbox_message_id"
    )
    rows = (
        Message.objects.filter(
            force_id=session.force_id,
            account__in=session.accounts.all(),
            direction=Message.Direction.IN,
            is_emergency=False,
            received_at__gte=session.created_at,
        )
        .exclude(pk__in=taken)
        .select_related("conversation", "account")
        .order_by("-received_at", "-id")[:limit]
    )
    return [m for m in rows if can(officer, "view", m)]
