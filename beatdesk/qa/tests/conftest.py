from datetime import timedelta

import pytest
from django.utils import timezone

from beatdesk.qa.models import Session
from beatdesk.qa.services import session_create


@pytest.fixture(autouse=True)
def forget_live_state():
    """Each test has a fresh database; the live page's per-process memory must match."""
    from beatdesk.qa import live

    live.reset()
    yield
    live.reset()


@pytest.fixture
def make_session(comms, officer_york, officer_scarborough, account):
    """A session on the York account through the real service; ``live=True`` moves its start
    into the past (the service refuses to create one that has already started)."""

    def make(*, live=False, title="Ask the York neighbourhood team", **overrides):
        now = timezone.now()
        values = {
            "actor": comms,
            "title": title,
            "description": "Burglary, speeding, anything on your mind.",
            "accounts": [account("york")],
            "starts_at": now + timedelta(hours=2),
            "ends_at": now + timedelta(hours=3),
            "hashtag": "AskYorkPolice",
            "panel": [officer_york, officer_scarborough],
            **overrides,
        }
        session = session_create(**values)
        if live:
            Session.objects.filter(pk=session.pk).update(
                starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(minutes=50)
            )
            session.refresh_from_db()
        return session

    return make


@pytest.fixture
def live_session(make_session):
    return make_session(live=True)


@pytest.fixture
def simulated_york(account):
    return account("york").channels.get(network="simulated")


@pytest.fixture
def from_network(force, simulated_york):
    """A public message arriving from the simulated network through the inbox's ingestion."""
    from beatdesk.inbox.ingest import message_ingest

    def arrive(text, *, network_id, handle="@resident", kind="mention", channel=None):
        return message_ingest(
            force=force,
            channel=channel or simulated_york,
            network_id=network_id,
            text=text,
            author_handle=handle,
            author_name="",
            kind=kind,
        )

    return arrive
