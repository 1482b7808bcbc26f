"""Reads of the audit trail, always for one force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from beatdesk.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    who: str = ""  # officer id, or text in the actor label
    what: str = ""  # action, or the start of one ("post." finds every post action)
    outcome: str = ""
    since: date | None = None
    until: date | None = None
    where: str = ""  # IP address, or origin (web, cli, worker, system)
    object: str = ""  # "type:id" or text in the object's description

    @classmethod
    def from_query(cls, query) -> AuditFilters:
        def as_date(value: str) -> date | None:
            try:
                return date.fromisoformat(value) if value else None
            except ValueError:
                return None

        return cls(
            who=query.get("who", "").strip()[:160],
            what=query.get("what", "").strip()[:80],
            outcome=query.get("outcome", "").strip()
            if query.get("outcome") in AuditEvent.Outcome.values
            else "",
            since=as_date(query.get("since", "").strip()),
            until=as_date(query.get("until", "").strip()),
            where=query.get("where", "").strip()[:64],
            object=query.get("object", "").strip()[:200],
        )

    def as_query(self) -> dict[str, str]:
        values = {
            "who": self.who,
            "what": self.what,
            "outcome": self.outcome,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "where": self.where,
            "object": self.object,
        }
        return {k: v for k, v in values.items() if v}


def audit_events_for_force(*, force_id: int, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The force's trail, newest first, narrowed by the filters."""
    qs = AuditEvent.objects.filter(force_id=force_id)
    if filters.who:
        qs = qs.filter(
            Q(actor_id=int(filters.who))
            if filters.who.isdigit()
            else Q(actor_label__icontains=filters.who)
        )
    if filters.what:
        qs = qs.filter(
            Q(action=filters.what) | Q(action__startswith=filters.what.rstrip(".") + ".")
        )
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    zone = timezone.get_current_timezone()
    if filters.since:
        qs = qs.filter(created_at__gte=datetime.combine(filters.since, time.min, tzinfo=zone))
    if filters.until:
        qs = qs.filter(created_at__lte=datetime.combine(filters.until, time.max, tzinfo=zone))
    if filters.where:
        qs = qs.filter(
            Q(origin=filters.where) | Q(ip=filters.where)
            if _looks_like_ip(filters.where)
            else Q(origin=filters.where)
        )
    if filters.object:
        kind, _, ident = filters.object.partition(":")
        if ident and " " not in kind:
            qs = qs.filter(object_type__iendswith=kind, object_id=ident)
        else:
            qs = qs.filter(object_repr__icontains=filters.object)
    return qs.order_by("-id")


def _looks_like_ip(value: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def legal_holds_for_force(force_id: int, *, released_limit: int = 20):
    """(active holds, the latest released ones) of a force, each with ``kind_label`` and
    ``held`` (the object, or None when it is gone) for the holds page."""
    from django.apps import apps

    from beatdesk.audit.models import LegalHold
    from beatdesk.core.dataprotection import hold_kinds

    kinds = hold_kinds()
    holds = LegalHold.objects.filter(force_id=force_id).select_related("placed_by")
    active = list(holds.filter(released_at__isnull=True).order_by("-placed_at"))
    released = list(
        holds.filter(released_at__isnull=False).order_by("-released_at")[:released_limit]
    )
    by_kind: dict[str, set[str]] = {}
    for hold in active + released:
        by_kind.setdefault(hold.object_type, set()).add(hold.object_id)
    found: dict[tuple[str, str], object] = {}
    for kind, ids in by_kind.items():
        try:
            model = apps.get_model(kind)
        except (LookupError, ValueError):
            continue
        numeric = [int(i) for i in ids if i.isdigit()]
        for obj in model._default_manager.filter(pk__in=numeric):
            found[(kind, str(obj.pk))] = obj
    for hold in active + released:
        hold.kind_label = kinds.get(hold.object_type, hold.object_type).split(" (")[0]
        hold.held = found.get((hold.object_type, hold.object_id))
    return active, released
