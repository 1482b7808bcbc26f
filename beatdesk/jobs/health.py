"""Is Beatdesk doing its work? Checks every app contributes to, read by ``/healthz`` and
``beatdesk health``.

A check is a function of the time now that returns a ``Check``: whether all is well and a
sentence an administrator reads, with the figures behind it. Apps register theirs in their
``jobs.py`` (loaded at start-up), next to the background work they watch::

    @health_check("outbox")
    def outbox_moving(now): ...

This module holds the two every deployment needs: the database answers, and a worker is
running (each worker renews a ``WorkerBeat`` as it loops). A check that raises is reported as
failing with the error's kind, never as passing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, Max, Q
from django.utils import timezone

logger = logging.getLogger("beatdesk.health")

# A worker loops every second or so and renews its beat every ``HEARTBEAT_SECONDS`` (15 s)
# between jobs; one not heard of for this long has stopped, or one job has hung for minutes.
WORKER_SILENT_AFTER = timedelta(minutes=3)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    summary: str
    figures: dict[str, int | float | str | None] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """What ``/healthz`` and ``beatdesk health --json`` say of it."""
        return {"ok": self.ok, "summary": self.summary, **self.figures}


CheckFunction = Callable[[datetime], Check]
_CHECKS: dict[str, CheckFunction] = {}


def health_check(name: str) -> Callable[[CheckFunction], CheckFunction]:
    def register(fn: CheckFunction) -> CheckFunction:
        _CHECKS[name] = fn
        return fn

    return register


def check_names() -> list[str]:
    return sorted(_CHECKS, key=lambda name: (name != "database", name))


def report(*, only: Iterable[str] | None = None, now: datetime | None = None) -> list[Check]:
    """Every registered check (or the ones named), the database's first."""
    now = now or timezone.now()
    wanted = set(only) if only is not None else None
    checks = []
    for name in check_names():
        if wanted is not None and name not in wanted:
            continue
        try:
            checks.append(_CHECKS[name](now))
        except Exception as exc:
            logger.warning("health check %s could not run", name, exc_info=True)
            checks.append(Check(name, False, f"Could not be checked: {type(exc).__name__}."))
    return checks


def seconds_since(moment: datetime | None, now: datetime) -> int | None:
    return None if moment is None else max(0, int((now - moment).total_seconds()))


def ago(seconds: int) -> str:
    """ "45 s", "12 min", "3 h 5 min": how long ago, for a sentence."""
    if seconds < 120:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


@health_check("database")
def database_answers(now: datetime) -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Check("database", True, f"The database ({connection.vendor}) answers.")


@health_check("worker")
def worker_running(now: datetime) -> Check:
    from beatdesk.jobs.models import WorkerBeat

    found = WorkerBeat.objects.aggregate(
        last=Max("beat_at"),
        running=Count("pk", filter=Q(beat_at__gte=now - WORKER_SILENT_AFTER)),
    )
    running = found["running"]
    last = seconds_since(found["last"], now)
    figures = {"running": running, "last_seen_seconds": last}
    if running:
        return Check(
            "worker",
            True,
            f"{running} worker{'s' if running != 1 else ''} running; "
            f"the last looked in {ago(last or 0)} ago.",
            figures,
        )
    when = "No worker has ever run" if last is None else f"No worker has looked in for {ago(last)}"
    return Check(
        "worker",
        False,
        f"{when}: nothing is sent to the networks, polled from them or sorted in the "
        "background. Start one with `beatdesk worker`.",
        figures,
    )


def backlog_check(
    name: str,
    found: tuple[int, datetime] | None,
    now: datetime,
    *,
    figure: str,
    calm: str,
    failing: Callable[[int, str], str],
) -> Check:
    """The check of a queue of work a worker does (``found`` from ``waiting_since``): passing
    with ``calm`` when nothing has waited too long; failing with ``failing(count, ago)`` and the
    figures ``figure`` (how many) and ``oldest_<figure>_seconds`` when something has."""
    if found is None:
        return Check(name, True, calm, {figure: 0})
    count, since = found
    waited = seconds_since(since, now)
    return Check(
        name,
        False,
        failing(count, ago(waited)),
        {figure: count, f"oldest_{figure}_seconds": waited},
    )


def waiting_since(
    waiting, *, since: str, oldest_first: str, older_than: datetime
) -> tuple[int, datetime] | None:
    """How many rows of ``waiting`` (a queryset of work not yet done) there are and when the
    oldest began waiting (its ``since`` field), if that is before ``older_than``; None
    otherwise. One look at the oldest (ordered by ``oldest_first``, which an index serves), and
    a count only when it is too old: asked on every desk poll, it costs one query when all is
    well."""
    oldest = waiting.order_by(oldest_first).values_list(since, flat=True).first()
    if oldest is None or oldest > older_than:
        return None
    return waiting.count(), oldest
