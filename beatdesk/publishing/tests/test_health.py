"""The outbox's health check: deliveries due minutes ago and not sent mean no worker sends."""

from datetime import timedelta

from django.utils import timezone

from beatdesk.forces.models import Channel
from beatdesk.publishing.jobs import outbox_moving
from beatdesk.publishing.models import Delivery


def test_deliveries_due_minutes_ago_and_not_sent_fail_the_outbox_check(
    officer_york, account, compose, drain
):
    compose(officer_york, account("york"), "Road closed at Clifton Moor.")
    now = timezone.now()
    assert outbox_moving(now).ok  # due now: a worker has time to send them

    later = outbox_moving(now + timedelta(minutes=5))
    assert not later.ok
    assert later.figures["overdue"] == 2  # the hub and the network
    assert later.figures["oldest_overdue_seconds"] in range(299, 302)
    assert later.summary == (
        "2 deliveries (posts or replies) due 5 min ago and not sent: "
        "is a worker running and keeping up?"
    )

    # A channel waiting to be reconnected holds its deliveries on purpose.
    Channel.objects.filter(network="simulated").update(state=Channel.State.NEEDS_RECONNECT)
    assert outbox_moving(now + timedelta(minutes=5)).figures["overdue"] == 1
    # A retry waits for its time; held and paused deliveries wait for a person.
    Delivery.objects.filter(channel__network="hub").update(
        state=Delivery.State.RETRY_WAIT, due_at=now + timedelta(minutes=10)
    )
    assert outbox_moving(now + timedelta(minutes=5)).ok
    for state in (Delivery.State.HELD, Delivery.State.PAUSED):
        Delivery.objects.update(state=state, due_at=now)
        assert outbox_moving(now + timedelta(minutes=5)).ok

    Channel.objects.update(state=Channel.State.ACTIVE)
    Delivery.objects.update(state=Delivery.State.QUEUED, due_at=now)
    drain()
    assert outbox_moving(now + timedelta(hours=1)).ok
