"""What the audit trail holds about a member of the public, for subject access.

The trail itself is never deleted by retention: it is the force's record of what its staff did
(DPA 2018 s.62 logging), kept by its own rules; a subject access report lists the events that
mention the person.
"""

from __future__ import annotations

from django.db.models import Q

from beatdesk.audit.models import AuditEvent
from beatdesk.core.dataprotection import Section, Subject, register_subject_access

LIMIT = 2000


@register_subject_access("audit")
def audit_events_about(force, subject: Subject) -> Section | None:
    if not subject.terms:
        return None
    query = Q()
    for term in subject.terms:
        query |= Q(object_repr__icontains=term) | Q(reason__icontains=term)
        query |= Q(data__icontains=term)
    events = (
        AuditEvent.objects.filter(query, force_id=force.pk)
        .exclude(action__in=["sar.export"])
        .order_by("id")[:LIMIT]
    )
    return Section(
        title="Actions by staff that mention you (audit trail)",
        purpose="The force records who did what on its accounts, so it can be held to account.",
        records=[
            {
                "When": f"{e.created_at:%d %b %Y %H:%M}",
                "Action": e.action,
                "By": e.actor_label or "the system",
                "About": e.object_repr,
                "Reason": e.reason,
            }
            for e in events
        ],
    )
