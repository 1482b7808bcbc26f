"""The inbox's background work. Replies go out through the publishing outbox, whose runner
sends them; importing the payload builder here registers it when the app starts. Arrivals
(a burst taken in at once, ``inbox.arrivals``) are triaged and stored here, most urgent first."""

from datetime import datetime

from beatdesk.inbox import outbox  # noqa: F401
from beatdesk.inbox.arrivals import arrivals_drain
from beatdesk.inbox.selectors import arrivals_waiting_too_long
from beatdesk.jobs.health import Check, backlog_check, health_check
from beatdesk.jobs.registry import job, warm_up


@job("inbox.arrivals")
def drain_arrivals() -> int:
    """Store the most urgent waiting arrivals; how many were stored."""
    return len(arrivals_drain())


@warm_up
def load_triage() -> None:
    """Load the triage patterns and model (about a second or two) before the first arrival
    waits on them: one message read for urgency and triaged, nothing stored."""
    from beatdesk.inbox.triage import classify, urgency

    text = "someone is trying the back door right now"
    urgency(text)
    classify(text)


@health_check("arrivals")
def arrivals_sorted(now: datetime) -> Check:
    """Fails when messages taken in minutes ago are still waiting to be triaged."""
    return backlog_check(
        "arrivals",
        arrivals_waiting_too_long(force_id=None, now=now),
        now,
        figure="waiting",
        calm="No message taken in has waited to be sorted.",
        failing=lambda count, waited: (
            f"{count} message{'s' if count != 1 else ''} taken in {waited} ago and not yet "
            "triaged: an emergency among them is not flagged. Is a worker running?"
        ),
    )
