"""Demo content: a Q&A session on the York account, starting soon and already taking questions.

It starts 75 minutes after the demo is loaded: soon enough that there is no separate reminder
post, and the announcement is sent at once like the demo's other posts.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from beatdesk.forces.models import Account, Force
from beatdesk.people.models import ForceRole, Officer

QUESTIONS = [
    ("What are you doing about the burglaries in Haxby?", "Kim"),
    ("Burglaries in Haxby - what is being done about them?", ""),
    ("When will the speed cameras on Tadcaster Road be installed?", "Sam"),
    ("Can I get my bike security marked somewhere in York?", ""),
]


def seed_demo(force: Force) -> None:
    from beatdesk.qa import services

    comms = Officer.objects.filter(force=force, force_role=ForceRole.COMMS, is_active=True).first()
    account = Account.objects.filter(force=force, slug="york", is_active=True).first()
    if comms is None or account is None:
        return
    panel = list(
        Officer.objects.filter(force=force, memberships__district_id=account.district_id)
        .filter(is_active=True, requires_approval=False)
        .order_by("surname")[:3]
    )
    if not panel:
        return
    start = timezone.now() + timedelta(minutes=75)
    session = services.session_create(
        actor=comms,
        title="Ask the York neighbourhood team",
        description="Burglary, speeding, parking, bikes: ask the officers who patrol your streets.",
        accounts=[account],
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        hashtag="AskYorkPolice",
        panel=panel,
        opens_early=True,
    )
    for n, (text, name) in enumerate(QUESTIONS):
        question = services.question_submit(
            session=session, text=text, asker_name=name, client_key=f"demo-{n}"
        )
        if n != 3:  # one left for the demo's moderator
            services.question_approve(actor=comms, question=question)
    from beatdesk.publishing import outbox

    for _ in range(10):
        if not outbox.run_outbox():
            break
