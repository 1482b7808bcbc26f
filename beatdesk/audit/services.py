"""Writing the audit trail. Every service calls ``audit_record`` inside its transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from beatdesk.audit import chain
from beatdesk.audit.models import AuditEvent, LegalHold
from beatdesk.core.context import current_origin

if TYPE_CHECKING:
    from beatdesk.forces.models import Force
    from beatdesk.people.models import Officer


def _describe(obj: Any) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    if isinstance(obj, models.Model):
        return obj._meta.label_lower, str(obj.pk or ""), str(obj)[:200]
    return type(obj).__name__.lower(), "", str(obj)[:200]


def actor_label(actor: Officer | None) -> str:
    if actor is None:
        return ""
    collar = f" {actor.collar_number}" if actor.collar_number else ""
    return f"{actor.public_name}{collar} ({actor.user.username})"[:160]


def audit_record(
    *,
    actor: Officer | None,
    action: str,
    obj: Any = None,
    force: Force | None = None,
    data: dict | None = None,
    reason: str = "",
    outcome: str = AuditEvent.Outcome.OK,
) -> AuditEvent:
    """Append one event to the trail, stamped with where the action came from."""
    return chain.append(
        audit_event(
            actor=actor,
            action=action,
            obj=obj,
            force=force,
            data=data,
            reason=reason,
            outcome=outcome,
        )
    )


def audit_record_many(events: list[AuditEvent]) -> list[AuditEvent]:
    """Append several events made with ``audit_event``, in order, in one write per chain."""
    return chain.append_many(events)


def audit_event(
    *,
    actor: Officer | None,
    action: str,
    obj: Any = None,
    force: Force | None = None,
    data: dict | None = None,
    reason: str = "",
    outcome: str = AuditEvent.Outcome.OK,
) -> AuditEvent:
    """The unsaved event ``audit_record`` would append (for ``audit_record_many``)."""
    from beatdesk.core.permissions import force_id_of

    object_type, object_id, object_repr = _describe(obj)
    origin = current_origin()
    force_id = force.pk if force is not None else force_id_of(obj) if obj is not None else None
    if force_id is None and actor is not None:
        force_id = actor.force_id
    return AuditEvent(
        force_id=force_id,
        actor=actor,
        actor_label=actor_label(actor),
        action=action,
        outcome=outcome,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        data=data or {},
        reason=reason[:500],
        origin=origin.channel,
        ip=origin.ip,
        request_id=origin.request_id,
    )


def audit_refusal(*, actor: Officer | None, action: str, obj: Any) -> AuditEvent | None:
    """Record that ``actor`` was refused ``action`` on ``obj``.

    A refusal about another force's object is recorded against the actor's own force, so it
    never lands in the other force's trail.
    """
    force_id = actor.force_id if actor is not None else None
    object_type, object_id, _ = _describe(obj)
    origin = current_origin()
    return chain.append(
        AuditEvent(
            force_id=force_id,
            actor=actor if actor is not None and actor.pk else None,
            actor_label=actor_label(actor) if actor is not None else "anonymous",
            action=f"refused.{action}",
            outcome=AuditEvent.Outcome.REFUSED,
            object_type=object_type,
            object_id=object_id,
            origin=origin.channel,
            ip=origin.ip,
            request_id=origin.request_id,
        )
    )


@transaction.atomic
def legal_hold_place(*, actor: Officer | None, obj: models.Model, reason: str) -> LegalHold:
    """Keep ``obj`` past the force's retention period until the hold is released."""
    from beatdesk.core.permissions import force_id_of, require
    from beatdesk.forces.models import Force

    force_id = force_id_of(obj)
    if force_id is None:
        raise ValidationError("Only something that belongs to a force can be put on hold.")
    if actor is not None:
        require(actor, "legal_hold", Force.objects.get(pk=force_id))
    if not reason.strip():
        raise ValidationError("Say why the hold is needed (for example the case reference).")
    existing = LegalHold.objects.filter(
        force_id=force_id,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        released_at__isnull=True,
    ).first()
    if existing is not None:
        raise ValidationError(f"That is already on hold: {existing.reason}")
    hold = LegalHold.objects.create(
        force_id=force_id,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        reason=reason.strip()[:500],
        placed_by=actor,
    )
    audit_record(actor=actor, action="legal_hold.place", obj=obj, reason=hold.reason)
    return hold


@transaction.atomic
def legal_hold_release(*, actor: Officer | None, hold: LegalHold, reason: str = "") -> LegalHold:
    """End a hold; the object then expires with the force's normal retention."""
    from django.utils import timezone

    from beatdesk.core.permissions import require

    if actor is not None:
        require(actor, "legal_hold", hold.force)
    hold.released_at = timezone.now()
    hold.save(update_fields=["released_at"])
    audit_record(
        actor=actor,
        action="legal_hold.release",
        force=hold.force,
        data={"object_type": hold.object_type, "object_id": hold.object_id},
        reason=reason,
    )
    return hold


def subject_access_export(
    *, actor: Officer | None, force: Force, handles=(), emails=(), reason: str
) -> str:
    """Everything the force holds about a handle or email address, as a readable text file."""
    from beatdesk.core.dataprotection import (
        Subject,
        subject_access_collect,
        subject_access_text,
    )
    from beatdesk.core.permissions import require

    if actor is not None:
        require(actor, "subject_access", force)
    subject = Subject.parse(handles, emails)
    if not subject.terms:
        raise ValidationError("Give at least one network handle or email address.")
    if not reason.strip():
        raise ValidationError("Say why (for example the request's reference); it is recorded.")
    sections = subject_access_collect(force=force, subject=subject)
    audit_record(
        actor=actor,
        action="sar.export",
        obj=force,
        data={
            "handles": list(subject.handles),
            "emails": list(subject.emails),
            "sections": [s.title for s in sections],
        },
        reason=reason.strip()[:500],
    )
    return subject_access_text(force=force, subject=subject, sections=sections)


def audit_read(*, actor: Officer, action: str, obj: Any, reason: str) -> AuditEvent:
    """Record a sensitive read (opening personal data, an export) with the reader's reason."""
    if not reason.strip():
        raise ValidationError("Say why you need to see this; the reason is recorded.")
    return audit_record(actor=actor, action=action, obj=obj, reason=reason.strip())
