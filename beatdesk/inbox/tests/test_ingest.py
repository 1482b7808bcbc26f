"""Ingestion: every message stored once, in the right conversation, triaged at arrival."""

import threading

import pytest
from django.db import connection

from beatdesk.forces.models import Channel
from beatdesk.inbox.models import Conversation, Message
from beatdesk.inbox.selectors import inbox_list
from beatdesk.inbox.services import message_ingest
from beatdesk.publishing.models import Delivery

pytestmark = pytest.mark.django_db

# The test database on SQLite is a shared in-memory database, whose table locks fail at once
# instead of waiting; real concurrency is exercised on PostgreSQL (the suite runs on both).
real_concurrency = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="needs a database that waits for locks"
)

EMERGENCY = "my neighbour is screaming and he is hitting her right now, please send someone"


def test_the_same_network_message_delivered_twice_is_stored_once(ingest):
    first = ingest("Is the Haxby road open?", network_id="x-1")
    again = ingest("Is the Haxby road open?", network_id="x-1")
    assert again.pk == first.pk
    assert again.was_duplicate
    assert Message.objects.count() == 1
    assert Conversation.objects.count() == 1


def test_the_same_id_on_another_channel_is_another_message(ingest):
    ingest("Hello", network_id="42", network="simulated")
    ingest("Hello", network_id="42", network="hub")
    assert Message.objects.count() == 2


def test_the_database_refuses_a_second_copy(force, account):
    channel = account("york").channels.get(network="simulated")
    message_ingest(force=force, channel=channel, network_id="dup", text="one", author_handle="a")
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(
            force=force,
            conversation=Conversation.objects.get(),
            channel=channel,
            network_id="dup",
            text="copy",
            received_at=Message.objects.get().received_at,
        )


@pytest.mark.django_db(transaction=True)
@real_concurrency
def test_concurrent_deliveries_of_one_message_store_it_once(force, account):
    channel = account("york").channels.get(network="simulated")
    barrier = threading.Barrier(4)
    results, errors = [], []

    def deliver():
        try:
            barrier.wait()
            message = message_ingest(
                force=force,
                channel=Channel.objects.get(pk=channel.pk),
                network_id="race-1",
                text="Is anyone looking at the burst water main on Haxby Road?",
                author_handle="racer",
            )
            results.append(message.pk)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
    assert Message.objects.filter(network_id="race-1").count() == 1
    assert Conversation.objects.count() == 1


def test_a_reply_to_a_reply_stays_in_one_thread(ingest):
    root = ingest("Who do I call about fly-tipping in Haxby?", network_id="m1")
    reply = ingest("It's behind the shops", network_id="m2", kind="reply", in_reply_to="m1")
    deeper = ingest("Still there today", network_id="m3", kind="reply", in_reply_to="m2")
    assert root.conversation_id == reply.conversation_id == deeper.conversation_id
    conversation = Conversation.objects.get()
    assert conversation.last_message_id == deeper.pk
    assert conversation.preview == "Still there today"


def test_a_reply_to_our_reply_joins_the_conversation(ingest, force, account):
    root = ingest("Is the Haxby road open?", network_id="m1")
    channel = account("york").channels.get(network="simulated")
    delivery = Delivery.objects.create(
        force=force,
        channel=channel,
        action=Delivery.Action.REPLY,
        state=Delivery.State.SENT,
        due_at=root.received_at,
        network_id="our-reply-9",
    )
    Message.objects.create(
        force=force,
        conversation=root.conversation,
        channel=channel,
        direction=Message.Direction.OUT,
        text="Yes, it reopened at noon.",
        delivery=delivery,
        received_at=root.received_at,
    )
    answer = ingest("Thanks!", network_id="m5", kind="reply", in_reply_to="our-reply-9")
    assert answer.conversation_id == root.conversation_id


