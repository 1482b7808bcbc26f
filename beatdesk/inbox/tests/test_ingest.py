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


def test_replies_to_our_post_are_grouped_under_it(client, ingest, force, account, officer_york):
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
    ingest("Unrelated question?", network_id="r3")
    from django.urls import reverse

    from beatdesk.core.testing import login

    page = login(client, officer_york).get(reverse("inbox:inbox"), {"post": post.pk})
    text = page.content.decode()
    assert "Great news about the arrest" in text and "Which street" in text
    assert "Unrelated question" not in text


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


def test_a_batch_is_stored_in_order_with_threads_duplicates_and_emergencies(
    force, account, officer_york
):
    from beatdesk.inbox.ingest import messages_ingest

    york = account("york")
    channel = york.channels.get(network="simulated")

    def item(network_id, text, **extra):
        return {"channel": channel, "account": york, "network_id": network_id, "text": text,
                "author_handle": "a", **extra}  # fmt: skip

    message_ingest(force=force, **item("old-1", "Stored earlier: is the road open?"))
    stored = messages_ingest(
        force=force,
        items=[
            item("b1", "Question about bins in Haxby?"),
            item("b2", "More about the bins", kind="reply", in_reply_to="b1"),
            item("old-1", "Stored earlier: is the road open?"),
            item("b3", EMERGENCY),
            item("b1", "Question about bins in Haxby?"),
            item("b4", "Even more", kind="reply", in_reply_to="b2"),
        ],
    )
    assert [m.network_id for m in stored] == ["b1", "b2", "old-1", "b3", "b1", "b4"]
    assert [getattr(m, "was_duplicate", False) for m in stored] == [
        False, False, True, False, True, False,
    ]  # fmt: skip
    assert stored[0].conversation_id == stored[1].conversation_id == stored[5].conversation_id
    assert stored[4].pk == stored[0].pk
    assert Message.objects.count() == 5
    emergency = Conversation.objects.get(pk=stored[3].conversation_id)
    assert emergency.is_emergency and emergency.last_message_id == stored[3].pk
    assert inbox_list(officer=officer_york)[0].pk == emergency.pk
    bins = Conversation.objects.get(pk=stored[0].conversation_id)
    assert bins.last_message_id == stored[5].pk


# --- Batches: replies stored per batch keep every thread whole --------------------------------


@pytest.fixture
def batch_item(account):
    york = account("york")
    channel = york.channels.get(network="simulated")

    def item(network_id, text, **extra):
        return {"channel": channel, "account": york, "network_id": network_id, "text": text,
                "author_handle": "a", **extra}  # fmt: skip

    return item


def test_a_batch_threads_replies_to_stored_messages_and_to_each_other(force, batch_item):
    from beatdesk.inbox.ingest import messages_ingest

    old = message_ingest(force=force, **batch_item("old-1", "Is the Haxby road open?"))
    other = message_ingest(force=force, **batch_item("old-2", "Bins not collected in Acomb"))
    Conversation.objects.filter(pk=old.conversation_id).update(status="waiting", version=5)
    stored = messages_ingest(
        force=force,
        items=[
            batch_item("n1", "Any news on the road?", kind="reply", in_reply_to="old-1"),
            batch_item("n2", "A new question about parking"),
            batch_item("n3", "Still closed this morning", kind="reply", in_reply_to="n1"),
            batch_item("n4", "And the bins?", kind="reply", in_reply_to="old-2"),
            batch_item("n5", "Parking follow-up", kind="reply", in_reply_to="n2"),
            batch_item("n3", "Still closed this morning", kind="reply", in_reply_to="n1"),
            batch_item("n6", "Reply to the road again", kind="reply", in_reply_to="n3"),
            batch_item(
                "n7", "Answer to something we never saw", kind="reply", in_reply_to="unknown-9"
            ),
        ],
    )
    road, bins = old.conversation_id, other.conversation_id
    assert [m.conversation_id for m in stored] == [
        road, stored[1].conversation_id, road, bins, stored[1].conversation_id, road, road,
        stored[7].conversation_id,
    ]  # fmt: skip
    assert len({road, bins, stored[1].conversation_id, stored[7].conversation_id}) == 4
    assert stored[5].pk == stored[2].pk and stored[5].was_duplicate
    assert not getattr(stored[2], "was_duplicate", False)
    assert Message.objects.count() == 2 + 7
    conversation = Conversation.objects.get(pk=road)
    # Three messages joined the stored conversation: counted, reopened, newest shown.
    assert conversation.version == 5 + 3
    assert conversation.status == "open"
    assert conversation.last_message_id == stored[6].pk
    assert conversation.preview == "Reply to the road again"
    assert conversation.messages.count() == 4
    parking = Conversation.objects.get(pk=stored[1].conversation_id)
    assert parking.last_message_id == stored[4].pk and parking.version == 1
    assert Conversation.objects.get(pk=bins).last_message_id == stored[3].pk


