"""The audit trail's hash chain.

Every event carries ``hash = sha256(canonical fields + previous hash)`` within its chain (one
per force, one "system" chain). Appending locks the chain's head row until the surrounding
transaction commits, so two concurrent writers never link to the same previous event; on
PostgreSQL that is ``SELECT ... FOR UPDATE``, on SQLite the write lock of an IMMEDIATE
transaction. ``verify_chains`` walks every chain from the start and reports the first event
whose stored hash, sequence or link differs from what its fields give. See
docs/decisions/0063-audit-hash-chain.md.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from beatdesk.core.rows import insert_rows

if TYPE_CHECKING:
    from beatdesk.audit.models import AuditEvent

GENESIS = "0" * 64


def chain_name(force_id: int | None) -> str:
    return f"force:{force_id}" if force_id is not None else "system"


def canonical(event: AuditEvent) -> bytes:
    created = event.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = {
        "chain": event.chain,
        "seq": event.seq,
        "prev": event.prev_hash,
        "force": event.force_id,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "outcome": event.outcome,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "data": event.data,
        "reason": event.reason,
        "origin": event.origin,
        "ip": event.ip,
        "request_id": event.request_id,
        "created_at": created,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


def _locked_head(name: str):
    from beatdesk.audit.models import AuditChainHead

    head = AuditChainHead.objects.select_for_update().filter(chain=name).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(chain=name, seq=0, hash=GENESIS)
    except IntegrityError:
        pass  # another writer created it first; lock theirs
    return AuditChainHead.objects.select_for_update().get(chain=name)


def append(event: AuditEvent) -> AuditEvent:
    """Link ``event`` (unsaved, fields set) to the end of its chain and insert it."""
    return append_many([event])[0]


def append_many(events: list[AuditEvent]) -> list[AuditEvent]:
    """Link ``events`` (unsaved, fields set), in order, to the ends of their chains and insert
    them: one head lock, one multi-row insert and one head update per chain, however many
    events. The outbox worker records a group of delivery attempts this way."""
    from django.utils import timezone

    from beatdesk.audit.models import AuditChainHead, AuditEvent

    if not events:
        return events
    by_chain: dict[str, list[AuditEvent]] = {}
    for event in events:
        event.chain = chain_name(event.force_id)
        by_chain.setdefault(event.chain, []).append(event)
    ip_field = AuditEvent._meta.get_field("ip")
    with transaction.atomic():
        # Heads are always locked in name order, so two writers never wait on each other
        # in a cycle.
        for name in sorted(by_chain):
            head = _locked_head(name)
            seq, previous = head.seq, head.hash
            for event in by_chain[name]:
                seq += 1
                event.seq = seq
                event.prev_hash = previous
                # Round-trip the JSON so the hash covers exactly what the database gives back.
                event.data = json.loads(json.dumps(event.data or {}, sort_keys=True, default=str))
                event.created_at = timezone.now()
                event.ip = ip_field.to_python(event.ip) or None
                event.hash = previous = event_hash(event)
            # One prepared INSERT for the chain's events (a group of delivery attempts).
            insert_rows(AuditEvent, by_chain[name])
            AuditChainHead.objects.filter(chain=name).update(seq=seq, hash=previous)
    return events


@dataclass
class ChainProblem:
    chain: str
    seq: int
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"event {self.event_id}" if self.event_id else "the chain head"
        return f"{self.chain} #{self.seq} ({where}): {self.problem}"


@dataclass
class ChainReport:
    chains: int = 0
    events: int = 0
    problems: list[ChainProblem] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chains(chain: str | None = None) -> ChainReport:
    """Recompute every chain (or one) and list each break: edits, deletions, insertions."""
    from beatdesk.audit.models import AuditChainHead, AuditEvent

    report = ChainReport(problems=[])
    names = sorted(
        set(AuditEvent.objects.values_list("chain", flat=True).distinct())
        | set(AuditChainHead.objects.values_list("chain", flat=True))
    )
    if chain is not None:
        names = [n for n in names if n == chain]
    for name in names:
        report.chains += 1
        expected_prev, expected_seq = GENESIS, 1
        events = AuditEvent.objects.filter(chain=name).order_by("seq").iterator(chunk_size=2000)
        for event in events:
            report.events += 1
            if event.seq != expected_seq:
                report.problems.append(
                    ChainProblem(
                        name,
                        expected_seq,
                        event.pk,
                        f"events #{expected_seq} to #{event.seq - 1} are missing"
                        if event.seq > expected_seq
                        else f"sequence number {event.seq} is repeated or out of order",
                    )
                )
            if event.prev_hash != expected_prev:
                report.problems.append(
                    ChainProblem(
                        name, event.seq, event.pk, "the link to the previous event is broken"
                    )
                )
            if event_hash(event) != event.hash:
                report.problems.append(
                    ChainProblem(
                        name, event.seq, event.pk, "its contents were changed after it was written"
                    )
                )
            expected_prev, expected_seq = event.hash, event.seq + 1
        head = AuditChainHead.objects.filter(chain=name).first()
        if head is not None and (head.seq != expected_seq - 1 or head.hash != expected_prev):
            report.problems.append(
                ChainProblem(
                    name,
                    head.seq,
                    None,
                    "the chain ends earlier than its head says: the latest events were removed",
                )
            )
    return report
