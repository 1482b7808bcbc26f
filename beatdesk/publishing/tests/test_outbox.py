"""The outbox keeps its promise: every post reaches every channel once, whatever the network
does, and nothing is ever sent twice."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from beatdesk.audit.models import AuditEvent
from beatdesk.forces.models import Channel
from beatdesk.forces.services import channel_set_state
from beatdesk.networks.base import OutgoingPart, OutgoingPost, SendResult
from beatdesk.networks.simulated.models import SimulatedMode, SimulatedPost
from beatdesk.networks.simulated.transport import SimulatedTransport, set_mode
from beatdesk.publishing import outbox
from beatdesk.publishing.models import Delivery, Notification, Post


def simulated(post) -> Delivery:
    return post.deliveries.get(channel__network="simulated", action="publish")


def test_a_post_reaches_the_hub_and_the_network_once_signed(
    officer_york, account, compose, drain, clock
):
    post = compose(officer_york, account("york"), "Bikes stolen from Haxby Road overnight.")
    assert post.state == Post.State.SCHEDULED
    assert drain() == 2
    post.refresh_from_db()
    assert post.state == Post.State.PUBLISHED and post.published_at is not None
    hub = post.deliveries.get(channel__network="hub")
    assert hub.state == Delivery.State.SENT
    assert hub.url == f"/north-yorkshire/posts/{post.pk}/"
    sent = simulated(post)
    assert sent.state == Delivery.State.SENT and sent.url.endswith(sent.network_id)
    stored = SimulatedPost.objects.get(key=str(sent.key))
    assert stored.text == "Bikes stolen from Haxby Road overnight.\n^JH"
    assert AuditEvent.objects.filter(action="delivery.sent", object_id=str(sent.pk)).exists()
    assert drain() == 0


def test_rate_limit_is_honoured_and_the_post_goes_out_after_it(
    force, officer_york, account, compose, drain, clock
):
    set_mode(force_id=force.pk, mode=SimulatedMode.Mode.RATE_LIMITED, retry_after_seconds=120)
    post = compose(officer_york, account("york"), "Road closed at Clifton Moor.")
    drain()
    delivery = simulated(post)
    assert delivery.state == Delivery.State.RETRY_WAIT
    assert "429" in delivery.last_error
    assert 120 <= (delivery.due_at - clock.now).total_seconds() <= 121
    set_mode(force_id=force.pk, mode=SimulatedMode.Mode.HEALTHY)
    clock.advance(seconds=60)
    assert drain() == 0  # not before Retry-After
    clock.advance(seconds=61)
    drain()
    assert simulated(post).state == Delivery.State.SENT


def test_server_errors_back_off_exponentially_with_jitter(
    force, officer_york, account, compose, drain, clock
):
    set_mode(force_id=force.pk, mode=SimulatedMode.Mode.ERROR)
    post = compose(officer_york, account("york"), "Drop-in surgery at Haxby library.")
    waits = []
    for _ in range(4):
        drain()
        delivery = simulated(post)
        assert delivery.state == Delivery.State.RETRY_WAIT
        waits.append((delivery.due_at - clock.now).total_seconds())
        clock.now = delivery.due_at
    for attempt, wait in enumerate(waits, start=1):
        ceiling = outbox.BACKOFF_BASE_SECONDS * 2 ** (attempt - 1)
        assert ceiling / 2 <= wait <= ceiling
    assert simulated(post).attempts == 4


def test_revoked_token_marks_the_channel_and_tells_the_lead_without_retrying(
    force, officer_york, lead_york, admin, account, compose, drain, clock
):
    set_mode(force_id=force.pk, mode=SimulatedMode.Mode.REVOKED)
    post = compose(officer_york, account("york"), "Thank you to everyone at the meeting.")
    drain()
    channel = Channel.objects.get(account=account("york"), network="simulated")
    assert channel.state == Channel.State.NEEDS_RECONNECT
    assert Notification.objects.filter(officer=lead_york, text__contains="needs reconnecting")
    attempts = simulated(post).attempts
    clock.advance(hours=1)
    drain()
    assert simulated(post).attempts == attempts  # nothing tried while disconnected
    set_mode(force_id=force.pk, mode=SimulatedMode.Mode.HEALTHY)
    channel_set_state(actor=admin, channel=channel, state=Channel.State.ACTIVE)
    drain()
    assert simulated(post).state == Delivery.State.SENT


def test_a_lost_reply_is_reconciled_not_resent(force, officer_york, account, compose, drain, clock):
    set_mode(force_id=force.pk, mode=SimulatedMode.Mode.DROP_REPLY)
    post = compose(officer_york, account("york"), "Speed checks on the A64 today.")
    drain()
    delivery = simulated(post)
    assert delivery.state == Delivery.State.UNKNOWN and delivery.needs_reconcile
    set_mode(force_id=force.pk, mode=SimulatedMode.Mode.HEALTHY)
    clock.now = delivery.due_at
    drain()
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT
    assert SimulatedPost.objects.filter(key=str(delivery.key)).count() == 1
    assert delivery.network_id == SimulatedPost.objects.get(key=str(delivery.key)).network_id
    assert AuditEvent.objects.filter(action="delivery.sent", data__reconciled=True).exists()


def test_a_timeout_that_never_arrived_is_checked_then_sent_once(
    force, officer_york, account, compose, drain, clock
):
    set_mode(force_id=force.pk, mode=SimulatedMode.Mode.TIMEOUT)
    post = compose(officer_york, account("york"), "Lost dog found on Bootham.")
    drain()
    delivery = simulated(post)
    assert delivery.state == Delivery.State.UNKNOWN
    set_mode(force_id=force.pk, mode=SimulatedMode.Mode.HEALTHY)
    clock.now = delivery.due_at
    drain()
    assert SimulatedPost.objects.filter(key=str(delivery.key)).count() == 1
    assert simulated(post).state == Delivery.State.SENT


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing after it runs, no except clause catches it."""


