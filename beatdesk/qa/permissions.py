"""Who may do what in a Q&A session.

Comms create and run sessions; the panel answers; moderators are comms and the district team
leads of the session's accounts.
"""

from __future__ import annotations

from beatdesk.core.permissions import rule
from beatdesk.forces.models import Force
from beatdesk.people.models import Officer
from beatdesk.people.selectors import is_lead
from beatdesk.qa.models import Question, Session


@rule("create_qa_session", Force)
def create_session(actor: Officer, force: Force) -> bool:
    return actor.is_comms


@rule("view_qa_sessions", Force)
def view_sessions(actor: Officer, force: Force) -> bool:
    """Anyone at the desk may see the list; each session decides what they may do in it."""
    return True


def _is_panel(actor: Officer, session: Session) -> bool:
    return session.panel.filter(pk=actor.pk).exists()


def _leads_an_account(actor: Officer, session: Session) -> bool:
    districts = session.accounts.exclude(district__isnull=True).values_list(
        "district_id", flat=True
    )
    return any(is_lead(actor, district_id) for district_id in districts)


def is_moderator(actor: Officer, session: Session) -> bool:
    return actor.is_comms or _leads_an_account(actor, session)


@rule("run", Session)
def run_session(actor: Officer, session: Session) -> bool:
    """Edit, cancel and close the session: comms only."""
    return actor.is_comms


@rule("view", Session)
def view_session(actor: Officer, session: Session) -> bool:
    return actor.is_comms or _is_panel(actor, session) or _leads_an_account(actor, session)


@rule("moderate", Session)
def moderate_session(actor: Officer, session: Session) -> bool:
    return is_moderator(actor, session)


@rule("answer", Session)
def answer_in_session(actor: Officer, session: Session) -> bool:
    return _is_panel(actor, session)


@rule("view_stats", Session)
def view_stats(actor: Officer, session: Session) -> bool:
    return is_moderator(actor, session)


@rule("moderate", Question)
def moderate_question(actor: Officer, question: Question) -> bool:
    return is_moderator(actor, question.session)


@rule("answer", Question)
def answer_question(actor: Officer, question: Question) -> bool:
    return _is_panel(actor, question.session)
