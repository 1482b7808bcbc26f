"""The one interface every network implements (``networks/<name>/transport.py``).

The outbox (publishing) and the listener (inbox) only talk to networks through this interface,
and tests mock only below it (at the HTTP layer) or use the simulated network, which implements
it for real with database state and can be told to fail.

Errors are classified by what the worker must do next, not by HTTP status:

- ``TemporaryError``  try again later (5xx, connection refused before the request left);
- ``RateLimited``     try again after ``retry_after`` seconds (429, reset headers);
- ``AuthError``       the token is revoked or expired: mark the channel "needs reconnect",
                      tell the team lead, do not retry until reconnected;
- ``PermanentError``  the network refused this content (400): fail with the reason;
- ``OutcomeUnknown``  the request may have reached the network (timeout after sending, reply
                      lost): never resend blindly; call ``reconcile`` first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable


class TransportError(Exception):
    def __init__(
        self, message: str, *, retry_after: float | None = None, status: int | None = None
    ):
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status


class TemporaryError(TransportError):
    pass


class RateLimited(TemporaryError):
    pass


class AuthError(TransportError):
    pass


class PermanentError(TransportError):
    pass


class OutcomeUnknown(TransportError):
    pass


@dataclass(frozen=True)
class OutgoingImage:
    content: bytes
    mime_type: str
    alt_text: str
    width: int = 0
    height: int = 0


@dataclass(frozen=True)
class OutgoingPart:
    text: str
    images: tuple[OutgoingImage, ...] = ()


@dataclass(frozen=True)
class OutgoingEmail:
    """An email that carries a reply to someone who wrote through the hub and gave an address."""

    to: str
    subject: str
    body: str
    from_name: str = ""


@dataclass(frozen=True)
class OutgoingPost:
    """A post, a thread (several parts) or a reply, ready for one channel.

    ``key`` is unique per delivery and stable across retries: networks that support an
    idempotency key get it, and ``reconcile`` uses it (or the text and time) to find a send
    whose outcome is unknown.
    """

    key: str
    parts: tuple[OutgoingPart, ...]
    reply_to: str | None = None  # the network id of the message this answers
    private: bool = False  # a direct message rather than a public reply
    recipient: str | None = None  # for direct messages: the person's id on the network
    email: OutgoingEmail | None = None  # on the hub: the reply also goes to the sender by email


@dataclass(frozen=True)
class SendResult:
    network_id: str  # the id of the first part (the thread's root)
    url: str = ""
    part_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextRules:
    """How a network counts text; ``networks.text`` does the counting."""

    network: str
    limit: int
    method: str  # "characters", "x-weighted", "graphemes"
    byte_limit: int | None = None
    url_length: int | None = None  # URLs count as this many characters, whatever their length
    max_images: int = 4


@dataclass(frozen=True)
class IncomingMessage:
    network_id: str
    text: str
    author_handle: str
    author_name: str = ""
    kind: str = "mention"  # mention, reply, direct
    in_reply_to: str | None = None  # network id of the parent (ours or the public's)
    created_at: datetime | None = None
    url: str = ""
    raw_html: str | None = None  # networks that send HTML (Mastodon): sanitised before display


@dataclass
class FetchResult:
    messages: list[IncomingMessage] = field(default_factory=list)
    cursor: str | None = None


@dataclass(frozen=True)
class Profile:
    handle: str
    display_name: str = ""
    url: str = ""
    avatar_url: str = ""


@runtime_checkable
class Transport(Protocol):
    network: str
    supports_edit: bool
    supports_delete: bool

    def text_rules(self) -> TextRules: ...

    def publish(self, post: OutgoingPost) -> SendResult: ...

    def edit(self, network_id: str, post: OutgoingPost) -> SendResult: ...

    def delete(self, network_id: str) -> None: ...

    def reconcile(self, post: OutgoingPost, *, sent_after: datetime) -> SendResult | None:
        """Find a send whose outcome is unknown: the result if it arrived, None if it did not."""
        ...

    def fetch(self, *, cursor: str | None) -> FetchResult: ...

    def profile(self) -> Profile: ...
