"""Mastodon, through Mastodon.py.

The character limit is the server's own (``max_characters`` in the instance information), read
when the channel is connected and kept in ``channel.config``. Statuses are created with an
``Idempotency-Key`` derived from the delivery key, so a resend after an ambiguous failure within
the server's idempotency window returns the same status instead of a duplicate; beyond that,
``reconcile`` looks for the status among the account's own recent statuses.
"""

from __future__ import annotations

import html
import io
import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import mastodon
import nh3
import requests
from mastodon import Mastodon

from beatdesk.networks.base import (
    AuthError,
    FetchResult,
    IncomingMessage,
    OutcomeUnknown,
    OutgoingPost,
    PermanentError,
    Profile,
    RateLimited,
    SendResult,
    TemporaryError,
    TextRules,
    TransportError,
)

DEFAULT_MAX_CHARACTERS = 500
# Assumed until the server tells us its version at connection time (kept in channel.config).
DEFAULT_SERVER_VERSION = "4.3.0"
REQUEST_TIMEOUT = 20.0
# Mentions are read in pages of this size; a poll with a cursor reads at most this many pages and
# the next poll carries on from where it stopped.
NOTIFICATION_PAGE_SIZE = 40
MAX_NOTIFICATION_PAGES = 10
T = TypeVar("T")

# Failures where the request certainly did not reach the server: safe to send again.
_NOT_SENT = (requests.exceptions.ConnectTimeout, requests.exceptions.SSLError)


def html_to_text(content: str) -> str:
    """Mastodon sends HTML; keep its words and line breaks, drop all markup."""
    with_breaks = re.sub(r"(?i)<br\s*/?>|</p>\s*<p[^>]*>", "\n", content or "")
    return html.unescape(nh3.clean(with_breaks, tags=set())).strip()


def _normalise(text: str) -> str:
    return " ".join(text.split())


