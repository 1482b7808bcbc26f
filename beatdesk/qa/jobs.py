"""Closing sessions at their end time, and handing their unanswered questions to the inbox."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from beatdesk.jobs.registry import job
from beatdesk.qa.models import Question, Session


@job("qa_close", every=5.0)
def close_due_sessions() -> int:
    """Close every session past its end; retry hand-overs a failure left behind."""
    from beatdesk.qa.services import handover_unanswered, session_close

    now = timezone.now()
    done = 0
    due = Session.objects.filter(
        closed_at__isnull=True, cancelled_at__isnull=True, ends_at__lte=now
    ).select_related("force__policy")
    for session in due:
        if session_close(actor=None, session=session, now=now):
            done += 1
    # A closed session whose hand-over was interrupted (a crash, an error in one question).
    leftover = (
        Session.objects.filter(closed_at__isnull=False, closed_at__lt=now)
        .filter(
            Q(
                questions__handed_over_at__isnull=True,
                questions__answered_at__isnull=True,
                questions__group_leader__isnull=True,
                questions__state__in=[Question.State.PENDING, Question.State.APPROVED],
            )
        )
        .distinct()
    )
    for session in leftover:
        done += handover_unanswered(session=session, now=now)
    return done