def test_a_batch_groups_replies_to_our_post_and_joins_our_reply(
    force, account, officer_york, batch_item
):
    from beatdesk.inbox.ingest import messages_ingest
    from beatdesk.publishing.models import Post

    channel = account("york").channels.get(network="simulated")
    post = Post.objects.create(force=force, account=account("york"), author=officer_york,
                               state=Post.State.PUBLISHED, signature="^JH", client_token="t1")  # fmt: skip
    Delivery.objects.create(force=force, channel=channel, post=post, state=Delivery.State.SENT,
                            due_at=post.created_at, network_id="our-post-1")  # fmt: skip
    root = message_ingest(force=force, **batch_item("m1", "Is the Haxby road open?"))
    ours = Delivery.objects.create(force=force, channel=channel, action=Delivery.Action.REPLY,
                                   state=Delivery.State.SENT, due_at=root.received_at,
                                   network_id="our-reply-9")  # fmt: skip
    Message.objects.create(force=force, conversation=root.conversation, channel=channel,
                           direction=Message.Direction.OUT, text="Yes, it reopened.",
                           delivery=ours, received_at=root.received_at)  # fmt: skip
    stored = messages_ingest(
        force=force,
        items=[
            batch_item("r1", "Great news", kind="reply", in_reply_to="our-post-1"),
            batch_item("r2", "Which street?", kind="reply", in_reply_to="our-post-1"),
            batch_item("r3", "Thanks!", kind="reply", in_reply_to="our-reply-9"),
            batch_item("r4", "Which street, please?", kind="reply", in_reply_to="r2"),
        ],
    )
    assert stored[0].conversation.post_id == stored[1].conversation.post_id == post.pk
    assert stored[0].conversation_id != stored[1].conversation_id
    assert stored[2].conversation_id == root.conversation_id
    assert stored[3].conversation_id == stored[1].conversation_id


def test_direct_messages_in_one_batch_join_one_private_conversation(force, account):
    from beatdesk.inbox.ingest import messages_ingest

    york = account("york")
    channel = york.channels.get(network="simulated")

    def dm(network_id, text, handle):
        return {"channel": channel, "account": york, "network_id": network_id, "text": text,
                "author_handle": handle, "kind": "direct"}  # fmt: skip

    first = message_ingest(force=force, **dm("d0", "Can I ask something privately?", "sam"))
    stored = messages_ingest(
        force=force,
        items=[
            dm("d1", "It's about my neighbour", "sam"),
            dm("d2", "Hello, a different person", "lee"),
            dm("d3", "And his car", "sam"),
            dm("d4", "Me again", "lee"),
        ],
    )
    assert stored[0].conversation_id == stored[2].conversation_id == first.conversation_id
    assert stored[1].conversation_id == stored[3].conversation_id != first.conversation_id
    assert Conversation.objects.get(pk=first.conversation_id).version == 2


@pytest.mark.django_db(transaction=True)
@real_concurrency
def test_concurrent_batches_with_shared_messages_store_each_once(force, account):
    from beatdesk.inbox.ingest import messages_ingest

    york = account("york")
    channel = york.channels.get(network="simulated")
    message_ingest(force=force, channel=channel, network_id="root", text="Road open?",
                   author_handle="a")  # fmt: skip
    barrier = threading.Barrier(3)
    errors = []

    def deliver(offset):
        try:
            ch = Channel.objects.select_related("account").get(pk=channel.pk)
            items = [
                {"channel": ch, "network_id": f"c{n}", "text": f"Reply number {n}",
                 "author_handle": f"p{n}", "kind": "reply", "in_reply_to": "root"}
                for n in range(offset, offset + 30)
            ]  # fmt: skip
            barrier.wait()
            messages_ingest(force=force, items=items)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(n * 10,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Message.objects.count() == 1 + 50
    assert Message.objects.filter(network_id="c15").count() == 1
    # Every reply is in the root's thread, and the thread counts each message once.
    conversation = Conversation.objects.get()
    assert conversation.version == 50
    assert conversation.last_message_id == Message.objects.order_by("-id").first().pk


# --- The emergency fast path -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_batchs_emergency_is_committed_and_flagged_before_the_rest_is_stored(
    force, account, officer_york, batch_item, monkeypatch
):
    from beatdesk.inbox import ingest
    from beatdesk.inbox.selectors import emergencies_open

    store_batch = ingest._store_batch
    seen = []

    def store_then_fail(batch, *args):
        if seen:
            # The rest of the batch: by now the emergency is committed, flagged and pinned.
            assert not connection.in_atomic_block
            urgent = Message.objects.get(network_id="e3")
            assert urgent.is_emergency and urgent.conversation.is_emergency
            assert urgent.conversation.last_message_id == urgent.pk
            assert [c.pk for c in emergencies_open(officer=officer_york)] == [
                urgent.conversation_id
            ]
            assert inbox_list(officer=officer_york)[0].pk == urgent.conversation_id
            raise ConnectionError("the database went away")
        seen.append([item.message.network_id for item in batch])
        return store_batch(batch, *args)

    monkeypatch.setattr(ingest, "_store_batch", store_then_fail)
    with pytest.raises(ConnectionError):
        ingest.messages_ingest(
            force=force,
            items=[
                batch_item("e1", "Is the Haxby road open?"),
                batch_item("e2", "Thanks for the talk at the school"),
                batch_item("e3", EMERGENCY),
                batch_item("e4", "Parking question"),
            ],
        )
    assert seen == [["e3"]]
    assert list(Message.objects.values_list("network_id", flat=True)) == ["e3"]
    assert Conversation.objects.get().is_emergency


