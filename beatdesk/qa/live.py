"""What keeps the live session page cheap for thousands of viewers polling every second.

Each poll needs one answer: has anything the page shows changed? The session's ``version``
(bumped in the same transaction as every visible change) and its phase (upcoming, live, ended)
make the ETag. A process trusts the version it read for ``VERSION_TTL`` seconds, so however many
viewers poll, each web process reads the database at most four times a second per session; a change
made in this process is seen at once (``forget`` runs on commit). Rendered fragments are kept
per version, so a change is rendered once per process, not once per viewer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

VERSION_TTL = 0.25
# Which session a public URL names: it never changes, but a cancelled session must go away.
LOOKUP_TTL = 30.0
_lock = threading.Lock()
_states: dict[int, tuple[float, _Row]] = {}
_fragments: dict[tuple[int, str, str], bytes] = {}
_render_locks: dict[int, threading.Lock] = {}
_lookups: dict[tuple[str, str], tuple[float, int | None]] = {}


@dataclass(frozen=True)
class _Row:
    version: int
    starts_at: datetime
    ends_at: datetime
    closed_at: datetime | None
    cancelled_at: datetime | None


@dataclass(frozen=True)
class LiveState:
    session_id: int
    version: int
    phase: str

    @property
    def tag(self) -> str:
        return f"{self.version}.{self.phase}"

    @property
    def etag(self) -> str:
        return f'"qa{self.session_id}-{self.tag}"'


def _phase(row: _Row, now: datetime) -> str:
    if row.cancelled_at is not None:
        return "cancelled"
    if row.closed_at is not None or now >= row.ends_at:
        return "ended"
    return "live" if now >= row.starts_at else "upcoming"


def state(session_id: int, *, now: datetime | None = None) -> LiveState | None:
    """The session's current version and phase, read from the database at most every TTL."""
    from beatdesk.qa.models import Session

    clock = time.monotonic()
    cached = _states.get(session_id)
    if cached is None or cached[0] < clock:
        values = (
            Session.objects.filter(pk=session_id)
            .values_list("version", "starts_at", "ends_at", "closed_at", "cancelled_at")
            .first()
        )
        if values is None:
            return None
        cached = (clock + VERSION_TTL, _Row(*values))
        with _lock:
            _states[session_id] = cached
    row = cached[1]
    return LiveState(session_id, row.version, _phase(row, now or timezone.now()))


def session_id_for(force_slug: str, slug: str) -> int | None:
    """The id of the live session at this public URL, remembered for ``LOOKUP_TTL``."""
    from beatdesk.qa.models import Session

    clock = time.monotonic()
    key = (force_slug, slug)
    cached = _lookups.get(key)
    if cached is None or cached[0] < clock:
        found = (
            Session.objects.filter(
                force__slug=force_slug,
                force__is_active=True,
                slug=slug,
                cancelled_at__isnull=True,
            )
            .values_list("pk", flat=True)
            .first()
        )
        cached = (clock + LOOKUP_TTL, found)
        with _lock:
            _lookups[key] = cached
    return cached[1]


def forget(session_id: int) -> None:
    """Drop this process's cached version (called after a change commits)."""
    with _lock:
        _states.pop(session_id, None)


def reset() -> None:
    """Forget everything this process remembers (tests: each starts from an empty database)."""
    with _lock:
        _states.clear()
        _fragments.clear()
        _lookups.clear()


def cached_fragment(live: LiveState, variant: str) -> bytes | None:
    """The fragment for this version if this process has rendered it already."""
    return _fragments.get((live.session_id, live.tag, variant))


def fragment(live: LiveState, variant: str, render: Callable[[], bytes]) -> bytes:
    """The rendered fragment for this version, rendered once per process."""
    key = (live.session_id, live.tag, variant)
    found = _fragments.get(key)
    if found is not None:
        return found
    with _lock:
        render_lock = _render_locks.setdefault(live.session_id, threading.Lock())
    with render_lock:
        found = _fragments.get(key)
        if found is None:
            found = render()
            with _lock:
                # Old versions are never asked for again; keep only the current ones.
                for old in [k for k in _fragments if k[0] == live.session_id and k[1] != live.tag]:
                    del _fragments[old]
                _fragments[key] = found
    return found
