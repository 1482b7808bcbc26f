"""Compose, edit, delete, pause and held deliveries through the services."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from beatdesk.audit.models import AuditEvent
from beatdesk.networks.simulated.models import SimulatedPost
from beatdesk.publishing import services
from beatdesk.publishing.models import Delivery, Post, Tag
from beatdesk.publishing.services import PartInput, post_create


def test_the_same_client_token_twice_makes_one_post(officer_york, account):
    token = uuid.uuid4().hex
    kwargs = dict(actor=officer_york, account=account("york"), client_token=token)
    first = post_create(parts=[PartInput(text="Double click")], **kwargs)
    second = post_create(parts=[PartInput(text="Double click")], **kwargs)
    assert first.pk == second.pk
    assert Post.objects.count() == 1 and Delivery.objects.count() == 2


def test_tags_are_created_per_force_on_demand(officer_york, account, compose, force):
    post = compose(
        officer_york, account("york"), "Lock your sheds", tags="Burglary, road safety, #burglary"
    )
    assert sorted(t.slug for t in post.tags.all()) == ["burglary", "road-safety"]
    again = compose(officer_york, account("york"), "More sheds", tags="burglary")
    assert Tag.objects.filter(force=force).count() == 2
    assert again.tags.get().pk == post.tags.get(slug="burglary").pk


def test_areas_must_be_of_the_force(officer_york, account, compose, force, other_force):
    york = force.districts.get(slug="york")
    haxby = york.places.get(name="Haxby")
    post = compose(
        officer_york, account("york"), "Haxby", district_ids=[york.pk], place_ids=[haxby.pk]
    )
    assert list(post.districts.all()) == [york] and list(post.places.all()) == [haxby]
    foreign = other_force.districts.first()
    with pytest.raises(ValidationError, match="own force"):
        compose(officer_york, account("york"), "Elsewhere", district_ids=[foreign.pk])


def test_scheduled_posts_wait_for_their_time(officer_york, account, compose, drain, clock):
    when = clock.now + timedelta(hours=2)
    post = compose(officer_york, account("york"), "Later today", scheduled_for=when)
    assert drain() == 0
    assert post.deliveries.filter(due_at=when).count() == 2
    clock.advance(hours=2, seconds=1)
    drain()
    post.refresh_from_db()
    assert post.state == Post.State.PUBLISHED


def test_a_time_in_the_past_is_refused(officer_york, account, compose, clock):
    with pytest.raises(ValidationError, match="already passed"):
        compose(
            officer_york, account("york"), "Too late", scheduled_for=clock.now - timedelta(hours=1)
        )
    assert not Post.objects.exists()


def test_empty_parts_are_refused_with_a_clear_message(officer_york, account, compose):
    with pytest.raises(ValidationError) as caught:
        compose(officer_york, account("york"), "First", "   ")
    assert caught.value.messages == ["Part 2 is empty: write something or remove it."]


def test_edit_reaches_the_network_and_delete_removes_it(
    officer_york, account, compose, drain, clock
):
    post = compose(officer_york, account("york"), "Meeting at 7pm")
    drain()
    services.post_edit(actor=officer_york, post=post, texts=["Meeting at 7.30pm"])
    drain()
    stored = SimulatedPost.objects.get()
    assert stored.text == "Meeting at 7.30pm\n^JH" and stored.edited_at is not None
    post.refresh_from_db()
    assert post.edited_at is not None
    services.post_delete(actor=officer_york, post=post)
    drain()
    stored.refresh_from_db()
    assert stored.deleted_at is not None
    post.refresh_from_db()
    assert post.state == Post.State.DELETED
    assert post.deliveries.get(action="delete").state == Delivery.State.SENT
    assert {"post.edit", "post.delete"} <= set(AuditEvent.objects.values_list("action", flat=True))


def test_deleting_before_it_went_out_cancels_it(officer_york, account, compose, drain, clock):
    post = compose(
        officer_york, account("york"), "Oops", scheduled_for=clock.now + timedelta(hours=1)
    )
    services.post_delete(actor=officer_york, post=post)
    clock.advance(hours=2)
    drain()
    assert set(post.deliveries.values_list("state", flat=True)) == {Delivery.State.CANCELLED}
    assert not SimulatedPost.objects.exists()


def test_pause_holds_everything_and_resume_sends_it_all(
    comms, officer_york, officer_scarborough, account, compose, drain, clock, force
):
    scheduled = compose(
        officer_york,
        account("york"),
        "Fun run Sunday",
        scheduled_for=clock.now + timedelta(minutes=5),
    )
    pause = services.publishing_pause(actor=comms, force=force, reason="Major incident in York")
    during = compose(officer_scarborough, account("scarborough"), "Posted during the pause")
    clock.advance(minutes=10)
    assert drain() == 0
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.PAUSED}
    assert not SimulatedPost.objects.exists()
    with pytest.raises(ValidationError, match="already paused"):
        services.publishing_pause(actor=comms, force=force, reason="Again")
    services.publishing_resume(actor=comms, pause=pause)
    drain()
    for post in (scheduled, during):
        post.refresh_from_db()
        assert post.state == Post.State.PUBLISHED
    assert SimulatedPost.objects.count() == 2
    assert {"publishing.pause", "publishing.resume"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_an_account_pause_stops_only_that_account(
    comms, officer_york, officer_scarborough, account, compose, drain, clock, force
):
    pause = services.publishing_pause(
        actor=comms, force=force, account=account("york"), reason="Incident"
    )
    york = compose(officer_york, account("york"), "York post")
    scarborough = compose(officer_scarborough, account("scarborough"), "Scarborough post")
    drain()
    york.refresh_from_db()
    scarborough.refresh_from_db()
    assert york.state == Post.State.SCHEDULED and scarborough.state == Post.State.PUBLISHED
    services.publishing_resume(actor=comms, pause=pause)
    drain()
    york.refresh_from_db()
    assert york.state == Post.State.PUBLISHED


def test_a_stale_delivery_is_held_until_a_person_confirms(
    force, officer_york, lead_york, account, compose, drain, clock
):
    from beatdesk.networks.simulated.models import SimulatedMode
    from beatdesk.networks.simulated.transport import set_mode

    set_mode(force_id=force.pk, mode=SimulatedMode.Mode.ERROR)
    post = compose(officer_york, account("york"), "Cheerful scheduled post")
    drain()
    set_mode(force_id=force.pk, mode=SimulatedMode.Mode.HEALTHY)
    clock.advance(minutes=force.policy.stale_after_minutes + 1)
    drain()
    delivery = post.deliveries.get(channel__network="simulated")
    assert delivery.state == Delivery.State.HELD
    assert not SimulatedPost.objects.exists()
    services.delivery_confirm(actor=lead_york, delivery=delivery, send=True)
    drain()
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT
    assert AuditEvent.objects.filter(action="delivery.release", actor=lead_york).exists()