def test_a_worker_killed_mid_send_leaves_an_unknown_delivery_that_reconciles_once(
    force, officer_york, account, compose, drain, clock, monkeypatch
):
    post = compose(officer_york, account("york"), "Community speedwatch volunteers wanted.")
    real_publish = SimulatedTransport.publish

    def publish_then_die(self, payload):
        real_publish(self, payload)  # the network has it...
        raise WorkerKilled  # ...and the worker dies before hearing back

    monkeypatch.setattr(SimulatedTransport, "publish", publish_then_die)
    with pytest.raises(WorkerKilled):
        drain()
    delivery = simulated(post)
    assert delivery.state == Delivery.State.SENDING
    monkeypatch.setattr(SimulatedTransport, "publish", real_publish)

    clock.advance(seconds=outbox.LEASE_SECONDS - 10)
    drain()
    assert simulated(post).state == Delivery.State.SENDING  # the lease still holds
    clock.advance(seconds=20)
    drain()
    delivery = simulated(post)
    assert delivery.state == Delivery.State.SENT
    assert SimulatedPost.objects.filter(key=str(delivery.key)).count() == 1
    assert AuditEvent.objects.filter(action="delivery.lease_expired").exists()


def test_two_claimers_never_take_the_same_delivery(officer_york, account, compose, clock):
    for n in range(10):
        compose(officer_york, account("york"), f"Update number {n}")
    first = outbox.claim(now=clock.now, limit=6)
    second = outbox.claim(now=clock.now, limit=100)
    first_ids = {d.pk for d in first.deliveries}
    second_ids = {d.pk for d in second.deliveries}
    assert len(first_ids) == 6 and len(second_ids) == 14
    assert not first_ids & second_ids
    assert outbox.claim(now=clock.now, limit=100).deliveries == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_send_each_delivery_exactly_once(force, officer_york, account):
    from beatdesk.publishing.services import PartInput, post_create

    if connection.vendor == "sqlite":
        pytest.skip(
            "The SQLite test database is in memory with shared-cache table locks, which fail "
            "instead of waiting; claims interleaving on SQLite is tested above."
        )
    for n in range(40):
        post_create(
            actor=officer_york,
            account=account("york"),
            parts=[PartInput(text=f"Parallel post {n}")],
            client_token=f"t{n}",
        )
    errors = []

    def work():
        try:
            for _ in range(200):
                if not outbox.run_outbox(limit=5):
                    break
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}
    keys = Counter(SimulatedPost.objects.values_list("key", flat=True))
    assert len(keys) == 40 and set(keys.values()) == {1}


