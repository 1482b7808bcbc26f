"""Data protection: retention and subject access, as registries every app contributes to.

Retention: each app that holds personal data from the public registers a ``RetentionSource``
in its ``data_protection.py``: which of its items are older than a cut-off, and how to delete or
anonymise one (with its media files and search entries). The ``retention`` job applies each
force's ``policy.retention_days``, skips anything under a legal hold, and audits every item it
removes.

Subject access: each app registers a ``SubjectAccessSource`` that lists what it holds about a
network handle or email address in one force; ``beatdesk sar`` and the force admin's page put
every section into one readable file.

An app registers both in its ``data_protection.py``, for example the inbox::

    register_retention(RetentionSource(
        name="inbox.message",
        description="Messages from the public, their attachments and search entries",
        expired=lambda force, cutoff: Message.objects.filter(force=force, received_at__lt=cutoff),
        expire=message_expire,  # deletes files and the search row, or blanks text and handle
        held_by=lambda message: [("inbox.conversation", str(message.conversation_id))],
    ))

    @register_subject_access("inbox")
    def messages_from(force, subject): ...  # -> Section(title, purpose, records)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

if TYPE_CHECKING:
    from beatdesk.forces.models import Force

logger = logging.getLogger("beatdesk.dataprotection")

# --- Retention -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionSource:
    """One kind of item an app keeps, and how it expires.

    ``expired(force, cutoff)`` returns a queryset of the force's items older than ``cutoff``.
    ``expire(item)`` deletes or anonymises one item (and its files and search entries) and
    returns "deleted" or "anonymised"; it runs inside a transaction with the audit event.
    ``held_by(item)`` names the objects whose legal hold also covers this item (for example a
    message's conversation), as ``(app_label.model, id)`` pairs; the item itself is always
    checked.
    """

    name: str
    description: str
    expired: Callable[[Force, datetime], models.QuerySet]
    expire: Callable[[Any], str]
    held_by: Callable[[Any], Iterable[tuple[str, str]]] = lambda item: ()
    # What a force admin may put on hold to keep these items: (app_label.model, how staff
    # find its number), offered on the legal holds page.
    hold_kinds: tuple[tuple[str, str], ...] = ()


_RETENTION: dict[str, RetentionSource] = {}


def register_retention(source: RetentionSource) -> RetentionSource:
    _RETENTION[source.name] = source
    return source


def unregister_retention(name: str) -> None:
    _RETENTION.pop(name, None)


def retention_sources() -> dict[str, RetentionSource]:
    return dict(_RETENTION)


def hold_kinds() -> dict[str, str]:
    """{app_label.model: description} of everything a legal hold can name."""
    return {kind: text for source in _RETENTION.values() for kind, text in source.hold_kinds}


def _key(obj: models.Model) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def is_on_hold(force_id: int, keys: Iterable[tuple[str, str]]) -> bool:
    from beatdesk.audit.models import LegalHold

    keys = list(keys)
    if not keys:
        return False
    query = models.Q()
    for object_type, object_id in keys:
        query |= models.Q(object_type=object_type, object_id=object_id)
    return LegalHold.objects.filter(query, force_id=force_id, released_at__isnull=True).exists()


@dataclass
class RetentionResult:
    removed: dict[str, int] = field(default_factory=dict)
    held: int = 0

    @property
    def total(self) -> int:
        return sum(self.removed.values())


def retention_apply(
    *, force: Force, now: datetime | None = None, batch: int = 500
) -> RetentionResult:
    """Delete or anonymise the force's items older than its retention period, one audited
    transaction per item, leaving items under legal hold."""
    from beatdesk.audit.services import audit_record

    result = RetentionResult()
    policy = getattr(force, "policy", None)
    if policy is None or not policy.retention_days:
        return result
    cutoff = (now or timezone.now()) - timedelta(days=policy.retention_days)
    for name, source in sorted(_RETENTION.items()):
        for item in source.expired(force, cutoff)[:batch]:
            keys = [_key(item), *source.held_by(item)]
            if is_on_hold(force.pk, keys):
                result.held += 1
                continue
            object_type, object_id = _key(item)
            with transaction.atomic():
                outcome = source.expire(item)
                if outcome not in {"deleted", "anonymised"}:
                    raise ValueError(f"{name}: expire() must return 'deleted' or 'anonymised'")
                audit_record(
                    actor=None,
                    action=f"retention.{'delete' if outcome == 'deleted' else 'anonymise'}",
                    force=force,
                    data={
                        "source": name,
                        "object_type": object_type,
                        "object_id": object_id,
                        "retention_days": policy.retention_days,
                    },
                    reason=f"Older than the force's retention period ({policy.retention_days} days).",
                )
            result.removed[name] = result.removed.get(name, 0) + 1
            logger.info("retention %s %s %s:%s", outcome, name, object_type, object_id)
    return result


# --- Subject access ------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """Who the request is about: network handles and/or email addresses (any may be empty)."""

    handles: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()

    @classmethod
    def parse(cls, handles: Iterable[str] = (), emails: Iterable[str] = ()) -> Subject:
        return cls(
            handles=tuple(sorted({h.strip().lstrip("@").lower() for h in handles if h.strip()})),
            emails=tuple(sorted({e.strip().lower() for e in emails if e.strip()})),
        )

    @property
    def terms(self) -> tuple[str, ...]:
        return self.handles + self.emails

    def __str__(self) -> str:
        parts = [f"@{h}" for h in self.handles] + list(self.emails)
        return ", ".join(parts)


@dataclass
class Section:
    """What one source holds: a title, what it is for, and records as label -> value pairs."""

    title: str
    purpose: str
    records: list[dict[str, str]]


SubjectAccessProvider = Callable[["Force", Subject], Section | None]
_SUBJECT_ACCESS: dict[str, SubjectAccessProvider] = {}


def register_subject_access(name: str) -> Callable[[SubjectAccessProvider], SubjectAccessProvider]:
    def register(fn: SubjectAccessProvider) -> SubjectAccessProvider:
        _SUBJECT_ACCESS[name] = fn
        return fn

    return register


def subject_access_sources() -> dict[str, SubjectAccessProvider]:
    return dict(_SUBJECT_ACCESS)


def subject_access_collect(*, force: Force, subject: Subject) -> list[Section]:
    sections = []
    for _name, provider in sorted(_SUBJECT_ACCESS.items()):
        section = provider(force, subject)
        if section is not None and section.records:
            sections.append(section)
    return sections


def subject_access_text(*, force: Force, subject: Subject, sections: list[Section]) -> str:
    """The readable file: plain text, one section per source, every field labelled."""
    now = timezone.localtime()
    lines = [
        f"Subject access report - {force.name}",
        "=" * 60,
        f"About: {subject}",
        f"Produced: {now:%d %B %Y %H:%M %Z}",
        "",
        "This file lists everything this force's Beatdesk holds about the person above:",
        "what it is, why it is held, and each record.",
        "",
    ]
    if not sections:
        lines.append("Nothing is held about this person.")
    for section in sections:
        lines += [
            "",
            section.title,
            "-" * len(section.title),
            f"Why it is held: {section.purpose}",
            "",
        ]
        for n, record in enumerate(section.records, 1):
            lines.append(f"{n}.")
            for label, value in record.items():
                text = str(value).replace("\x00", "").replace("\r", "")
                text = text.replace("\n", "\n      ")
                lines.append(f"   {label}: {text}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
