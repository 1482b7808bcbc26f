"""The desk's inbox pages as officers use them."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from beatdesk.audit.models import AuditEvent
from beatdesk.core.testing import login
from beatdesk.inbox import selectors, services
from beatdesk.inbox.models import (
    Conversation,
    ConversationView,
    Message,
    SavedReply,
    TriageCorrection,
)
from beatdesk.people.models import Officer
from beatdesk.publishing.models import Delivery
from beatdesk.publishing.outbox import run_outbox

pytestmark = pytest.mark.django_db

# The test database on SQLite is a shared in-memory database, whose table locks fail at once
# instead of waiting; real concurrency is exercised on PostgreSQL (the suite runs on both).
real_concurrency = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="needs a database that waits for locks"
)

EMERGENCY = "he has a knife and is threatening to stab my brother right now, we are in Haxby"


def detail(conversation):
    return reverse("inbox:conversation", args=[conversation.pk])


def test_an_officer_sees_their_districts_inbox_with_emergencies_first(client, officer_york, ingest):
    ingest("Can I ask about parking in Haxby?")
    ingest("Is the Whitby pier closed?", account_slug="scarborough", network_id="s1")
    ingest(EMERGENCY, network_id="e1")
    login(client, officer_york)
    page = client.get(reverse("inbox:inbox")).content.decode()
    assert "Whitby pier" not in page
    assert page.index("threatening to stab") < page.index("parking in Haxby")
    assert 'id="emergency-alert"' in page
    assert 'data-view="urgent">1<' in page
    assert 'data-view="all">2<' in page


def test_the_list_page_makes_a_fixed_number_of_queries(
    client, officer_york, ingest, django_assert_max_num_queries
):
    for n in range(15):
        ingest(f"Question {n} about Haxby?", network_id=f"q{n}")
    login(client, officer_york)
    with django_assert_max_num_queries(21):
        client.get(reverse("inbox:inbox"))


def test_the_poll_answers_nothing_new_cheaply_and_new_messages_fully(
    client, officer_york, ingest, django_assert_max_num_queries
):
    ingest("Can I ask about parking?")
    login(client, officer_york)
    marker = selectors.latest_marker(officer=officer_york)
    assert marker.startswith(f"{Conversation.objects.get().last_message_id}.")
    # Session, user, two-factor check (app, security key, force policy), officer, force,
    # roles, the marker, the oldest message taken in and waiting, the oldest reply or post
    # due and not sent, and the session save (its first idle renewal; later polls skip it).
    with django_assert_max_num_queries(14):
        quiet = client.get(reverse("inbox:poll"), {"since": marker})
    assert quiet.status_code == 204
    ingest("Brand new question about bins?", network_id="n2")
    fresh = client.get(reverse("inbox:poll"), {"since": marker})
    assert fresh.status_code == 200
    assert "Brand new question about bins?" in fresh.content.decode()


def test_a_message_from_another_district_does_not_wake_the_poll(client, officer_york, ingest):
    ingest("Can I ask about parking?")
    login(client, officer_york)
    marker = selectors.latest_marker(officer=officer_york)
    ingest("Whitby question?", account_slug="scarborough", network_id="s1")
    assert client.get(reverse("inbox:poll"), {"since": marker}).status_code == 204


def test_a_message_that_commits_after_a_newer_one_still_wakes_the_poll(
    client, officer_york, ingest
):
    # Two ingesting processes: the message with the lower id commits second. Its
    # conversation's newest id is below the marker the page already has.
    first = ingest("Newer id, committed first?", network_id="n1")
    login(client, officer_york)
    late = ingest("Lower id, committed late?", network_id="n0")
    Conversation.objects.filter(pk=late.conversation_id).update(last_message_id=first.pk - 1)
    Conversation.objects.filter(pk=first.conversation_id).update(last_message_id=first.pk)
    marker_without_late = (
        f"{first.pk}.1.{Conversation.objects.get(pk=first.conversation_id).version}"
    )
    fresh = client.get(reverse("inbox:poll"), {"since": marker_without_late})
    assert fresh.status_code == 200
    assert "Lower id, committed late?" in fresh.content.decode()
    # A reply in a known conversation changes its version: the poll wakes too.
    marker = selectors.latest_marker(officer=officer_york)
    ingest("And one more thing?", network_id="n3", in_reply_to="n1")
    assert client.get(reverse("inbox:poll"), {"since": marker}).status_code == 200


def test_hostile_sender_names_and_texts_are_escaped(client, officer_york, ingest):
    hostile = ingest(
        '<img src=x onerror="alert(1)"> and <script>alert("text")</script>',
        author_name='<script>alert("name")</script>',
        author_handle='"><svg onload=alert(2)>',
    )
    login(client, officer_york)
    for url in (reverse("inbox:inbox"), detail(hostile.conversation)):
        page = client.get(url).content.decode()
        assert '<script>alert("name")</script>' not in page
        assert "<script>alert(" not in page
        assert "<img src=x" not in page
        assert "<svg onload" not in page
        assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;" in page


def test_opening_a_conversation_is_recorded_and_private_reads_say_so(client, officer_york, ingest):
    private = ingest("I'd rather tell you privately about my neighbour", kind="direct")
    login(client, officer_york)
    assert client.get(detail(private.conversation)).status_code == 200
    receipt = ConversationView.objects.get(conversation=private.conversation)
    assert receipt.officer == officer_york
    event = AuditEvent.objects.get(action="conversation.view")
    assert event.actor == officer_york and event.data["private"] is True


def test_a_scarborough_officer_cannot_open_a_york_conversation(client, officer_scarborough, ingest):
    york = ingest("Can I ask about parking in Haxby?")
    login(client, officer_scarborough)
    assert client.get(detail(york.conversation)).status_code == 403
    assert AuditEvent.objects.filter(action="refused.view").exists()


def test_another_forces_conversation_is_not_found(client, officer_other_force, ingest):
    york = ingest("Can I ask about parking in Haxby?")
    login(client, officer_other_force)
    assert client.get(detail(york.conversation)).status_code == 404


def test_two_people_taking_the_same_conversation_one_wins(ingest, officer_york, lead_york):
    conversation = ingest("Can I ask about parking?").conversation
    services.conversation_assign(
        actor=officer_york, conversation=conversation, assignee=officer_york,
        expected_assignee_id=None,
    )  # fmt: skip
    with pytest.raises(services.Conflict, match="Holmes"):
        services.conversation_assign(
            actor=lead_york, conversation=conversation, assignee=lead_york,
            expected_assignee_id=None,
        )  # fmt: skip
    assert Conversation.objects.get().assignee == officer_york


@pytest.mark.django_db(transaction=True)
@real_concurrency
def test_concurrent_assignments_and_replies_have_one_winner(ingest, force):
    conversation = ingest("Can I ask about parking?").conversation
    people = list(Officer.objects.filter(user__username__in=["officer_york", "lead_york"]))
    barrier = threading.Barrier(2, timeout=20)
    outcomes = {"assign": [], "reply": [], "errors": []}

    def work(officer):
        try:
            fresh = Conversation.objects.select_related("force__policy", "channel").get(
                pk=conversation.pk
            )
            barrier.wait()
            try:
                services.conversation_assign(
                    actor=officer, conversation=fresh, assignee=officer,
                    expected_assignee_id=None,
                )  # fmt: skip
                outcomes["assign"].append("won")
            except services.Conflict:
                outcomes["assign"].append("conflict")
            barrier.wait()
            try:
                services.reply_send(
                    actor=officer, conversation=fresh, text=f"Answer from {officer.surname}",
                    expected_version=0,
                )  # fmt: skip
                outcomes["reply"].append("won")
            except services.Conflict:
                outcomes["reply"].append("conflict")
        except Exception as exc:  # reported below
            outcomes["errors"].append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(o,)) for o in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes["errors"] == []
    assert sorted(outcomes["assign"]) == ["conflict", "won"]
    assert sorted(outcomes["reply"]) == ["conflict", "won"]
    assert Message.objects.filter(direction="out").count() == 1
    assert Delivery.objects.filter(action="reply").count() == 1


def test_a_reply_written_against_an_old_version_is_refused(client, officer_york, lead_york, ingest):
    conversation = ingest("Can I ask about parking?").conversation
    login(client, officer_york)
    client.post(reverse("inbox:reply", args=[conversation.pk]),
                {"text": "First answer", "version": 0})  # fmt: skip
    response = client.post(
        reverse("inbox:reply", args=[conversation.pk]),
        {"text": "Second answer", "version": 0},
        follow=True,
    )
    assert "Your reply was not sent" in response.content.decode()
    assert Message.objects.filter(direction="out").count() == 1


def test_a_reply_is_signed_sent_through_the_outbox_and_shows_delivered(
    client, officer_york, ingest
):
    message = ingest("Can I ask about parking?", network_id="q-77")
    conversation = message.conversation
    login(client, officer_york)
    client.post(reverse("inbox:reply", args=[conversation.pk]),
                {"text": "Yes, on Church Street after 6pm.", "version": 0})  # fmt: skip
    reply = Message.objects.get(direction="out")
    assert reply.signed_text.endswith("^JH")
    assert reply.in_reply_to == "q-77"
    assert reply.delivery.state == "queued"
    conversation.refresh_from_db()
    assert conversation.status == "waiting"
    assert conversation.first_response_at is not None
    assert conversation.first_response_seconds is not None
    assert conversation.assignee == officer_york
    run_outbox()
    reply.refresh_from_db()
    assert reply.delivery.state == "sent"
    assert reply.network_id == reply.delivery.network_id
    page = client.get(detail(conversation)).content.decode()
    assert 'data-delivery-state="sent"' in page and "Delivered" in page
    assert AuditEvent.objects.filter(action="conversation.reply", actor=officer_york).exists()


def test_a_reply_that_is_too_long_for_the_network_is_refused(client, officer_york, ingest):
    conversation = ingest("Can I ask about parking?").conversation
    channel = conversation.channel
    channel.network = "x"
    channel.save()
    login(client, officer_york)
    response = client.post(reverse("inbox:reply", args=[conversation.pk]),
                           {"text": "word " * 80, "version": 0}, follow=True)  # fmt: skip
    assert "Too long for X by" in response.content.decode()
    assert not Message.objects.filter(direction="out").exists()


def test_bulk_resolve_never_closes_an_emergency(client, officer_york, ingest):
    plain = ingest("Can I ask about parking?").conversation
    urgent = ingest(EMERGENCY, network_id="e1").conversation
    login(client, officer_york)
    response = client.post(
        reverse("inbox:bulk"),
        {"conversation": [plain.pk, urgent.pk], "action": "resolve"},
        follow=True,
    )
    assert "1 skipped" in response.content.decode()
    plain.refresh_from_db()
    urgent.refresh_from_db()
    assert plain.status == "resolved" and plain.resolved_at and plain.resolution_seconds is not None
    assert urgent.status == "new"


def test_bulk_spam_only_touches_conversations_the_officer_may_work(client, officer_york, ingest):
    york = ingest("Buy cheap watches now", network_id="y1").conversation
    whitby = ingest("Buy cheap watches", account_slug="scarborough", network_id="s1").conversation
    login(client, officer_york)
    client.post(reverse("inbox:bulk"), {"conversation": [york.pk, whitby.pk], "action": "spam"})
    assert Conversation.objects.get(pk=york.pk).status == "spam"
    assert Conversation.objects.get(pk=whitby.pk).status == "new"


def test_correcting_triage_keeps_a_labelled_example(client, officer_york, ingest):
    message = ingest("Can I ask about parking?")
    login(client, officer_york)
    client.post(
        reverse("inbox:correct", args=[message.conversation_id, message.pk]),
        {"category": "complaint", "priority": "high", "district": "york"},
    )
    correction = TriageCorrection.objects.get()
    assert correction.text == message.text
    assert (correction.category_before, correction.category) == (message.category, "complaint")
    conversation = Conversation.objects.get()
    assert conversation.category == "complaint" and conversation.priority == "high"
    assert AuditEvent.objects.filter(action="message.triage_correct").exists()


def test_an_emergency_corrected_to_other_is_no_longer_pinned(client, officer_york, ingest):
    message = ingest(EMERGENCY)
    login(client, officer_york)
    client.post(
        reverse("inbox:correct", args=[message.conversation_id, message.pk]),
        {"category": "other", "priority": "normal", "district": "york"},
    )
    assert not Conversation.objects.get().is_emergency


def test_a_crime_report_suggests_the_online_reporting_reply(client, officer_york, comms, ingest):
    services.saved_reply_create(
        actor=comms, title="Report online",
        text="Please report it at {reporting_url} or call {non_emergency_phone}. {officer_name}",
        purpose="crime_report",
    )  # fmt: skip
    message = ingest("My bike was stolen from outside the station in Haxby last night")
    assert message.category == "crime_report"
    login(client, officer_york)
    page = client.get(detail(message.conversation)).content.decode()
    assert "This looks like a crime report" in page
    saved = SavedReply.objects.get()
    filled = client.get(detail(message.conversation), {"saved": saved.pk}).content.decode()
    assert "Please report it at https://example.org/report or call 101. PC Jess Holmes" in filled


def test_snooze_hides_until_a_new_message_and_emergencies_cannot_be_snoozed(
    client, officer_york, ingest
):
    message = ingest("Can I ask about parking?", network_id="m1")
    login(client, officer_york)
    client.post(reverse("inbox:snooze", args=[message.conversation_id]),
                {"until": "2099-01-01T09:00"})  # fmt: skip
    assert "parking" not in client.get(reverse("inbox:inbox")).content.decode()
    ingest("Hello again?", network_id="m2", kind="reply", in_reply_to="m1")
    assert "Hello again" in client.get(reverse("inbox:inbox")).content.decode()
    urgent = ingest(EMERGENCY, network_id="e1")
    with pytest.raises(Exception, match="cannot be snoozed"):
        services.conversation_snooze(
            actor=officer_york, conversation=urgent.conversation,
            until=urgent.received_at.replace(year=2099),
        )  # fmt: skip


def test_notes_labels_and_status_are_saved_and_audited(client, officer_york, ingest):
    conversation = ingest("Can I ask about parking?").conversation
    login(client, officer_york)
    client.post(reverse("inbox:note", args=[conversation.pk]), {"text": "Called them back"})
    client.post(reverse("inbox:labels", args=[conversation.pk]), {"labels": "parking, follow-up"})
    client.post(reverse("inbox:status", args=[conversation.pk]), {"status": "open"})
    page = client.get(detail(conversation)).content.decode()
    assert "Called them back" in page and "follow-up, parking" in page
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"conversation.note", "conversation.label", "conversation.status"} <= actions


def test_views_and_search(client, officer_york, ingest):
    ingest("Question about bins in Haxby?", network_id="b1", author_name="Dora")
    other = ingest("Question about parking?", network_id="p1")
    services.conversation_assign(
        actor=officer_york, conversation=other.conversation, assignee=officer_york
    )
    login(client, officer_york)
    mine = client.get(reverse("inbox:inbox"), {"view": "mine"}).content.decode()
    assert "parking" in mine and "bins" not in mine
    unassigned = client.get(reverse("inbox:inbox"), {"view": "unassigned"}).content.decode()
    assert "bins" in unassigned and "parking" not in unassigned
    found = client.get(reverse("inbox:inbox"), {"q": "dora"}).content.decode()
    assert "bins" in found and "parking" not in found
    by_category = client.get(reverse("inbox:inbox"), {"category": "question"}).content.decode()
    assert "bins" in by_category
    by_account = client.get(reverse("inbox:inbox"), {"account": "nyp"}).content.decode()
    assert "bins" not in by_account


def test_round_robin_gives_new_conversations_to_on_duty_members_in_turn(
    ingest, officer_york, lead_york, account
):
    services.district_round_robin_set(
        actor=lead_york, district=account("york").district, enabled=True
    )
    services.duty_set(actor=officer_york, on_duty=True)
    services.duty_set(actor=lead_york, on_duty=True)
    owners = [
        ingest(f"Question {n} about Haxby?", network_id=f"q{n}").conversation.assignee_id
        for n in range(4)
    ]
    assert set(owners) == {officer_york.pk, lead_york.pk}
    assert owners[0] != owners[1] and owners[0] == owners[2]
    services.duty_set(actor=lead_york, on_duty=False)
    later = ingest("Another about Haxby?", network_id="q9").conversation
    assert later.assignee_id == officer_york.pk


def test_a_lead_assigns_to_a_team_member_but_not_outside_the_district(
    client, lead_york, officer_york, officer_scarborough, ingest
):
    conversation = ingest("Can I ask about parking?").conversation
    login(client, lead_york)
    client.post(reverse("inbox:assign", args=[conversation.pk]), {"assignee": officer_york.pk})
    assert Conversation.objects.get().assignee == officer_york
    response = client.post(reverse("inbox:assign", args=[conversation.pk]),
                           {"assignee": officer_scarborough.pk}, follow=True)  # fmt: skip
    assert "cannot read this conversation" in response.content.decode()
    assert Conversation.objects.get().assignee == officer_york


def test_presence_shows_who_else_has_it_open_and_is_replying(
    client, officer_york, lead_york, ingest
):
    conversation = ingest("Can I ask about parking?").conversation
    services.presence_touch(actor=lead_york, conversation=conversation, replying=True)
    login(client, officer_york)
    response = client.post(reverse("inbox:presence", args=[conversation.pk]), {"version": 0})
    assert "Sgt Sam Carter is writing a reply" in response.content.decode()
    ingest("one more thing?", network_id="m2", kind="reply",
           in_reply_to=conversation.messages.first().network_id)  # fmt: skip
    changed = client.post(reverse("inbox:presence", args=[conversation.pk]), {"version": 0})
    assert "This conversation changed since you opened it" in changed.content.decode()


def test_breaching_view_shows_conversations_past_their_target(client, officer_york, ingest):
    from datetime import timedelta

    late = ingest("Question asked long ago?", network_id="old")
    ingest("Question asked just now?", network_id="new")
    Conversation.objects.filter(pk=late.conversation_id).update(
        target_at=late.received_at - timedelta(minutes=5)
    )
    login(client, officer_york)
    page = client.get(reverse("inbox:inbox"), {"view": "breaching"}).content.decode()
    assert "long ago" in page and "just now" not in page
    assert "overdue by" in page


def test_the_demo_seeds_messages_through_ingestion_with_one_emergency(force):
    from beatdesk.inbox.demo import seed_demo

    seed_demo(force)
    assert Message.objects.filter(direction="in").count() == 5
    assert Conversation.objects.filter(is_emergency=True).count() == 1
    assert SavedReply.objects.filter(purpose="crime_report").exists()


def live_region_after(client, marker: str) -> str:
    """The live region the next poll brings: it must have changed since ``marker``."""
    polled = client.get(reverse("inbox:poll"), {"since": marker})
    assert polled.status_code == 200
    return polled.content.decode()


def test_the_desk_warns_when_messages_taken_in_wait_too_long(
    client, officer_york, ingest, account, other_force
):
    """No worker sorting messages taken in at once (``Prefer: respond-async``) would leave an
    emergency among them unflagged: after two minutes the desk says so, and the poll brings
    the warning without a reload."""
    from datetime import timedelta

    from django.utils import timezone

    from beatdesk.inbox.arrivals import arrivals_drain, messages_receive
    from beatdesk.inbox.models import Arrival

    ingest("Can I ask about parking?")
    york = account("york")
    messages_receive(
        force=york.force,
        items=[{"account": york, "network_id": None, "text": EMERGENCY, "author_handle": "x"}],
    )
    login(client, officer_york)
    page = client.get(reverse("inbox:inbox")).content.decode()
    assert 'id="arrivals-waiting"' not in page  # just taken in: the worker has time
    marker = client.get(reverse("inbox:inbox")).context["marker"]
    assert client.get(reverse("inbox:poll"), {"since": marker}).status_code == 204

    Arrival.objects.update(taken_in_at=timezone.now() - timedelta(minutes=3))
    text = live_region_after(client, marker)
    assert 'id="arrivals-waiting"' in text
    assert "1 message taken in and not yet sorted" in text

    # Another force's stuck arrivals are not this desk's business.
    arrivals_drain()
    other = other_force.accounts.first()
    messages_receive(
        force=other_force,
        items=[{"account": other, "network_id": None, "text": "hello", "author_handle": "y"}],
    )
    Arrival.objects.update(taken_in_at=timezone.now() - timedelta(minutes=3))
    assert 'id="arrivals-waiting"' not in client.get(reverse("inbox:inbox")).content.decode()


def test_the_desk_warns_when_replies_are_due_and_not_sent(
    client, officer_york, ingest, other_force
):
    """A reply the desk shows as queued has not reached the public while no worker sends it:
    two minutes after it was due the desk says so, and the poll brings the warning."""
    from datetime import timedelta

    from django.utils import timezone

    message = ingest("Is the Haxby Road footpath open again?")
    services.reply_send(
        actor=officer_york,
        conversation=message.conversation,
        text="Yes, since this morning.",
        expected_version=message.conversation.version,
    )
    login(client, officer_york)
    marker = client.get(reverse("inbox:inbox")).context["marker"]
    assert client.get(reverse("inbox:poll"), {"since": marker}).status_code == 204

    Delivery.objects.update(due_at=timezone.now() - timedelta(minutes=3))
    text = live_region_after(client, marker)
    assert 'id="deliveries-waiting"' in text
    assert "1 reply or post due and not sent" in text
    assert 'id="arrivals-waiting"' not in text

    run_outbox()
    assert 'id="deliveries-waiting"' not in client.get(reverse("inbox:inbox")).content.decode()

    # Another force's outbox is not this desk's business.
    Delivery.objects.update(
        force=other_force, state=Delivery.State.QUEUED, due_at=timezone.now() - timedelta(hours=1)
    )
    assert 'id="deliveries-waiting"' not in client.get(reverse("inbox:inbox")).content.decode()