class MastodonTransport:
    network = "mastodon"
    supports_edit = True
    supports_delete = True

    def __init__(
        self,
        *,
        api_base_url: str,
        access_token: str,
        max_characters: int = DEFAULT_MAX_CHARACTERS,
        client: Mastodon | None = None,
        timeout: float = REQUEST_TIMEOUT,
        server_version: str = DEFAULT_SERVER_VERSION,
    ):
        self.api_base_url = api_base_url.rstrip("/")
        self.max_characters = max_characters
        self.client = client or Mastodon(
            access_token=access_token,
            api_base_url=self.api_base_url,
            ratelimit_method="throw",
            request_timeout=timeout,
            # "created": trust the version we pass (read at connection time) instead of asking.
            version_check_mode="created",
            mastodon_version=server_version,
            user_agent="Beatdesk",
        )

    # --- error mapping -----------------------------------------------------------------------

    def _call(self, fn: Callable[..., T], *args: Any, sends: bool = False, **kwargs: Any) -> T:
        """Run one API call, turning Mastodon.py's errors into the transport's classes."""
        try:
            return fn(*args, **kwargs)
        except mastodon.MastodonRatelimitError as exc:
            reset = getattr(self.client, "ratelimit_reset", None)
            retry_after = max(1.0, float(reset) - time.time()) if reset else 60.0
            raise RateLimited(
                "Mastodon rate limit reached", retry_after=retry_after, status=429
            ) from exc
        except mastodon.MastodonUnauthorizedError as exc:
            raise AuthError(
                f"Mastodon refused the access token: {_reason(exc)}", status=401
            ) from exc
        except mastodon.MastodonNotFoundError as exc:
            raise PermanentError(
                f"Not found on the Mastodon server: {_reason(exc)}", status=404
            ) from exc
        except mastodon.MastodonServerError as exc:
            status = _status(exc)
            if sends and status == 504:
                raise OutcomeUnknown(
                    "Mastodon timed out at its gateway; the status may exist", status=504
                ) from exc
            raise TemporaryError(f"Mastodon server error {status}", status=status) from exc
        except mastodon.MastodonNetworkError as exc:
            cause = exc.__context__
            if not sends or isinstance(cause, _NOT_SENT) or _is_connect_failure(cause):
                raise TemporaryError(
                    f"Could not reach the Mastodon server: {cause or exc}"
                ) from exc
            raise OutcomeUnknown(
                f"No answer from the Mastodon server after sending: {cause or exc}"
            ) from exc
        except mastodon.MastodonAPIError as exc:
            status = _status(exc)
            if status == 403:
                raise AuthError(
                    f"Mastodon forbids this for the account: {_reason(exc)}", status=403
                ) from exc
            if status == 429:
                raise RateLimited(
                    "Mastodon rate limit reached", retry_after=60.0, status=429
                ) from exc
            raise PermanentError(
                f"Mastodon refused the request: {_reason(exc)}", status=status
            ) from exc

    # --- the Transport interface --------------------------------------------------------------

    def text_rules(self) -> TextRules:
        return TextRules(
            network="mastodon",
            limit=self.max_characters,
            method="characters",
            url_length=23,
            max_images=4,
        )

    def _upload(self, image) -> str:
        media = self._call(
            self.client.media_post,
            io.BytesIO(image.content),
            mime_type=image.mime_type,
            description=image.alt_text,
            file_name="image",
        )
        return str(media["id"])

    def publish(self, post: OutgoingPost) -> SendResult:
        ids: list[str] = []
        first_url = ""
        parent = post.reply_to
        for index, part in enumerate(post.parts):
            media_ids = [self._upload(image) for image in part.images]
            status = self._call(
                self.client.status_post,
                part.text,
                in_reply_to_id=parent,
                media_ids=media_ids or None,
                visibility="direct" if post.private else "public",
                idempotency_key=f"{post.key}-{index}",
                sends=True,
            )
            ids.append(str(status["id"]))
            first_url = first_url or (status.get("url") or status.get("uri") or "")
            parent = ids[-1]
        return SendResult(network_id=ids[0], url=first_url, part_ids=tuple(ids))

    def edit(self, network_id: str, post: OutgoingPost) -> SendResult:
        part = post.parts[0]
        status = self._call(self.client.status_update, network_id, part.text, sends=True)
        return SendResult(
            network_id=str(status["id"]), url=status.get("url") or "", part_ids=(str(status["id"]),)
        )

    def delete(self, network_id: str) -> None:
        try:
            self._call(self.client.status_delete, network_id)
        except PermanentError as exc:
            if exc.status != 404:
                raise
            # Already gone: deleting is done.

    def reconcile(self, post: OutgoingPost, *, sent_after: datetime) -> SendResult | None:
        """Find the thread among the account's recent statuses by its first part's text."""
        me = self._call(self.client.account_verify_credentials)
        statuses = self._call(self.client.account_statuses, me["id"], limit=40)
        wanted = [_normalise(part.text) for part in post.parts]
        found: dict[int, dict] = {}
        for status in statuses:
            created = status.get("created_at")
            if isinstance(created, datetime) and created < sent_after:
                continue
            text = _normalise(html_to_text(status.get("content", "")))
            for index, expected in enumerate(wanted):
                if text == expected and index not in found:
                    found[index] = status
        if 0 not in found:
            return None
        ids = tuple(str(found[i]["id"]) for i in sorted(found))
        return SendResult(
            network_id=str(found[0]["id"]), url=found[0].get("url") or "", part_ids=ids
        )

    def _mentions_after(self, cursor: str) -> list[dict]:
        """Every mention notification after ``cursor``, paging forward with ``min_id``.

        Not ``since_id``: Mastodon answers ``since_id`` with the *newest* page newer than the id,
        so when more than a page waits (a busy moment, a backlog after an outage) the older ones
        are skipped for good once the cursor moves past them. ``min_id`` returns the page
        *immediately* after the id, so each page starts where the last one ended. At most
        ``MAX_NOTIFICATION_PAGES`` pages are read per poll; the rest wait for the next poll.
        """
        notes: list[dict] = []
        after = cursor
        for _ in range(MAX_NOTIFICATION_PAGES):
            page = self._call(
                self.client.notifications,
                types=["mention"],
                min_id=after,
                limit=NOTIFICATION_PAGE_SIZE,
            )
            notes.extend(page)
            highest = max((int(n["id"]) for n in page), default=int(after))
            if len(page) < NOTIFICATION_PAGE_SIZE or highest <= int(after):
                break
            after = str(highest)
        return notes

    def fetch(self, *, cursor: str | None) -> FetchResult:
        if cursor is None:
            # A newly connected channel starts from the newest page, not the account's history.
            notifications = self._call(
                self.client.notifications, types=["mention"], limit=NOTIFICATION_PAGE_SIZE
            )
        else:
            notifications = self._mentions_after(cursor)
        messages: list[IncomingMessage] = []
        newest = cursor
        for note in sorted(notifications, key=lambda n: int(n["id"])):
            newest = str(note["id"])
            status = note.get("status")
            if not status:
                continue
            account = status.get("account") or {}
            messages.append(
                IncomingMessage(
                    network_id=str(status["id"]),
                    text=html_to_text(status.get("content", "")),
                    author_handle=str(account.get("acct", "")),
                    author_name=str(account.get("display_name", "")),
                    kind="direct"
                    if status.get("visibility") == "direct"
                    else ("reply" if status.get("in_reply_to_id") else "mention"),
                    in_reply_to=str(status["in_reply_to_id"])
                    if status.get("in_reply_to_id")
                    else None,
                    created_at=status.get("created_at"),
                    url=status.get("url") or "",
                    raw_html=status.get("content", ""),
                )
            )
        return FetchResult(messages=messages, cursor=newest)

    def profile(self) -> Profile:
        me = self._call(self.client.account_verify_credentials)
        return Profile(
            handle=str(me.get("acct", "")),
            display_name=str(me.get("display_name", "")),
            url=str(me.get("url", "")),
            avatar_url=str(me.get("avatar", "")),
        )

    def server_max_characters(self) -> int:
        """The server's own limit, from its instance information (v2, then v1)."""
        info = self._call(self.client.instance)
        config = info.get("configuration") or {}
        statuses = config.get("statuses") or {}
        value = statuses.get("max_characters") or info.get("max_toot_chars")
        return int(value) if value else DEFAULT_MAX_CHARACTERS


