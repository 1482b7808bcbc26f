"""Reads the inbox's views share, always within one force."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from beatdesk.forces.models import Account, District, Force
from beatdesk.inbox.models import (
    Arrival,
    Conversation,
    ConversationView,
    DistrictInboxSettings,
    Message,
    SavedReply,
    TriageRule,
)
from beatdesk.jobs.health import waiting_since
from beatdesk.people.models import Membership, Officer
from beatdesk.people.selectors import district_roles

# --- The triage context of a force, cached per process ---------------------------------------

# Rebuilt when a place, postcode, officer or rule changes (signals bump the version in the
# shared cache) and at least this often, so another process's change is never missed for long.
CONTEXT_MAX_AGE_SECONDS = 60.0


@dataclass
class ForceTriageData:
    """What ingestion needs about a force, built once and reused for every message."""

    places: dict[str, str] = field(default_factory=dict)
    postcodes: dict[str, str] = field(default_factory=dict)
    officers: dict[str, str] = field(default_factory=dict)
    rules: list = field(default_factory=list)
    district_ids: dict[str, int] = field(default_factory=dict)
    district_slugs: dict[int, str] = field(default_factory=dict)
    round_robin_districts: set[int] = field(default_factory=set)
    # An individual account speaks for its officer's district when they have exactly one.
    officer_homes: dict[int, int] = field(default_factory=dict)
    version: int = 0
    built_at: float = 0.0

    def context(self, *, account_district_id: int | None = None, rules: list | None = None):
        from beatdesk.inbox.triage import TriageContext

        return TriageContext(
            account_district=self.district_slugs.get(account_district_id)
            if account_district_id
            else None,
            places=self.places,
            postcodes=self.postcodes,
            officers=self.officers,
            rules=self.rules if rules is None else rules,
        )


_CACHE: dict[int, ForceTriageData] = {}
_LOCK = threading.Lock()


def _version_key(force_id: int) -> str:
    return f"inbox:triage-version:{force_id}"


def triage_data_invalidate(*, force_id: int) -> None:
    """Make every process rebuild this force's triage context on its next message."""
    key = _version_key(force_id)
    if not cache.add(key, 1, timeout=None):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=None)
    _CACHE.pop(force_id, None)


def force_rules(*, force_id: int, extra: list[TriageRule] | None = None) -> list:
    from beatdesk.inbox.triage import ForceRule

    rules = list(
        TriageRule.objects.filter(force_id=force_id, is_active=True).select_related("district")
    )
    rules += extra or []
    return [
        ForceRule(
            kind=r.kind,
            pattern=r.pattern,
            category=r.category or None,
            priority=r.priority or None,
            district=r.district.slug if r.district_id else None,
        )
        for r in rules
    ]


def _build(force_id: int, version: int) -> ForceTriageData:
    from beatdesk.inbox.triage.context import force_context

    districts = dict(District.objects.filter(force_id=force_id).values_list("pk", "slug"))
    force = Force.objects.get(pk=force_id)
    base = force_context(force=force, rules=force_rules(force_id=force_id))
    homes: dict[int, set[int]] = {}
    for officer_id, district_id in Membership.objects.filter(force_id=force_id).values_list(
        "officer_id", "district_id"
    ):
        homes.setdefault(officer_id, set()).add(district_id)
    return ForceTriageData(
        places=base.places,
        postcodes=base.postcodes,
        officers=base.officers,
        rules=base.rules,
        district_slugs=districts,
        district_ids={slug: pk for pk, slug in districts.items()},
        officer_homes={pk: next(iter(ids)) for pk, ids in homes.items() if len(ids) == 1},
        round_robin_districts=set(
            DistrictInboxSettings.objects.filter(force_id=force_id, round_robin=True).values_list(
                "district_id", flat=True
            )
        ),
        version=version,
        built_at=time.monotonic(),
    )


def force_triage_data(*, force_id: int) -> ForceTriageData:
    """The cached triage data of a force, rebuilt when its places or rules changed."""
    version = cache.get(_version_key(force_id), 0)
    found = _CACHE.get(force_id)
    now = time.monotonic()
    if (
        found is not None
        and found.version == version
        and now - found.built_at < CONTEXT_MAX_AGE_SECONDS
    ):
        return found
    with _LOCK:
        built = _build(force_id, version)
        _CACHE[force_id] = built
    return built


def account_district_id(data: ForceTriageData, account: Account | None) -> int | None:
    """The district an account speaks for: its own, or its officer's only district."""
    if account is None:
        return None
    if account.district_id:
        return account.district_id
    if account.officer_id:
        return data.officer_homes.get(account.officer_id)
    return None


def triage_context_for(*, force: Force, account: Account | None = None):
    """The TriageContext for classifying a message sent to ``account`` of ``force``."""
    data = force_triage_data(force_id=force.pk)
    return data.context(account_district_id=account_district_id(data, account))


# --- Conversations -------------------------------------------------------------------------

VIEWS = (
    ("all", "Everything open"),
    ("district", "My district"),
    ("mine", "Assigned to me"),
    ("unassigned", "Unassigned"),
    ("urgent", "Urgent"),
    ("breaching", "Breaching target"),
)