def test_fault_storm_loses_nothing_and_duplicates_nothing(
    force, officer_york, officer_scarborough, comms, admin, account, compose, drain, clock
):
    policy = force.policy
    policy.stale_after_minutes = 7 * 24 * 60
    policy.save()
    authors = [
        (officer_york, account("york")),
        (officer_scarborough, account("scarborough")),
        (comms, account("nyp")),
    ]
    # Every kind of failure for a while, posts arriving all the time...
    storm = [
        SimulatedMode.Mode.ERROR,
        SimulatedMode.Mode.RATE_LIMITED,
        SimulatedMode.Mode.TIMEOUT,
        SimulatedMode.Mode.DROP_REPLY,
        SimulatedMode.Mode.CHAOS,
        SimulatedMode.Mode.REVOKED,
        SimulatedMode.Mode.CHAOS,
    ]
    posts = []
    for n in range(200):
        officer, acc = authors[n % len(authors)]
        posts.append(compose(officer, acc, f"Update {n} from {acc.name}"))
        if n % 10 == 9:
            mode = storm[(n // 10) % len(storm)]
            set_mode(force_id=force.pk, mode=mode, failure_percent=70, retry_after_seconds=20)
            drain()
            clock.advance(seconds=45)
    # ...then the network recovers and an admin reconnects whatever was revoked.
    set_mode(force_id=force.pk, mode=SimulatedMode.Mode.HEALTHY)
    for channel in Channel.objects.filter(force=force, state=Channel.State.NEEDS_RECONNECT):
        channel_set_state(actor=admin, channel=channel, state=Channel.State.ACTIVE)
    for _ in range(60):
        drain()
        waiting = Delivery.objects.exclude(state=Delivery.State.SENT)
        if not waiting.exists():
            break
        clock.now = max(clock.now, min(waiting.values_list("due_at", flat=True)))

    deliveries = Delivery.objects.filter(post__in=posts)
    assert deliveries.count() == 400
    assert Counter(deliveries.values_list("state", flat=True)) == {"sent": 400}
    keys = Counter(SimulatedPost.objects.values_list("key", flat=True))
    sim = deliveries.filter(channel__network="simulated")
    assert set(keys) == {str(k) for k in sim.values_list("key", flat=True)}  # 0 lost
    assert max(keys.values()) == 1  # 0 duplicated
    assert Post.objects.filter(state=Post.State.PUBLISHED).count() == 200
    outcomes = Counter(
        AuditEvent.objects.filter(action__startswith="delivery.").values_list("action", flat=True)
    )
    for kind in ("delivery.retry", "delivery.unknown", "delivery.reconnect", "delivery.sent"):
        assert outcomes[kind] > 0, kind


def test_replies_go_through_registered_builders(force, account, drain, clock, monkeypatch):
    seen = []
    # setitem puts back the inbox's own "reply" handler afterwards.
    monkeypatch.setitem(
        outbox._HANDLERS,
        "reply",
        outbox.PayloadHandler(
            build=lambda d: OutgoingPost(
                key=str(d.key),
                parts=(OutgoingPart(text=f"Reply for {d.reply_ref}"),),
                reply_to="abc",
            ),
            on_sent=lambda d, result: seen.append((d.reply_ref, result.network_id)),
        ),
    )
    channel = Channel.objects.get(account=account("york"), network="simulated")
    delivery = outbox.enqueue_reply(channel=channel, reply_ref="message-7")
    drain()
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT
    stored = SimulatedPost.objects.get(key=str(delivery.key))
    assert stored.text == "Reply for message-7" and stored.reply_to == "abc"
    assert seen == [("message-7", delivery.network_id)]


def test_send_result_shape_is_stored(force, officer_york, account, compose, drain, clock):
    post = compose(officer_york, account("york"), "One", "Two")
    drain()
    stored = SimulatedPost.objects.get(key=str(simulated(post).key))
    assert stored.parts == ["One\n^JH", "Two\n^JH"]
    assert isinstance(SendResult(network_id="x"), SendResult)


def test_a_post_deleted_while_it_was_being_sent_is_deleted_there_too(
    officer_york, account, compose, clock, monkeypatch
):
    from beatdesk.publishing import services

    post = compose(officer_york, account("york"), "Sent as it was deleted")
    real_publish = SimulatedTransport.publish

    def publish_while_author_deletes(self, payload):
        result = real_publish(self, payload)
        services.post_delete(actor=officer_york, post=post)
        return result

    monkeypatch.setattr(SimulatedTransport, "publish", publish_while_author_deletes)
    outbox.run_outbox()
    monkeypatch.setattr(SimulatedTransport, "publish", real_publish)
    outbox.run_outbox()
    stored = SimulatedPost.objects.get()
    assert stored.deleted_at is not None
    assert post.deliveries.get(action="delete", channel__network="simulated").state == "sent"


def test_the_hub_accepts_replies_to_its_own_form(force, account, drain, clock, monkeypatch):
    monkeypatch.setitem(
        outbox._HANDLERS,
        "reply",
        outbox.PayloadHandler(
            build=lambda d: OutgoingPost(key=str(d.key), parts=(OutgoingPart(text="Thursday 6pm"),))
        ),
    )
    hub = Channel.objects.get(account=account("york"), network="hub")
    delivery = outbox.enqueue_reply(channel=hub, reply_ref="41")
    drain()
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT
    assert delivery.network_id == "hub-reply-41"
