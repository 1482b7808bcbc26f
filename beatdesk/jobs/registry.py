"""Background work as rows in the database, advanced by one worker loop.

Each domain registers a *runner*: a function that claims due rows (conditional UPDATE, so two
workers never take the same row), does the work, and returns how many rows it advanced. The
worker calls every runner in turn, sleeping only when none had anything to do. A crash loses
nothing: an unfinished row is still in the database with its state and next-attempt time.
Tests call ``run_due()`` to advance everything that is due, synchronously.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections
from django.utils import timezone

logger = logging.getLogger("beatdesk.jobs")

Runner = Callable[[], int]


@dataclass(frozen=True)
class Job:
    name: str
    run: Runner
    # Minimum seconds between two runs (polling a network every minute, not every loop).
    every: float = 0.0


_JOBS: dict[str, Job] = {}
# Run once when a worker starts, before its first loop (``warm_up``).
_WARMERS: list[Callable[[], object]] = []
_LAST_RUN: dict[str, float] = {}
# Set by ``wake``: an idle worker in this process starts its next loop at once.
_WOKEN = threading.Event()
# How often an idle worker looks at its stop event while it waits to be woken.
_STOP_CHECK_SECONDS = 0.1
# On PostgreSQL, ``wake`` notifies this channel and idle workers listen on it.
NOTIFY_CHANNEL = "beatdesk_jobs"
# After listening failed, how long an idle worker waits by the clock before it listens again.
LISTEN_RETRY_SECONDS = 30.0
# How often a looping worker renews its ``WorkerBeat`` (``health`` reads the newest).
HEARTBEAT_SECONDS = 15.0
# A worker not heard of for this long is gone: its row is removed when another starts.
FORGET_WORKER_AFTER_SECONDS = 24 * 3600


def job(name: str, *, every: float = 0.0) -> Callable[[Runner], Runner]:
    def register(fn: Runner) -> Runner:
        _JOBS[name] = Job(name=name, run=fn, every=every)
        return fn

    return register


def warm_up(fn: Callable[[], object]) -> Callable[[], object]:
    """Register ``fn`` to run when a worker starts: loading what a job's first run would
    otherwise load while something waits on it (the triage model before the first emergency
    after a restart). A warmer that fails is logged; the worker starts anyway."""
    _WARMERS.append(fn)
    return fn


def _warm() -> None:
    for fn in _WARMERS:
        try:
            fn()
        except Exception:
            logger.exception("warming up %s failed", getattr(fn, "__qualname__", fn))


def registered_jobs() -> dict[str, Job]:
    return dict(_JOBS)


def run_due(
    *,
    only: set[str] | None = None,
    respect_intervals: bool = False,
    before_each: Callable[[], None] | None = None,
) -> int:
    """Run every registered job once; return the number of rows advanced. ``before_each`` is
    called before each job runs (the worker renews its heartbeat there, so a loop of many
    slow jobs does not read as a silent worker)."""
    total = 0
    now = time.monotonic()
    for name, entry in sorted(_JOBS.items()):
        if only is not None and name not in only:
            continue
        if respect_intervals and entry.every and now - _LAST_RUN.get(name, -1e9) < entry.every:
            continue
        if before_each is not None:
            before_each()
        _LAST_RUN[name] = now
        try:
            total += entry.run() or 0
        except Exception:
            logger.exception("job %s failed; it will run again on the next loop", name)
    return total


def run_until_idle(*, max_loops: int = 100) -> int:
    """Advance everything due until nothing more is; for tests and the demo loader."""
    total = 0
    for _ in range(max_loops):
        done = run_due()
        total += done
        if not done:
            break
    return total


def wake() -> None:
    """New work is due now (arrivals to triage): an idle worker starts its next loop at once.

    In this process directly; on PostgreSQL also in every other process, by ``NOTIFY`` on
    ``NOTIFY_CHANNEL`` (a worker's idle wait listens on it). Call it once the work is
    committed (``transaction.on_commit``), so the worker it wakes finds it."""
    _WOKEN.set()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {NOTIFY_CHANNEL}")


class _Listener:
    """On PostgreSQL, a connection of the worker's own that ``LISTEN``s for ``wake`` from any
    process. Any failure closes it; the worker then waits by the clock alone for
    ``LISTEN_RETRY_SECONDS`` before it opens a new one (a database that is down is not asked
    ten times a second)."""

    def __init__(self) -> None:
        self._wrapper = None
        self._retry_at = 0.0

    def _open(self):
        if self._wrapper is None:
            wrapper = connections.create_connection(DEFAULT_DB_ALIAS)
            wrapper.ensure_connection()
            wrapper.set_autocommit(True)
            wrapper.connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
            self._wrapper = wrapper
        return self._wrapper.connection

    def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for a notification; whether one came."""
        if self._wrapper is None and time.monotonic() < self._retry_at:
            time.sleep(seconds)
            return False
        try:
            raw = self._open()
            if not any(True for _ in raw.notifies(timeout=seconds, stop_after=1)):
                return False
            # One loop does the work of every wake sent meanwhile: take them all.
            for _ in raw.notifies(timeout=0):
                pass
            return True
        except Exception:
            logger.warning(
                "listening for new work failed; waiting by the clock for %s s",
                LISTEN_RETRY_SECONDS,
                exc_info=True,
            )
            self.close()
            self._retry_at = time.monotonic() + LISTEN_RETRY_SECONDS
            time.sleep(seconds)
            return False

    def close(self) -> None:
        wrapper, self._wrapper = self._wrapper, None
        if wrapper is not None:
            try:
                wrapper.close()
            except Exception:
                logger.debug("closing the listening connection failed", exc_info=True)


class _Heartbeat:
    """This worker's ``WorkerBeat``: written when it starts, renewed at most every
    ``HEARTBEAT_SECONDS`` as it loops, deleted when it stops. Writing it never stops the
    worker: a failure is logged and tried again on the next beat."""

    def __init__(self) -> None:
        self.name = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:200]
        self.started_at = timezone.now()
        self._next = 0.0

    def beat(self) -> None:
        if time.monotonic() < self._next:
            return
        self._next = time.monotonic() + HEARTBEAT_SECONDS
        from beatdesk.jobs.models import WorkerBeat

        now = timezone.now()
        try:
            if not WorkerBeat.objects.filter(name=self.name).update(beat_at=now):
                forgotten = now - timedelta(seconds=FORGET_WORKER_AFTER_SECONDS)
                WorkerBeat.objects.filter(beat_at__lt=forgotten).delete()
                WorkerBeat.objects.create(name=self.name, started_at=self.started_at, beat_at=now)
        except Exception:
            logger.warning("recording that the worker is alive failed", exc_info=True)

    def stop(self) -> None:
        from beatdesk.jobs.models import WorkerBeat

        try:
            WorkerBeat.objects.filter(name=self.name).delete()
        except Exception:
            logger.warning("removing the worker's heartbeat failed", exc_info=True)