def test_an_emergency_answering_an_earlier_message_of_its_batch_brings_its_thread(
    force, batch_item, monkeypatch
):
    from beatdesk.inbox import ingest

    store_batch = ingest._store_batch
    calls = []

    def recording(batch, *args):
        calls.append([item.message.network_id for item in batch])
        return store_batch(batch, *args)

    monkeypatch.setattr(ingest, "_store_batch", recording)
    stored = ingest.messages_ingest(
        force=force,
        items=[
            batch_item("t1", "Noise from next door again"),
            batch_item("t2", "A question about bins"),
            batch_item("t3", "It's getting worse", kind="reply", in_reply_to="t1"),
            batch_item("t4", EMERGENCY, kind="reply", in_reply_to="t3"),
            batch_item("t5", "Anyone there?", kind="reply", in_reply_to="t4"),
        ],
    )
    assert calls == [["t1", "t3", "t4"], ["t2", "t5"]]
    assert [m.network_id for m in stored] == ["t1", "t2", "t3", "t4", "t5"]
    thread = {stored[i].conversation_id for i in (0, 2, 3, 4)}
    assert len(thread) == 1 and stored[1].conversation_id not in thread
    conversation = Conversation.objects.get(pk=stored[0].conversation_id)
    assert conversation.is_emergency and conversation.priority == "urgent"
    assert conversation.last_message_id == max(stored[i].pk for i in (0, 2, 3, 4))
    assert conversation.preview == "Anyone there?"


@pytest.mark.django_db(transaction=True)
def test_each_message_records_when_the_commit_that_stored_it_happened(force, batch_item):
    from beatdesk.inbox.ingest import messages_ingest

    stored = messages_ingest(
        force=force,
        items=[batch_item("s1", "Is the Haxby road open?"), batch_item("s2", EMERGENCY)],
    )
    assert stored[1].is_emergency
    assert stored[1].committed_at <= stored[0].committed_at


def test_a_long_batch_is_stored_in_parts_and_threads_across_them(force, batch_item, monkeypatch):
    from beatdesk.inbox import ingest

    monkeypatch.setattr(ingest, "STORE_CHUNK", 2)
    stored = ingest.messages_ingest(
        force=force,
        items=[
            batch_item("p1", "Is the Haxby road open?"),
            batch_item("p2", "Bins question"),
            batch_item("p3", "Any news?", kind="reply", in_reply_to="p1"),
            batch_item("p4", "Bins again", kind="reply", in_reply_to="p2"),
            batch_item("p5", "Still waiting", kind="reply", in_reply_to="p3"),
        ],
    )
    assert stored[0].conversation_id == stored[2].conversation_id == stored[4].conversation_id
    assert stored[1].conversation_id == stored[3].conversation_id != stored[0].conversation_id
    road = Conversation.objects.get(pk=stored[0].conversation_id)
    assert road.version == 2 and road.last_message_id == stored[4].pk


def test_a_batch_stopped_as_a_deadlock_is_tried_again(force, batch_item, monkeypatch):
    from django.db import OperationalError

    from beatdesk.inbox import ingest

    store_batch = ingest._store_batch
    calls = []

    class Deadlock(Exception):
        sqlstate = ingest.DEADLOCK

    def deadlock_once(batch, *args):
        calls.append(len(batch))
        if len(calls) == 1:
            raise OperationalError("deadlock detected") from Deadlock()
        return store_batch(batch, *args)

    monkeypatch.setattr(ingest, "_store_batch", deadlock_once)
    stored = ingest.messages_ingest(
        force=force, items=[batch_item("k1", "Road open?"), batch_item("k2", "Bins?")]
    )
    assert calls == [2, 2]
    assert Message.objects.count() == 2 and all(m.pk for m in stored)