def conversations_visible_to(*, officer: Officer) -> QuerySet[Conversation]:
    """Every conversation the officer may read: their districts', their own, or all (comms)."""
    qs = Conversation.objects.filter(force_id=officer.force_id)
    if officer.is_comms:
        return qs
    districts = list(district_roles(officer))
    return qs.filter(Q(district_id__in=districts) | Q(assignee_id=officer.pk))


def _open_now(now: datetime) -> Q:
    return Q(status__in=Conversation.ACTIVE_STATUSES) & (
        Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=now) | Q(is_emergency=True)
    )


def view_filter(*, officer: Officer, view: str, now: datetime) -> Q:
    """The filter of one named view; emergencies are in every open view."""
    base = _open_now(now)
    if view == "district":
        return base & Q(district_id__in=list(district_roles(officer)))
    if view == "mine":
        return base & Q(assignee_id=officer.pk)
    if view == "unassigned":
        return base & Q(assignee__isnull=True)
    if view == "urgent":
        return base & (Q(priority="urgent") | Q(is_emergency=True))
    if view == "breaching":
        return base & Q(target_at__lt=now)
    if view == "resolved":
        return Q(status=Conversation.Status.RESOLVED)
    if view == "snoozed":
        return Q(status__in=Conversation.ACTIVE_STATUSES, snoozed_until__gt=now)
    return base


def inbox_list(
    *,
    officer: Officer,
    view: str = "all",
    account_slug: str = "",
    category: str = "",
    query: str = "",
    post_id: int | None = None,
    limit: int = 100,
) -> list[Conversation]:
    """One page of a view, emergencies pinned first, then by priority and most recent."""
    now = timezone.now()
    qs = conversations_visible_to(officer=officer).filter(
        view_filter(officer=officer, view=view, now=now)
    )
    if account_slug:
        qs = qs.filter(account__slug=account_slug)
    if category:
        qs = qs.filter(category=category)
    if post_id:
        qs = qs.filter(post_id=post_id)
    if query:
        matching = Message.objects.filter(force_id=officer.force_id).filter(
            Q(text__icontains=query)
            | Q(author_handle__icontains=query)
            | Q(author_name__icontains=query)
        )
        qs = qs.filter(pk__in=matching.values("conversation_id"))
    return list(
        qs.select_related("assignee", "district", "account", "channel")
        .prefetch_related("labels")
        .order_by("-is_emergency", "priority_rank", "-last_message_at", "-id")[:limit]
    )


def view_counts(*, officer: Officer) -> dict[str, int]:
    """How many conversations each named view holds, in one query."""
    now = timezone.now()
    names = [name for name, _ in VIEWS]
    aggregates = {
        name: Count("pk", filter=view_filter(officer=officer, view=name, now=now)) for name in names
    }
    return conversations_visible_to(officer=officer).aggregate(**aggregates)


# Messages taken in (``inbox.arrivals``) still waiting this long mean no worker is sorting them.
ARRIVALS_STUCK_AFTER = timedelta(minutes=2)


def arrivals_waiting_too_long(
    *, force_id: int | None, now: datetime | None = None
) -> tuple[int, datetime] | None:
    """How many of a force's arrivals (every force's, for ``None``) are waiting and since when,
    if the oldest was taken in more than ``ARRIVALS_STUCK_AFTER`` ago; None otherwise. The
    oldest is found by primary key (ids grow as arrivals are taken in)."""
    waiting = (
        Arrival.objects.all() if force_id is None else Arrival.objects.filter(force_id=force_id)
    )
    return waiting_since(
        waiting,
        since="taken_in_at",
        oldest_first="id",
        older_than=(now or timezone.now()) - ARRIVALS_STUCK_AFTER,
    )


def emergencies_open(*, officer: Officer) -> list[Conversation]:
    return list(
        conversations_visible_to(officer=officer)
        .filter(is_emergency=True, status__in=Conversation.ACTIVE_STATUSES)
        .select_related("district")
        .order_by("-last_message_at")[:20]
    )


def latest_marker(*, officer: Officer) -> str:
    """The poll's cheap "anything new?" check over the conversations the officer can see:
    the newest message id, how many there are and the sum of their versions. The newest id
    alone is not enough: with several ingesting processes a message can commit after one
    with a higher id, and a new conversation or a reply changes the count or a version."""
    found = conversations_visible_to(officer=officer).aggregate(
        latest=Max("last_message_id"), count=Count("pk"), versions=Sum("version")
    )
    return f"{found['latest'] or 0}.{found['count']}.{found['versions'] or 0}"


def conversation_for(*, officer: Officer, pk: int) -> Conversation | None:
    return (
        Conversation.objects.filter(force_id=officer.force_id, pk=pk)
        .select_related("assignee", "district", "account", "channel", "post", "force__policy")
        .first()
    )


def messages_of(*, conversation: Conversation) -> list[Message]:
    return list(
        conversation.messages.select_related("author_officer", "delivery", "district").order_by(
            "received_at", "id"
        )
    )


PRESENCE_SECONDS = 30