def _status(exc: Exception) -> int | None:
    args = getattr(exc, "args", ())
    return args[1] if len(args) > 1 and isinstance(args[1], int) else None


def _reason(exc: Exception) -> str:
    args = getattr(exc, "args", ())
    if len(args) > 3 and args[3]:
        return str(args[3])
    return str(args[2]) if len(args) > 2 else str(exc)


def _is_connect_failure(cause: BaseException | None) -> bool:
    # A refused or unresolvable connection never sent anything; a reset or read timeout might have.
    if isinstance(cause, requests.exceptions.ConnectionError) and not isinstance(
        cause, requests.exceptions.ReadTimeout
    ):
        text = str(cause)
        return any(
            s in text
            for s in (
                "NewConnectionError",
                "Name or service not known",
                "Connection refused",
                "Failed to resolve",
            )
        )
    return False


def make_transport(channel) -> MastodonTransport:
    from beatdesk.networks.selectors import channel_credentials

    secrets = channel_credentials(channel)
    if not secrets.get("access_token"):
        raise AuthError("This Mastodon channel is not connected yet.")
    return MastodonTransport(
        api_base_url=channel.config.get("server", ""),
        access_token=secrets["access_token"],
        max_characters=int(channel.config.get("max_characters") or DEFAULT_MAX_CHARACTERS),
        server_version=channel.config.get("server_version") or DEFAULT_SERVER_VERSION,
    )


__all__ = ["MastodonTransport", "TransportError", "html_to_text", "make_transport"]
