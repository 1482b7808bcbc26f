"""The audit trail: one row per write or refusal, with the acting officer. Append-only."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit trail cannot be edited.")

    def delete(self):
        raise PermissionError("The audit trail cannot be deleted.")


class AuditEvent(models.Model):
    class Outcome(models.TextChoices):
        OK = "ok", "Done"
        REFUSED = "refused", "Refused"

    force = models.ForeignKey(
        "forces.Force", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        "people.Officer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept as text so the trail reads the same if a profile later changes.
    actor_label = models.CharField(max_length=160, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OK)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    origin = models.CharField(max_length=20, default="system")
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    # Set by chain.append before hashing (auto_now_add would change it after).
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    # The hash chain (see chain.py): one chain per force ("force:<id>") and one for events
    # without a force ("system"); each event's hash covers its fields and the previous hash.
    chain = models.CharField(max_length=24, default="system")
    seq = models.PositiveBigIntegerField(default=0)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["force", "-id"], name="audit_force_recent"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_label or 'system'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit trail cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail cannot be deleted.")


class AuditChainHead(models.Model):
    """The last link of one chain. Locked while an event is appended, so links never fork."""

    chain = models.CharField(max_length=24, primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.chain} #{self.seq}"


class LegalHold(models.Model):
    """Keeps one object (and what retention treats as part of it) past the force's retention."""

    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    object_type = models.CharField(max_length=80)  # app_label.model, as in AuditEvent
    object_id = models.CharField(max_length=64)
    reason = models.CharField(max_length=500)
    placed_by = models.ForeignKey(
        "people.Officer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["force", "object_type", "object_id"], name="hold_object")]

    def __str__(self) -> str:
        return f"Legal hold on {self.object_type} {self.object_id}"
