"""The inbox: conversations with the public, their messages, and how the desk works them.

Every row carries ``force`` so every query filters on it without joins. Sender handles, names
and texts are untrusted text: stored as given, always escaped when shown.
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils import timezone

PRIORITIES = ("urgent", "high", "normal", "low")
PRIORITY_RANK = {name: rank for rank, name in enumerate(PRIORITIES)}
CATEGORIES = (
    "emergency",
    "crime_report",
    "question",
    "complaint",
    "praise",
    "feedback",
    "abuse",
    "spam",
    "other",
)


class Priority(models.TextChoices):
    URGENT = "urgent", "Urgent"
    HIGH = "high", "High"
    NORMAL = "normal", "Normal"
    LOW = "low", "Low"


class Category(models.TextChoices):
    EMERGENCY = "emergency", "Emergency"
    CRIME_REPORT = "crime_report", "Crime report"
    QUESTION = "question", "Question"
    COMPLAINT = "complaint", "Complaint"
    PRAISE = "praise", "Praise"
    FEEDBACK = "feedback", "Feedback"
    ABUSE = "abuse", "Abuse"
    SPAM = "spam", "Spam"
    OTHER = "other", "Other"


class Label(models.Model):
    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=40)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["force", "name"], name="inbox_label_once_per_force")
        ]

    def __str__(self) -> str:
        return self.name


class Conversation(models.Model):
    """A thread with one member of the public: owned, triaged, timed."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        OPEN = "open", "Open"
        WAITING = "waiting", "Waiting for the public"
        RESOLVED = "resolved", "Resolved"
        SPAM = "spam", "Spam"

    ACTIVE_STATUSES = (Status.NEW, Status.OPEN)

    # Indexed first in each of the indexes below; an index of its own only slows every insert.
    force = models.ForeignKey(
        "forces.Force", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    account = models.ForeignKey(
        "forces.Account", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.ForeignKey(
        "forces.Channel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "forces.District", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Replies to one of our posts are grouped under it. (Most conversations are under none, and
    # most are new and unassigned: these two are indexed only where set, below.)
    post = models.ForeignKey(
        "publishing.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    is_private = models.BooleanField(default=False)
    author_handle = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    preview = models.CharField(max_length=200, blank=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    priority_rank = models.PositiveSmallIntegerField(default=PRIORITY_RANK["normal"])
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    is_emergency = models.BooleanField(default=False)

    assignee = models.ForeignKey(
        "people.Officer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    labels = models.ManyToManyField(Label, blank=True, related_name="conversations")
    # Bumped by every incoming message and every reply: a reply written against an older
    # version is refused, so two people never both answer by accident.
    version = models.PositiveIntegerField(default=0)
    last_message_id = models.BigIntegerField(default=0)

    opened_at = models.DateTimeField()
    last_message_at = models.DateTimeField()
    # The oldest incoming message nobody has answered yet, and its response target.
    awaiting_since = models.DateTimeField(null=True, blank=True)
    target_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_response_seconds = models.PositiveIntegerField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_seconds = models.PositiveIntegerField(null=True, blank=True)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_emergency", "priority_rank", "-last_message_at"]
        indexes = [
            models.Index(fields=["force", "status", "-last_message_at"], name="inbox_conv_status"),
            models.Index(fields=["force", "district", "status"], name="inbox_conv_district"),
            models.Index(fields=["force", "assignee", "status"], name="inbox_conv_assignee"),
            models.Index(fields=["force", "last_message_id"], name="inbox_conv_latest"),
            # Ingestion finds a direct message's open private conversation with its sender.
            models.Index(
                fields=["channel", "author_handle"],
                condition=models.Q(is_private=True),
                name="inbox_conv_private_sender",
            ),
            models.Index(
                fields=["post"], condition=models.Q(post__isnull=False), name="inbox_conv_post"
            ),
            models.Index(
                fields=["assignee"],
                condition=models.Q(assignee__isnull=False),
                name="inbox_conv_assigned",
            ),
        ]

    def __str__(self) -> str:
        return f"Conversation {self.pk} with {self.author_name or self.author_handle or 'someone'}"

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.RESOLVED, self.Status.SPAM)


class Message(models.Model):
    """One thing the public (or we) said in a conversation, with its triage."""

    class Kind(models.TextChoices):
        MENTION = "mention", "Mention"
        REPLY = "reply", "Reply"
        DIRECT = "direct", "Direct message"
        HUB_FORM = "hub_form", "Hub contact form"

    class Direction(models.TextChoices):
        IN = "in", "From the public"
        OUT = "out", "From us"

    PRIVATE_KINDS = (Kind.DIRECT, Kind.HUB_FORM)
    # The network id of each message sent through the hub's contact form (or written back at
    # its private link), as against a Q&A question handed over, also a hub_form message.
    FORM_ID_PREFIX = "hubform-"
    # The network id of a question asked on a hub Q&A page and handed to the inbox.
    QA_ID_PREFIX = "qa-"

    # Ingestion inserts thousands of these a second: no index that another one covers (force
    # and conversation lead ``inbox_message_recent`` and ``inbox_message_thread``), and none on
    # the columns only our own replies fill (partial indexes below).
    force = models.ForeignKey(
        "forces.Force", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    channel = models.ForeignKey(
        "forces.Channel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    account = models.ForeignKey(
        "forces.Account", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.IN)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MENTION)
    network_id = models.CharField(max_length=200, blank=True)
    in_reply_to = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    # Networks that send HTML (Mastodon) keep it for the record; only ``text`` is ever shown.
    raw_html = models.TextField(blank=True)
    author_handle = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    sender_email = models.EmailField(blank=True)

    # Our replies: who wrote it, the signature as sent, and the outbox row carrying it.
    author_officer = models.ForeignKey(
        "people.Officer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    signature = models.CharField(max_length=80, blank=True)
    is_automatic = models.BooleanField(default=False)
    is_private = models.BooleanField(default=False)
    delivery = models.ForeignKey(
        "publishing.Delivery",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, blank=True)
    district = models.ForeignKey(
        "forces.District", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reasons = models.JSONField(default=list, blank=True)
    is_emergency = models.BooleanField(default=False)

    received_at = models.DateTimeField()
    # When the message was stored and triaged: the moment an emergency is flagged.
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            # The same network message delivered twice is stored once.
            models.UniqueConstraint(
                fields=["channel", "network_id"],
                condition=~models.Q(network_id=""),
                name="inbox_message_once_per_channel",
            ),
        ]
        indexes = [
            models.Index(fields=["force", "-id"], name="inbox_message_recent"),
            models.Index(fields=["conversation", "received_at"], name="inbox_message_thread"),
            models.Index(
                fields=["delivery"],
                condition=models.Q(delivery__isnull=False),
                name="inbox_message_delivery",
            ),
            models.Index(
                fields=["author_officer"],
                condition=models.Q(author_officer__isnull=False),
                name="inbox_message_author",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def signed_text(self) -> str:
        return f"{self.text.rstrip()}\n{self.signature}" if self.signature else self.text


class Note(models.Model):
    """An internal note on a conversation; never shown to the public."""

    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey("people.Officer", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class SavedReply(models.Model):
    """A reply the force or a district keeps ready, with placeholders such as {officer_name}."""

    class Purpose(models.TextChoices):
        GENERAL = "", "General"
        CRIME_REPORT = "crime_report", "Suggested for crime reports"

    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    # Empty: the force library; set: that district's library.
    district = models.ForeignKey(
        "forces.District", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(max_length=80)
    text = models.TextField()
    purpose = models.CharField(max_length=20, choices=Purpose.choices, blank=True, default="")
    created_by = models.ForeignKey(
        "people.Officer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "saved replies"

    def __str__(self) -> str:
        return self.title


class TriageCorrection(models.Model):
    """A person's correction of a message's triage: a labelled example for the engine."""

    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="corrections")
    officer = models.ForeignKey("people.Officer", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    category_before = models.CharField(max_length=20, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    priority_before = models.CharField(max_length=10, blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices)
    district_before = models.CharField(max_length=60, blank=True)
    district = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.category_before} -> {self.category}"


class TriageRule(models.Model):
    """A force's own keyword or place rule, applied by triage on top of its built-in signals."""

    class Kind(models.TextChoices):
        KEYWORD = "keyword", "Keyword or phrase"
        PLACE = "place", "Place name"

    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    pattern = models.CharField(max_length=120)
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, blank=True)
    district = models.ForeignKey(
        "forces.District", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        "people.Officer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "pattern"]
        constraints = [
            models.UniqueConstraint(
                fields=["force", "kind", "pattern"], name="inbox_rule_once_per_force"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.pattern}"


class ConversationView(models.Model):
    """Who opened a conversation and when (read receipts), and who is writing a reply now."""

    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="viewers")
    officer = models.ForeignKey("people.Officer", on_delete=models.CASCADE, related_name="+")
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    replying_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "officer"], name="inbox_view_once_per_officer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer} saw {self.conversation_id}"


class DutyStatus(models.Model):
    """Whether an officer is on duty for the inbox (round-robin assigns only to those who are)."""

    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    officer = models.OneToOneField(
        "people.Officer", on_delete=models.CASCADE, related_name="inbox_duty"
    )
    on_duty = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "duty statuses"

    def __str__(self) -> str:
        return f"{self.officer}: {'on' if self.on_duty else 'off'} duty"


class DistrictInboxSettings(models.Model):
    """A district's inbox choices: automatic round-robin assignment among on-duty members."""

    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    district = models.OneToOneField(
        "forces.District", on_delete=models.CASCADE, related_name="inbox_settings"
    )
    round_robin = models.BooleanField(default=False)
    last_assigned = models.ForeignKey(
        "people.Officer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "district inbox settings"

    def __str__(self) -> str:
        return f"Inbox settings of {self.district}"


class InboxApiKey(models.Model):
    """A key for an external feed to push messages in. Only its SHA-256 is stored."""

    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        "people.Officer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()


class Arrival(models.Model):
    """A message received but not yet triaged and stored: the backlog of a burst.

    ``inbox.arrivals.messages_receive`` writes these when a source hands over more than
    ingestion can take at once; the worker's ``inbox.arrivals`` job drains them into the one
    ingestion service, most urgent first (``urgency``: the cheap first reading of
    ``triage.urgency``), and deletes each once its message is stored. A claim is a lease: rows
    a crashed worker held are drained again when it runs out.
    """

    # A queue, not a record: no foreign key constraints in the database, whose checks were
    # half the database's work for each arrival taken in. The ORM still refuses to delete a
    # channel or account with arrivals waiting; the drain reads one gone without the ORM as
    # none, and drops the arrivals of a force gone so (``arrivals.arrivals_drain``).
    force = models.ForeignKey(
        "forces.Force", on_delete=models.CASCADE, related_name="+", db_index=False,
        db_constraint=False,
    )  # fmt: skip
    channel = models.ForeignKey(
        "forces.Channel", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False, db_constraint=False,
    )  # fmt: skip
    account = models.ForeignKey(
        "forces.Account", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False, db_constraint=False,
    )  # fmt: skip
    network_id = models.CharField(max_length=200, blank=True)
    in_reply_to = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=10)
    # Untrusted text, as received.
    text = models.TextField()
    author_handle = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    sender_email = models.CharField(max_length=254, blank=True)
    raw_html = models.TextField(blank=True)
    received_at = models.DateTimeField()
    urgency = models.FloatField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    # When it was taken in: the desk warns when arrivals wait too long (no worker running).
    taken_in_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["-urgency", "id"], name="inbox_arrival_next"),
            models.Index(fields=["channel", "network_id"], name="inbox_arrival_key"),
        ]

    def __str__(self) -> str:
        return f"arrival {self.pk} ({self.urgency:.2f})"
