"""Live Q&A sessions: the session, the public's questions (grouped when they ask the same
thing), the panel's answers, and the public's "I want to know this too"."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Session(models.Model):
    """A time-boxed public Q&A on one or more accounts, answered by a panel of officers."""

    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    accounts = models.ManyToManyField("forces.Account", related_name="qa_sessions")
    panel = models.ManyToManyField("people.Officer", related_name="qa_panels")
    hashtag = models.CharField(max_length=60)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(db_index=True)
    # Questions may be asked from the moment the session is announced, not only at the start.
    opens_early = models.BooleanField(default=False)
    created_by = models.ForeignKey("people.Officer", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    announcement_post = models.ForeignKey(
        "publishing.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminder_post = models.ForeignKey(
        "publishing.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Bumped by every change the public page shows: the live page's ETag and cache key.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["force", "slug"], name="qa_session_slug_per_force"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="qa_session_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["force", "starts_at"], name="qa_session_upcoming")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("hub:qa_public:session", args=[self.force.slug, self.slug])

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None or self.cancelled_at is not None

    def phase(self, now=None) -> str:
        """upcoming, live or ended: what the public page shows."""
        now = now or timezone.now()
        if self.is_cancelled:
            return "cancelled"
        if self.closed_at is not None or now >= self.ends_at:
            return "ended"
        if now >= self.starts_at:
            return "live"
        return "upcoming"

    def accepts_questions(self, now=None) -> bool:
        now = now or timezone.now()
        if self.is_closed or now >= self.ends_at:
            return False
        return self.opens_early or now >= self.starts_at

    @property
    def hashtag_text(self) -> str:
        return f"#{self.hashtag}"


class Question(models.Model):
    """One question from the public, from the hub, a network, or an inbox message."""

    class Source(models.TextChoices):
        HUB = "hub", "Hub session page"
        NETWORK = "network", "Network"
        INBOX = "inbox", "Moved from the inbox"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for moderation"
        HELD = "held", "Held automatically"
        APPROVED = "approved", "Approved"
        HIDDEN = "hidden", "Hidden"

    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField()
    # Optional name the asker gave; shown publicly. Network questions show the handle.
    asker_name = models.CharField(max_length=80, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    # Where to reply for network and inbox questions.
    channel = models.ForeignKey(
        "forces.Channel", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    network_id = models.CharField(max_length=200, blank=True)
    # The inbox message this question came from (network and inbox questions).
    inbox_message_id = models.PositiveBigIntegerField(null=True, blank=True)
    # A keyed hash of the asker's address, for rate limits; never the address itself.
    client_key = models.CharField(max_length=64, blank=True)
    category = models.CharField(max_length=20, blank=True)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    state_reason = models.CharField(max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        "people.Officer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    # Near-duplicates point at the group's first question, which carries the answer.
    group_leader = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    similarity = models.FloatField(null=True, blank=True)
    me_too_count = models.PositiveIntegerField(default=0)
    taken_by = models.ForeignKey(
        "people.Officer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # After the session closed unanswered: the inbox conversation it became.
    handed_over_at = models.DateTimeField(null=True, blank=True)
    handed_over_ref = models.CharField(max_length=64, blank=True)
    # Arrived after the session closed (network or inbox), so it went straight to the inbox.
    is_late = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "inbox_message_id"],
                condition=models.Q(inbox_message_id__isnull=False),
                name="qa_question_once_per_message",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "state", "created_at"], name="qa_question_queue"),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_leader(self) -> bool:
        return self.group_leader_id is None

    @property
    def leader_id(self) -> int:
        return self.group_leader_id or self.pk


class Answer(models.Model):
    """A panel officer's signed answer to a question group."""

    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="answers")
    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="answer")
    officer = models.ForeignKey("people.Officer", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    # The signature as it was when the answer was written.
    signature = models.CharField(max_length=80)
    published_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["published_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class MeToo(models.Model):
    """One member of the public saying "I want to know this too" about one question."""

    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="me_toos")
    client_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "client_key"], name="qa_me_too_once"),
        ]

    def __str__(self) -> str:
        return f"Me too on {self.question_id}"