def _idle(stop: threading.Event, seconds: float, listener: _Listener | None = None) -> None:
    """Wait up to ``seconds``, less when woken (in this process, or by a notification the
    ``listener`` hears) or stopped."""
    deadline = time.monotonic() + seconds
    while not stop.is_set() and not _WOKEN.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            break
        step = min(left, _STOP_CHECK_SECONDS)
        if listener is not None:
            if listener.wait(step):
                break
        else:
            _WOKEN.wait(step)
    _WOKEN.clear()


def worker_loop(*, stop: threading.Event, poll_seconds: float) -> None:
    """The worker: run due jobs until ``stop`` is set; idle for ``poll_seconds`` between loops."""
    from beatdesk.core.context import Origin, origin

    logger.info("worker started with jobs: %s", ", ".join(sorted(_JOBS)) or "(none)")
    listener = _Listener() if connection.vendor == "postgresql" else None
    heart = _Heartbeat()
    _warm()
    with origin(Origin(channel="worker")):
        while not stop.is_set():
            close_old_connections()
            heart.beat()
            done = run_due(respect_intervals=True, before_each=heart.beat)
            if not done:
                _idle(stop, poll_seconds, listener)
        heart.stop()
    if listener is not None:
        listener.close()
    close_old_connections()
    logger.info("worker stopped")
