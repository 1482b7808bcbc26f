"""Who may compose, edit, delete, take down, approve and pause, as sentences."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from beatdesk.audit.models import AuditEvent
from beatdesk.core.permissions import can
from beatdesk.publishing import services
from beatdesk.publishing.models import Notification, Post


def test_officer_york_can_post_on_york_but_not_scarborough_or_the_force_account(
    officer_york, account, compose
):
    assert can(officer_york, "post", account("york"))
    assert not can(officer_york, "post", account("scarborough"))
    assert not can(officer_york, "post", account("nyp"))
    with pytest.raises(PermissionDenied):
        compose(officer_york, account("scarborough"), "Wrong district")
    assert not Post.objects.exists()
    assert AuditEvent.objects.filter(action="refused.post", actor=officer_york).exists()


def test_comms_can_post_on_the_force_account(comms, account, compose):
    post = compose(comms, account("nyp"), "Force-wide appeal")
    assert post.account.slug == "nyp"


def test_officer_other_force_cannot_post_on_york(officer_other_force, account, compose):
    assert not can(officer_other_force, "post", account("york"))


def test_only_the_author_edits_and_deletes_their_post(
    officer_york, lead_york, comms, officer_scarborough, account, compose
):
    post = compose(officer_york, account("york"), "Original")
    assert can(officer_york, "edit", post) and can(officer_york, "delete", post)
    for other in (lead_york, comms, officer_scarborough):
        assert not can(other, "edit", post)
        assert not can(other, "delete", post)
    with pytest.raises(PermissionDenied):
        services.post_edit(actor=lead_york, post=post, texts=["Changed by someone else"])


def test_lead_york_and_comms_take_down_york_posts_but_lead_scarborough_cannot(
    officer_york, lead_york, lead_scarborough, comms, officer_scarborough, account, compose
):
    post = compose(officer_york, account("york"), "Something that must come down")
    assert can(lead_york, "take_down", post)
    assert can(comms, "take_down", post)
    assert not can(lead_scarborough, "take_down", post)
    assert not can(officer_scarborough, "take_down", post)
    with pytest.raises(ValidationError, match="Give a reason"):
        services.post_take_down(actor=lead_york, post=post, reason="  ")
    services.post_take_down(actor=lead_york, post=post, reason="Names a suspect")
    post.refresh_from_db()
    assert post.state == Post.State.TAKEN_DOWN and post.removal_reason == "Names a suspect"
    note = Notification.objects.get(officer=officer_york)
    assert "took down your post" in note.text and "Names a suspect" in note.text
    assert AuditEvent.objects.filter(action="post.take_down", reason="Names a suspect").exists()
    assert not can(comms, "take_down", post)  # already down


def test_a_probationer_waits_for_lead_york_who_approves_or_returns(
    officer_york, lead_york, lead_scarborough, comms, account, compose, drain, clock
):
    officer_york.requires_approval = True
    officer_york.save()
    post = compose(officer_york, account("york"), "My first post")
    assert post.state == Post.State.PENDING_APPROVAL
    assert not post.deliveries.exists()
    assert Notification.objects.filter(officer=lead_york, text__contains="needs your approval")
    assert not can(officer_york, "approve", post)
    assert not can(lead_scarborough, "approve", post)
    assert can(comms, "approve", post)
    with pytest.raises(ValidationError, match="Say what should change"):
        services.post_return(actor=lead_york, post=post, reason="")
    services.post_return(actor=lead_york, post=post, reason="Add the crime number")
    post.refresh_from_db()
    assert post.state == Post.State.RETURNED and post.review_note == "Add the crime number"
    services.post_edit(actor=officer_york, post=post, texts=["My first post, crime 12/3456"])
    post.refresh_from_db()
    assert post.state == Post.State.PENDING_APPROVAL
    services.post_approve(actor=lead_york, post=post)
    drain()
    post.refresh_from_db()
    assert post.state == Post.State.PUBLISHED
    assert not can(officer_york, "edit", post)  # a published post would skip approval
    assert can(officer_york, "delete", post)
    assert {"post.create", "post.return", "post.edit", "post.approve"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_only_comms_pause_publishing(officer_york, lead_york, comms, force, account):
    assert not can(officer_york, "pause_publishing", force)
    assert not can(lead_york, "pause_publishing", force)
    assert not can(lead_york, "pause_publishing", account("york"))
    assert can(comms, "pause_publishing", force)
    assert can(comms, "pause_publishing", account("york"))
    with pytest.raises(PermissionDenied):
        services.publishing_pause(actor=lead_york, force=force, reason="Incident")


def test_admin_other_force_can_do_nothing_to_york_posts(
    officer_york, admin_other_force, account, compose
):
    post = compose(officer_york, account("york"), "Ours")
    for action in ("view", "edit", "delete", "take_down", "approve"):
        assert not can(admin_other_force, action, post)
