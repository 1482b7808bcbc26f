"""Who may do what to posts and deliveries. Posting itself is ``post`` on an Account
(forces/permissions.py); the force boundary is checked before any of these rules."""

from __future__ import annotations

from beatdesk.core.permissions import can, rule
from beatdesk.forces.models import Account, Force
from beatdesk.people.models import Officer
from beatdesk.publishing.models import Delivery, Post

REMOVED = (Post.State.DELETED, Post.State.TAKEN_DOWN)


@rule("view", Post)
def view_post(actor: Officer, post: Post) -> bool:
    return post.author_id == actor.pk or can(actor, "view", post.account)


@rule("edit", Post)
def edit_post(actor: Officer, post: Post) -> bool:
    """Authors edit their own posts while they may still post on the account. An officer whose
    posts need approval cannot change a published post (that would skip the approval)."""
    if post.author_id != actor.pk or post.state in REMOVED:
        return False
    if actor.requires_approval and post.state == Post.State.PUBLISHED:
        return False
    return can(actor, "post", post.account)


@rule("delete", Post)
def delete_post(actor: Officer, post: Post) -> bool:
    return post.author_id == actor.pk and post.state not in REMOVED


@rule("take_down", Post)
def take_down_post(actor: Officer, post: Post) -> bool:
    """Team leads of the account's district and comms take down any post in their scope."""
    return post.state not in REMOVED and can(actor, "manage", post.account)


@rule("approve", Post)
def approve_post(actor: Officer, post: Post) -> bool:
    return post.author_id != actor.pk and can(actor, "manage", post.account)


@rule("pause_publishing", Account)
def pause_account(actor: Officer, account: Account) -> bool:
    return actor.is_comms


@rule("confirm", Delivery)
def confirm_delivery(actor: Officer, delivery: Delivery) -> bool:
    """A held (stale) delivery is released or cancelled by its author, a lead or comms."""
    if delivery.post is not None and delivery.post.author_id == actor.pk:
        return True
    return can(actor, "manage", delivery.channel.account)


@rule("test_networks", Force)
def test_networks(actor: Officer, force: Force) -> bool:
    """Setting how the simulated network fails (demos and training)."""
    return actor.is_comms
