"""Changing and cancelling a session: what the public sees, what goes out on the accounts,
and what happens to questions already asked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beatdesk.audit.models import AuditEvent
from beatdesk.core.testing import login
from beatdesk.publishing.models import Post
from beatdesk.qa import services
from beatdesk.qa.models import Session

pytestmark = pytest.mark.django_db


def reminders(session):
    return Post.objects.filter(client_token__startswith=f"qa-{session.pk}-remind-")


def details(session, **changes):
    values = {
        "title": session.title,
        "description": session.description,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "hashtag": session.hashtag,
        "panel": list(session.panel.all()),
        "opens_early": session.opens_early,
    }
    return {**values, **changes}


def test_moving_a_session_posts_an_update_and_moves_the_reminder(make_session, comms):
    start = timezone.now() + timedelta(hours=5)
    session = make_session(starts_at=start, ends_at=start + timedelta(hours=1))
    old_reminder = reminders(session).get()
    new_start = session.starts_at + timedelta(days=1)
    services.session_update(
        actor=comms,
        session=session,
        **details(session, starts_at=new_start, ends_at=new_start + timedelta(hours=1)),
    )
    old_reminder.refresh_from_db()
    assert old_reminder.state == Post.State.TAKEN_DOWN
    moved = reminders(session).exclude(pk=old_reminder.pk).get()
    assert moved.state == Post.State.SCHEDULED
    assert moved.scheduled_for == new_start - timedelta(hours=1)
    update = Post.objects.get(client_token__startswith=f"qa-{session.pk}-change-")
    assert "Change of plan" in update.parts.get().text
    event = AuditEvent.objects.get(action="qa.session.update")
    assert event.data["announced_change"] is True


def test_a_change_the_public_does_not_see_posts_nothing(make_session, comms, officer_york):
    session = make_session()
    before = Post.objects.count()
    services.session_update(
        actor=comms, session=session, **details(session, description="New", panel=[officer_york])
    )
    assert Post.objects.count() == before
    session.refresh_from_db()
    assert session.description == "New" and list(session.panel.all()) == [officer_york]


def test_a_live_sessions_start_cannot_move_but_its_end_can(live_session, comms):
    session = live_session
    with pytest.raises(ValidationError) as caught:
        services.session_update(
            actor=comms,
            session=session,
            **details(session, starts_at=session.starts_at + timedelta(minutes=5)),
        )
    assert "cannot move" in str(caught.value)
    later = session.ends_at + timedelta(minutes=30)
    services.session_update(actor=comms, session=session, **details(session, ends_at=later))
    session.refresh_from_db()
    assert session.ends_at == later


def test_only_comms_may_change_or_cancel(make_session, lead_york, officer_york):
    session = make_session()
    for officer in (lead_york, officer_york):
        with pytest.raises(PermissionDenied):
            services.session_cancel(actor=officer, session=session, reason="No")
        with pytest.raises(PermissionDenied):
            services.session_update(actor=officer, session=session, **details(session))
    session.refresh_from_db()
    assert session.cancelled_at is None


def test_cancelling_withdraws_the_reminder_posts_a_notice_and_hands_questions_over(
    make_session, comms
):
    session = make_session(opens_early=True)
    question = services.question_submit(session=session, text="Will the 20mph zone be enforced?")
    services.session_cancel(actor=comms, session=session, reason="Major incident")
    session.refresh_from_db()
    assert session.phase() == "cancelled"
    assert reminders(session).get().state == Post.State.TAKEN_DOWN
    notice = Post.objects.get(client_token__startswith=f"qa-{session.pk}-cancel-")
    assert notice.parts.get().text.startswith("Cancelled:")
    question.refresh_from_db()
    assert question.handed_over_at is not None
    from beatdesk.inbox.models import Message

    assert Message.objects.filter(text=question.text).exists()
    assert AuditEvent.objects.filter(action="qa.session.cancel", reason="Major incident").exists()
    with pytest.raises(ValidationError):
        services.session_cancel(actor=comms, session=session, reason="Again")


def test_the_desk_pages_change_and_cancel_and_the_hub_says_so(make_session, comms, force):
    session = make_session()
    client = login(Client(), comms)
    page = client.get(reverse("qa:session", args=[session.pk])).content.decode()
    assert reverse("qa:edit", args=[session.pk]) in page
    edit_url = reverse("qa:edit", args=[session.pk])
    form = client.get(edit_url).content.decode()
    assert 'value="AskYorkPolice"' in form and "accounts" not in form.split("<form")[1][:200]

    zone = force.policy.zone
    local = timezone.localtime(session.starts_at, zone)
    fields = {
        "title": "",
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "hashtag": "AskYorkPolice",
        "panel": [o.pk for o in session.panel.all()],
    }
    response = client.post(edit_url, fields)
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    fields.update(title="Ask York", ends_at=(local - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    response = client.post(edit_url, fields)
    assert response.status_code == 400
    body = response.content.decode()
    assert "must end after it starts" in body and 'value="Ask York"' in body
    fields.update(ends_at=(local + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    assert client.post(edit_url, fields).status_code == 302
    session.refresh_from_db()
    assert session.title == "Ask York" and session.ends_at - session.starts_at == timedelta(hours=2)

    response = client.post(reverse("qa:cancel", args=[session.pk]), {"reason": ""})
    assert response.status_code == 400 and "Say why" in response.content.decode()
    assert Session.objects.get(pk=session.pk).cancelled_at is None

    home = Client().get(reverse("hub:force-home", args=[force.slug])).content.decode()
    assert "Ask York" in home
    response = client.post(reverse("qa:cancel", args=[session.pk]), {"reason": "Storm"})
    assert response.status_code == 302
    # The public page says it is off (410 Gone) and the hub stops listing it.
    gone = Client().get(session.get_absolute_url())
    assert gone.status_code == 410
    assert "will not go ahead" in gone.content.decode() and "Ask York" in gone.content.decode()
    home = Client().get(reverse("hub:force-home", args=[force.slug])).content.decode()
    assert "Ask York" not in home
