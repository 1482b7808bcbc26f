"""Posts and the outbox.

A Post is what an officer wrote (one or more parts, a thread), on one account, signed. Each
post becomes one Delivery per channel of its account: the outbox row that the worker advances
through its states. The hub reads posts; networks receive deliveries.
"""

from __future__ import annotations

import uuid

from django.db import models


class Tag(models.Model):
    """A topic tag (#burglary, #roadsafety), per force."""

    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="tags")
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["force", "slug"], name="tag_slug_per_force"),
        ]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    class State(models.TextChoices):
        PENDING_APPROVAL = "pending_approval", "Waiting for approval"
        RETURNED = "returned", "Returned to the author"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        DELETED = "deleted", "Deleted by the author"
        TAKEN_DOWN = "taken_down", "Taken down"

    # States in which a post is visible to the public on the hub.
    PUBLIC_STATES = (State.PUBLISHED,)

    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey("forces.Account", on_delete=models.PROTECT, related_name="posts")
    author = models.ForeignKey("people.Officer", on_delete=models.PROTECT, related_name="posts")
    state = models.CharField(max_length=20, choices=State.choices, db_index=True)
    # The signature as it was when the post was written (profiles change; posts do not).
    signature = models.CharField(max_length=80)
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    districts = models.ManyToManyField("forces.District", blank=True, related_name="tagged_posts")
    places = models.ManyToManyField("forces.Place", blank=True, related_name="tagged_posts")
    is_urgent = models.BooleanField(
        default=False, help_text="Pinned on the hub as an urgent notice."
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        "people.Officer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removal_reason = models.CharField(max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        "people.Officer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.CharField(max_length=500, blank=True)
    # The compose form's one-time token: a double click or a resubmitted tab is one post.
    client_token = models.CharField(max_length=64)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["author", "client_token"], name="post_once_per_token"),
        ]
        indexes = [
            models.Index(
                fields=["force", "state", "-published_at", "-id"], name="post_force_public"
            ),
            models.Index(
                fields=["account", "state", "-published_at", "-id"], name="post_account_public"
            ),
            models.Index(
                fields=["author", "state", "-published_at", "-id"], name="post_author_public"
            ),
        ]

    def __str__(self) -> str:
        first = self.parts.first() if self.pk else None
        return (first.text[:60] if first else "") or f"Post {self.pk}"

    @property
    def is_public(self) -> bool:
        return self.state in self.PUBLIC_STATES


class PostPart(models.Model):
    """One part of a thread; a single post has one part. The signature is stored on the Post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="parts")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["post", "position"]
        constraints = [
            models.UniqueConstraint(fields=["post", "position"], name="part_position_once"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class PostImage(models.Model):
    """An image in a part: re-encoded, metadata stripped, with required alt text."""

    part = models.ForeignKey(PostPart, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField()
    file = models.ImageField(upload_to="posts/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    mime_type = models.CharField(max_length=40)
    alt_text = models.CharField(max_length=1500)

    class Meta:
        ordering = ["part", "position"]

    def __str__(self) -> str:
        return self.alt_text[:60]


class Delivery(models.Model):
    """One post (or reply, edit, deletion) on one channel: the outbox row.

    queued -> sending -> sent | retry_wait | failed | unknown; paused while publishing is
    stopped; held when stale (waits for a person); cancelled when the post goes away first.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        RETRY_WAIT = "retry_wait", "Retrying"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Checking whether it was sent"
        PAUSED = "paused", "Paused"
        HELD = "held", "Held: waiting for confirmation"
        CANCELLED = "cancelled", "Cancelled"

    class Action(models.TextChoices):
        PUBLISH = "publish", "Publish"
        EDIT = "edit", "Edit"
        DELETE = "delete", "Delete"
        REPLY = "reply", "Reply"

    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(
        "forces.Channel", on_delete=models.PROTECT, related_name="deliveries"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.PUBLISH)
    # Replies from the inbox point at their message through the inbox app (generic id here).
    reply_ref = models.CharField(max_length=64, blank=True)
    # Stable across retries: the network's idempotency key and how reconcile finds the send.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    due_at = models.DateTimeField(db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    network_id = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the claiming worker; the rows it wins carry its token (one UPDATE claims a batch).
    claim_token = models.CharField(max_length=32, blank=True, db_index=True)
    # The last send may have reached the network: read back before sending again.
    needs_reconcile = models.BooleanField(default=False)
    # A person confirmed that this late delivery should still go out (see HELD).
    stale_confirmed = models.BooleanField(default=False)
    # For edits and deletions: the network's id of what we published there.
    target_id = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            # One publish per post per channel, whatever happens: no double posts.
            models.UniqueConstraint(
                fields=["post", "channel"],
                condition=models.Q(action="publish"),
                name="one_publish_per_post_channel",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="delivery_due"),
            # The inbox finds which of our posts and replies a public reply answers.
            models.Index(fields=["force", "network_id"], name="delivery_network_id"),
        ]

    def __str__(self) -> str:
        # Labels straight from the enums: the audit trail names every delivery it records,
        # and Django's get_FOO_display costs more than the rest of the worker's bookkeeping.
        action = self.Action(self.action).label if self.action in self.Action else self.action
        state = self.State(self.state).label if self.state in self.State else self.state
        return f"{action} on {self.channel} ({state})"


class PublishingPause(models.Model):
    """Comms stopped publishing force-wide (no account) or on one account; active until resumed."""

    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(
        "forces.Account", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=500)
    paused_by = models.ForeignKey("people.Officer", on_delete=models.PROTECT, related_name="+")
    paused_at = models.DateTimeField(auto_now_add=True)
    resumed_by = models.ForeignKey(
        "people.Officer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-paused_at"]
        indexes = [models.Index(fields=["force", "resumed_at"], name="pause_active")]

    def __str__(self) -> str:
        where = self.account.name if self.account_id else "the whole force"
        return f"Publishing paused on {where}"

    @property
    def is_active(self) -> bool:
        return self.resumed_at is None


class Notification(models.Model):
    """Something an officer must be told in the desk: a post taken down or returned, a channel
    that needs reconnecting, a post waiting for approval."""

    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    officer = models.ForeignKey(
        "people.Officer", on_delete=models.CASCADE, related_name="notifications"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(max_length=600)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["officer", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.text[:60]
