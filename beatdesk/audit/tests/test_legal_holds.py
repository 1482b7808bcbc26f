"""The legal holds page: a force admin keeps a conversation past retention, sees why, and
releases it; nobody else can, and nothing of another force can be named."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beatdesk.audit.models import AuditEvent, LegalHold
from beatdesk.core.dataprotection import retention_apply
from beatdesk.core.testing import login
from beatdesk.inbox.services import message_ingest

pytestmark = pytest.mark.django_db


def old_message(account, text, number):
    return message_ingest(
        force=account.force,
        channel=account.channels.get(network="simulated"),
        account=account,
        network_id=f"hold-{number}",
        text=text,
        author_handle="resident",
        received_at=timezone.now() - timedelta(days=4000),
    )


def test_an_admin_places_a_hold_that_retention_respects_then_releases_it(force, admin, account):
    held = old_message(account("york"), "Evidence: the van's number plate", 1)
    other = old_message(account("york"), "Bins not collected", 2)
    client = login(Client(), admin)
    url = reverse("audit:legal-holds")
    assert "Nothing is on hold" in client.get(url).content.decode()

    response = client.post(
        url,
        {"kind": "inbox.conversation", "number": str(held.conversation_id), "reason": "Op Kite"},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Op Kite" in page and str(held.conversation_id) in page
    assert AuditEvent.objects.filter(action="legal_hold.place", actor=admin).exists()

    retention_apply(force=force)
    held.refresh_from_db()
    other.refresh_from_db()
    assert held.text == "Evidence: the van's number plate"  # kept
    assert other.text != "Bins not collected"  # anonymised by retention

    hold = LegalHold.objects.get()
    release = reverse("audit:legal-hold-release", args=[hold.pk])
    assert client.post(release, {"reason": "Case closed"}).status_code == 302
    hold.refresh_from_db()
    assert hold.released_at is not None
    assert AuditEvent.objects.filter(action="legal_hold.release", reason="Case closed").exists()
    retention_apply(force=force)
    held.refresh_from_db()
    assert held.text != "Evidence: the van's number plate"


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"kind": "inbox.conversation", "number": "", "reason": "R"}, "digits only"),
        ({"kind": "inbox.conversation", "number": "12a", "reason": "R"}, "digits only"),
        ({"kind": "auth.user", "number": "1", "reason": "R"}, "Choose what to keep"),
        ({"kind": "inbox.conversation", "number": "999999", "reason": "R"}, "no conversation"),
        ({"kind": "inbox.message", "number": "MSG", "reason": ""}, "digits only"),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(force, admin, form, says):
    response = login(Client(), admin).post(reverse("audit:legal-holds"), form)
    assert response.status_code == 400
    page = response.content.decode()
    assert says in page
    assert f'value="{form["number"]}"' in page
    assert not LegalHold.objects.exists()


def test_no_reason_and_a_second_hold_are_refused(force, admin, account):
    message = old_message(account("york"), "Hello", 3)
    client = login(Client(), admin)
    form = {"kind": "inbox.message", "number": str(message.pk), "reason": " "}
    assert "Say why" in client.post(reverse("audit:legal-holds"), form).content.decode()
    form["reason"] = "Complaint 7"
    client.post(reverse("audit:legal-holds"), form)
    form["reason"] = "Again"
    assert "already on hold" in client.post(reverse("audit:legal-holds"), form).content.decode()
    assert LegalHold.objects.count() == 1


def test_another_forces_conversation_cannot_be_named(force, other_force, admin, account):
    from beatdesk.forces.models import Account

    theirs = old_message(Account.objects.filter(force=other_force).first(), "Theirs", 4)
    response = login(Client(), admin).post(
        reverse("audit:legal-holds"),
        {"kind": "inbox.conversation", "number": str(theirs.conversation_id), "reason": "R"},
    )
    assert response.status_code == 400 and "no conversation" in response.content.decode()
    assert not LegalHold.objects.exists()


def test_only_force_admins_see_the_page(force, comms, lead_york):
    for officer in (comms, lead_york):
        assert login(Client(), officer).get(reverse("audit:legal-holds")).status_code == 403
    assert AuditEvent.objects.filter(action="refused.legal_hold", actor=comms).exists()
