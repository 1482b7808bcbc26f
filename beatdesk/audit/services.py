"""Writing the audit trail. Every service calls ``audit_record`` inside its transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from beatdesk.audit import chain
from beatdesk.audit.models import AuditEvent
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
    from beatdesk.core.permissions import force_id_of

    object_type, object_id, object_repr = _describe(obj)
    origin = current_origin()
    force_id = force.pk if force is not None else force_id_of(obj) if obj is not None else None
    if force_id is None and actor is not None:
        force_id = actor.force_id
    return chain.append(
        AuditEvent(
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
