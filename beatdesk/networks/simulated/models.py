"""The simulated network's own state: what it has "published", and how it is told to fail.

It lives in the database so that the worker, the desk and the tests see the same network, and
so that a send survives a killed worker exactly as it would on a real network.
"""

from __future__ import annotations

from django.db import models


class SimulatedPost(models.Model):
    """One thing the simulated network holds, as a real network would (its id, text, time)."""

    channel = models.ForeignKey("forces.Channel", on_delete=models.CASCADE, related_name="+")
    network_id = models.CharField(max_length=40, unique=True)
    # The sender's delivery key, kept like a client-supplied nonce so reconcile can find a send.
    # Deliberately not unique: the network accepts a blind resend, which is what we must avoid.
    key = models.CharField(max_length=64, db_index=True)
    text = models.TextField()
    parts = models.JSONField(default=list)
    image_count = models.PositiveSmallIntegerField(default=0)
    reply_to = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "networks"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.network_id}: {self.text[:40]}"


class SimulatedMode(models.Model):
    """How the simulated network behaves for one force: healthy, or failing in one way."""

    class Mode(models.TextChoices):
        HEALTHY = "healthy", "Healthy: accepts every request"
        ERROR = "error", "Server errors (HTTP 500)"
        RATE_LIMITED = "rate_limited", "Rate limited (HTTP 429 with Retry-After)"
        TIMEOUT = "timeout", "Timeouts (the request never arrives)"
        DROP_REPLY = "drop_reply", "Accepts the post, then the reply is lost"
        REVOKED = "revoked", "Token revoked (HTTP 401)"
        CHAOS = "chaos", "All of the above, at random"

    force = models.OneToOneField("forces.Force", on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.HEALTHY)
    # Share of requests that fail in CHAOS mode (0-100); other modes fail every request.
    failure_percent = models.PositiveSmallIntegerField(default=50)
    retry_after_seconds = models.PositiveIntegerField(default=30)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "networks"

    def __str__(self) -> str:
        return self.get_mode_display()
