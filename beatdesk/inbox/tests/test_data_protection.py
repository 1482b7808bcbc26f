from datetime import timedelta

import pytest
from django.utils import timezone

from beatdesk.audit.services import legal_hold_place
from beatdesk.core.dataprotection import Subject, retention_apply, subject_access_collect
from beatdesk.inbox.data_protection import REMOVED
from beatdesk.inbox.models import Message
from beatdesk.inbox.services import message_ingest

pytestmark = pytest.mark.django_db


def ingest(force, account, text, *, days_ago, handle="jo_public", email=""):
    return message_ingest(
        force=force,
        account=account,
        network_id=None,
        text=text,
        author_handle=handle,
        author_name="Jo Public",
        kind="hub_form",
        received_at=timezone.now() - timedelta(days=days_ago),
        sender_email=email,
    )


def test_old_public_messages_are_anonymised_unless_held(force, admin, account):
    days = force.policy.retention_days
    old = ingest(force, account("york"), "My bike was stolen from Haxby", days_ago=days + 5)
    held = ingest(
        force, account("york"), "Threats from a neighbour", days_ago=days + 5, handle="x2"
    )
    recent = ingest(force, account("york"), "Thanks for the help", days_ago=2)
    legal_hold_place(actor=admin, obj=held.conversation, reason="Case 12/2026")
    result = retention_apply(force=force)
    assert result.removed.get("inbox.message") == 1
    old.refresh_from_db()
    assert old.text == REMOVED and old.author_handle == "" and old.author_name == ""
    assert Message.objects.get(pk=held.pk).text == "Threats from a neighbour"
    assert Message.objects.get(pk=recent.pk).text == "Thanks for the help"
    assert retention_apply(force=force).removed.get("inbox.message", 0) == 0


def test_subject_access_lists_one_persons_messages_in_one_force(force, other_force, account):
    ingest(force, account("york"), "Is the A64 open?", days_ago=1, handle="@Jo_Public")
    ingest(force, account("york"), "Someone else asking", days_ago=1, handle="someone")
    ingest(force, account("york"), "By email", days_ago=1, handle="", email="jo@example.org")
    sections = subject_access_collect(
        force=force, subject=Subject.parse(handles=["jo_public"], emails=["JO@example.org"])
    )
    inbox = next(s for s in sections if s.title == "Messages you sent to the force")
    texts = sorted(r["Message"] for r in inbox.records)
    assert texts == ["By email", "Is the A64 open?"]
    assert not any(
        s.records
        for s in subject_access_collect(
            force=other_force, subject=Subject.parse(handles=["jo_public"])
        )
        if s.title == "Messages you sent to the force"
    )


def test_subject_access_includes_messages_still_waiting_to_be_triaged(force, account):
    from beatdesk.inbox.arrivals import messages_receive

    york = account("york")
    ingest(force, york, "Is the A64 open?", days_ago=1)
    messages_receive(
        force=force,
        items=[
            {
                "account": york,
                "network_id": None,
                "text": "Still waiting",
                "author_handle": "jo_public",
            },
            {"account": york, "network_id": None, "text": "Not mine", "author_handle": "someone"},
        ],
    )
    (inbox,) = [
        s
        for s in subject_access_collect(force=force, subject=Subject.parse(handles=["jo_public"]))
        if s.title == "Messages you sent to the force"
    ]
    assert [(r["Message"], r["Category"]) for r in inbox.records] == [
        ("Is the A64 open?", "question"),
        ("Still waiting", "Received, not yet sorted into the inbox"),
    ]
