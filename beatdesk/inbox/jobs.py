"""The inbox's background work. Replies go out through the publishing outbox, whose runner
sends them; importing the payload builder here registers it when the app starts. Arrivals
(a burst taken in at once, ``inbox.arrivals``) are triaged and stored here, most urgent first."""

from beatdesk.inbox import outbox  # noqa: F401
from beatdesk.inbox.arrivals import arrivals_drain
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