def others_present(*, conversation: Conversation, officer: Officer) -> list[ConversationView]:
    """Colleagues who have this conversation open now, and whether they are writing a reply."""
    since = timezone.now() - timezone.timedelta(seconds=PRESENCE_SECONDS)
    return list(
        ConversationView.objects.filter(conversation=conversation, last_seen_at__gte=since)
        .exclude(officer=officer)
        .select_related("officer")
    )


def saved_replies_for(*, officer: Officer, conversation: Conversation | None = None):
    """The force library plus the libraries of the officer's districts (and the conversation's)."""
    districts = set(district_roles(officer))
    if conversation is not None and conversation.district_id:
        districts.add(conversation.district_id)
    qs = SavedReply.objects.filter(force_id=officer.force_id)
    if not officer.is_comms:
        qs = qs.filter(Q(district__isnull=True) | Q(district_id__in=districts))
    return list(qs.select_related("district").order_by("district__name", "title"))


def suggested_reply(*, conversation: Conversation) -> SavedReply | None:
    """For a crime report: the district's (else the force's) online-reporting template."""
    if conversation.category != "crime_report":
        return None
    return (
        SavedReply.objects.filter(
            force_id=conversation.force_id, purpose=SavedReply.Purpose.CRIME_REPORT
        )
        .filter(Q(district__isnull=True) | Q(district_id=conversation.district_id))
        .order_by("district_id")
        .last()
    )


def assignable_officers(*, conversation: Conversation) -> list[Officer]:
    """Members of the conversation's district, and the comms desk."""
    qs = Officer.objects.filter(force_id=conversation.force_id, is_active=True)
    if conversation.district_id:
        qs = qs.filter(
            Q(memberships__district_id=conversation.district_id)
            | Q(force_role__in=["comms", "admin"])
        )
    else:
        qs = qs.filter(force_role__in=["comms", "admin"])
    return list(qs.distinct().order_by("surname", "first_name"))


def recent_messages(*, force: Force, limit: int = 500) -> list[Message]:
    return list(
        Message.objects.filter(force=force, direction=Message.Direction.IN)
        .select_related("district", "account")
        .order_by("-id")[:limit]
    )


@dataclass
class PreviewRow:
    message: Message
    before: object
    after: object

    @property
    def changed(self) -> bool:
        return (self.before.category, self.before.priority, self.before.district) != (
            self.after.category,
            self.after.priority,
            self.after.district,
        )


@dataclass
class RulePreview:
    scanned: int
    rows: list[PreviewRow]

    @property
    def changed_count(self) -> int:
        return sum(1 for row in self.rows if row.changed)


def rule_preview(*, force: Force, candidate: TriageRule, limit: int = 500) -> RulePreview:
    """What a rule would match among recent messages, and how their triage would change."""
    import re

    from beatdesk.inbox.triage import ForceRule, classify

    data = force_triage_data(force_id=force.pk)
    pattern = re.compile(rf"(?<!\w){re.escape(candidate.pattern.lower())}(?!\w)")
    extra = ForceRule(
        kind=candidate.kind,
        pattern=candidate.pattern,
        category=candidate.category or None,
        priority=candidate.priority or None,
        district=candidate.district.slug if candidate.district_id else None,
    )
    recent = recent_messages(force=force, limit=limit)
    rows = []
    for message in recent:
        if not pattern.search(message.text.lower()):
            continue
        account_district = account_district_id(data, message.account)
        before = classify(message.text, data.context(account_district_id=account_district))
        after = classify(
            message.text,
            data.context(account_district_id=account_district, rules=[*data.rules, extra]),
        )
        rows.append(PreviewRow(message=message, before=before, after=after))
    return RulePreview(scanned=len(recent), rows=rows[:50])


def form_thread_start(*, conversation: Conversation) -> Message | None:
    """The first message from the public in a conversation begun through the hub's contact
    form (what the sender's private link names), or None for any other conversation."""
    return (
        conversation.messages.filter(
            direction=Message.Direction.IN, network_id__startswith=Message.FORM_ID_PREFIX
        )
        .order_by("received_at", "id")
        .first()
    )


def reply_reaches(*, conversation: Conversation, thread: list[Message]) -> str:
    """Where a reply to a conversation from the hub reaches the sender, for the officer
    writing it: one begun through the contact form, or a Q&A question asked on the hub (which
    it does not reach); empty for any other conversation."""
    came_in = [m.network_id for m in thread if m.direction == Message.Direction.IN]
    if not any(i.startswith(Message.FORM_ID_PREFIX) for i in came_in):
        if came_in and all(i.startswith(Message.QA_ID_PREFIX) for i in came_in):
            return (
                "They asked on the hub during a live Q&A and left no way to reach them: they "
                "will not see this reply. Answer in a later session or on the force's accounts."
            )
        return ""
    where = "They read it at the private link the hub gave them"
    if not conversation.contact_email:
        return f"{where} (they left no email address)."
    if settings.EMAIL_ANSWERS:
        return f"{where}, and it is emailed to them."
    return f"{where} (they left an email address, but this site sends no email)."