def test_replies_to_our_post_are_grouped_under_it(ingest, force, account, officer_york):
    from beatdesk.publishing.models import Post

    channel = account("york").channels.get(network="simulated")
    post = Post.objects.create(
        force=force,
        account=account("york"),
        author=officer_york,
        state=Post.State.PUBLISHED,
        signature="^JH",
        client_token="t1",
    )
    Delivery.objects.create(
        force=force,
        channel=channel,
        post=post,
        state=Delivery.State.SENT,
        due_at=post.created_at,
        network_id="our-post-1",
    )
    a = ingest("Great news about the arrest", network_id="r1", kind="reply",
               in_reply_to="our-post-1", author_handle="alice")  # fmt: skip
    b = ingest("Which street was it?", network_id="r2", kind="reply",
               in_reply_to="our-post-1", author_handle="bob")  # fmt: skip
    assert a.conversation.post == post and b.conversation.post == post
    assert a.conversation_id != b.conversation_id
    shown = inbox_list(officer=officer_york, post_id=post.pk)
    assert {c.pk for c in shown} == {a.conversation_id, b.conversation_id}


def test_direct_messages_from_one_person_join_their_open_conversation(ingest):
    first = ingest("Hi, can I ask something privately?", kind="direct", author_handle="sam")
    second = ingest("It's about my neighbour in Haxby", kind="direct", author_handle="sam")
    other = ingest("Different person here", kind="direct", author_handle="lee")
    assert first.conversation_id == second.conversation_id != other.conversation_id
    assert first.conversation.is_private


def test_an_emergency_is_flagged_at_arrival_and_pinned_above_everything(ingest, officer_york):
    ingest("Is the Haxby road open?")
    ingest("Thank you for the talk at the school", network_id="n2")
    urgent = ingest(EMERGENCY, network_id="n3")
    ingest("Another question about parking?", network_id="n4")
    assert urgent.is_emergency and urgent.priority == "urgent"
    assert urgent.category == "emergency"
    assert urgent.reasons
    conversations = inbox_list(officer=officer_york)
    assert conversations[0].pk == urgent.conversation_id
    assert conversations[0].is_emergency


def test_triage_routes_by_place_and_falls_back_to_the_account(ingest):
    to_force = ingest("Car broken into overnight in Whitby, window smashed", account_slug="nyp")
    assert to_force.district.slug == "scarborough"
    plain = ingest("Do you have a lost property office?", account_slug="york", network_id="q")
    assert plain.district.slug == "york"
    assert plain.conversation.district.slug == "york"


def test_emergency_guidance_is_sent_automatically_when_the_policy_says_so(ingest, force):
    force.policy.auto_emergency_reply = "public"
    force.policy.save()
    urgent = ingest(EMERGENCY)
    guidance = Message.objects.get(direction="out")
    assert guidance.conversation_id == urgent.conversation_id
    assert guidance.is_automatic and not guidance.is_private
    assert guidance.text == force.policy.emergency_guidance
    assert guidance.delivery.state == Delivery.State.QUEUED
    assert guidance.delivery.action == Delivery.Action.REPLY


def test_no_automatic_guidance_when_the_policy_is_off(ingest):
    ingest(EMERGENCY)
    assert not Message.objects.filter(direction="out").exists()


def test_a_private_guidance_reply_goes_privately(ingest, force):
    force.policy.auto_emergency_reply = "private"
    force.policy.save()
    ingest(EMERGENCY)
    assert Message.objects.get(direction="out").is_private


def test_a_new_message_reopens_a_waiting_conversation_and_restarts_the_clock(ingest):
    root = ingest("Who do I call about fly-tipping?", network_id="m1")
    Conversation.objects.filter(pk=root.conversation_id).update(
        status="waiting", awaiting_since=None, target_at=None, version=3
    )
    ingest("Any news?", network_id="m2", kind="reply", in_reply_to="m1")
    conversation = Conversation.objects.get()
    assert conversation.status == "open"
    assert conversation.target_at is not None
    assert conversation.version == 4


def test_emergencies_escalate_the_conversation_and_stay(ingest):
    root = ingest("Can I ask about a noise complaint?", network_id="m1")
    assert root.conversation.priority != "urgent"
    ingest(EMERGENCY, network_id="m2", kind="reply", in_reply_to="m1")
    conversation = Conversation.objects.get()
    assert conversation.is_emergency and conversation.priority == "urgent"
    ingest("ok thanks", network_id="m3", kind="reply", in_reply_to="m2")
    conversation.refresh_from_db()
    assert conversation.is_emergency and conversation.priority == "urgent"


def test_messages_of_another_force_cannot_use_this_forces_channel(force, other_force, account):
    from django.core.exceptions import ValidationError

    channel = account("york").channels.get(network="simulated")
    with pytest.raises(ValidationError):
        message_ingest(
            force=other_force, channel=channel, network_id="z", text="hi", author_handle="a"
        )
