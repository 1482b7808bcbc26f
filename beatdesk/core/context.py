"""Who is acting and from where, for the audit trail, without threading a request everywhere."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    """Where an action came from: a web request, the CLI, or the worker."""

    channel: str = "system"
    ip: str | None = None
    user_agent: str = ""
    request_id: str = ""


_ORIGIN: contextvars.ContextVar[Origin] = contextvars.ContextVar(
    "beatdesk_origin",
    default=Origin(),  # noqa: B039 (frozen dataclass)
)


def current_origin() -> Origin:
    return _ORIGIN.get()


@contextmanager
def origin(value: Origin) -> Iterator[Origin]:
    token = _ORIGIN.set(value)
    try:
        yield value
    finally:
        _ORIGIN.reset(token)
