"""Bluesky, through the maintained atproto SDK (``atproto``).

Identity and writes go to the account's PDS (``https://bsky.social`` unless the channel names
another); the PDS proxies ``app.bsky.*`` reads (notifications, posts, profiles) to the AppView.

- **Sessions are reused.** Bluesky allows 30 logins per 5 minutes, so the session the SDK gets
  at login is kept, sealed, with the channel's credentials and refreshed when the access token
  runs out. The app password is used again only when the refresh token itself is refused.
- **Sends are idempotent.** Each part of a post gets a record key derived from the delivery's
  key (a TID, the only key shape the PDS accepts for posts), so a repeated send finds the record
  already there instead of writing a second one, and ``reconcile`` reads the record back by key
  (falling back to the account's recent posts by text and time).
- **Write points.** 5,000 per hour per account, a create costs 3 and a delete 1; sends beyond
  the budget raise ``RateLimited`` before anything leaves, and a 429 from the PDS raises it with
  the wait from its ``ratelimit-reset`` header.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from atproto import Client, models
from atproto_client import exceptions as sdk
from atproto_client.client.session import Session, SessionEvent
from atproto_client.request import Request
from django.core.cache import cache

from beatdesk.networks.base import (
    AuthError,
    FetchResult,
    IncomingMessage,
    OutcomeUnknown,
    OutgoingImage,
    OutgoingPost,
    PermanentError,
    Profile,
    RateLimited,
    SendResult,
    TemporaryError,
    TextRules,
    TransportError,
)
from beatdesk.networks.text import DEFAULT_RULES, measure, too_long_message

if TYPE_CHECKING:
    from beatdesk.forces.models import Channel

logger = logging.getLogger("beatdesk.networks.bluesky")

DEFAULT_SERVICE = "https://bsky.social"
PUBLIC_WEB = "https://bsky.app"
POST_COLLECTION = "app.bsky.feed.post"
RULES: TextRules = DEFAULT_RULES["bluesky"]
# app.bsky.embed.images accepts images up to this size.
MAX_IMAGE_BYTES = 1_000_000
WRITE_POINTS_PER_HOUR = 5000
CREATE_POINTS = 3
DELETE_POINTS = 1
INCOMING_REASONS = ("mention", "reply", "quote")
NOTIFICATION_PAGE = 50
MAX_NOTIFICATION_PAGES = 10
TIMEOUT = httpx.Timeout(20.0, connect=5.0)
AUTH_ERRORS = {"ExpiredToken", "InvalidToken", "AuthenticationRequired", "AuthMissing"}

T = TypeVar("T")


def make_transport(channel: Channel) -> BlueskyTransport:
    return BlueskyTransport(channel)


# --- Record keys --------------------------------------------------------------------------

_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
# The PDS only accepts TIDs (a 53-bit microsecond time and a 10-bit clock id) as post keys.
# Ours carry no real time: apps sort and show posts by the record's ``createdAt``, and the key
# only has to be the same on every attempt of one delivery. Times are kept inside one 2023 window
# so keys look ordinary and never sort as if from the future.
_TID_EPOCH_US = 1_672_531_200_000_000
_TID_WINDOW_US = 1 << 40


def record_key_for(key: str, index: int = 0) -> str:
    """The record key of part ``index`` of the delivery ``key``: the same on every attempt."""
    digest = int.from_bytes(hashlib.sha256(f"{key}:{index}".encode()).digest()[:8], "big")
    micros = _TID_EPOCH_US + (digest >> 10) % _TID_WINDOW_US
    value = (micros << 10) | (digest & 0x3FF)
    chars = []
    for _ in range(13):
        chars.append(_TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def split_uri(uri: str) -> tuple[str, str, str]:
    """``at://did/collection/rkey`` -> (did, collection, rkey)."""
    if not uri.startswith("at://"):
        raise PermanentError(f"{uri!r} is not a Bluesky record address (at://...).")
    parts = uri[len("at://") :].split("/")
    if len(parts) != 3 or not all(parts):
        raise PermanentError(f"{uri!r} is not a Bluesky record address (at://did/collection/key).")
    return parts[0], parts[1], parts[2]


def profile_url(handle_or_did: str) -> str:
    return f"{PUBLIC_WEB}/profile/{handle_or_did}"


def post_url(handle_or_did: str, uri: str) -> str:
    return f"{PUBLIC_WEB}/profile/{handle_or_did}/post/{split_uri(uri)[2]}"


# --- Errors -------------------------------------------------------------------------------


def _status(exc: sdk.RequestErrorBase) -> int | None:
    return exc.response.status_code if exc.response is not None else None


def _xrpc_error(exc: sdk.RequestErrorBase) -> tuple[str, str]:
    content = exc.response.content if exc.response is not None else None
    error = getattr(content, "error", "") or ""
    message = getattr(content, "message", "") or ""
    return error, message


def _retry_after(exc: sdk.RateLimitExceededError) -> float:
    if exc.reset_at is not None:
        return max(1.0, (exc.reset_at - datetime.now(UTC)).total_seconds())
    if exc.retry_after is not None:
        return max(1.0, exc.retry_after)
    return 60.0


def map_error(exc: Exception, *, write: bool) -> TransportError:
    """What the worker must do about an SDK error (see ``networks.base``)."""
    if isinstance(exc, TransportError):
        return exc
    if isinstance(exc, sdk.LoginRequiredError):
        return AuthError("Bluesky needs the account to sign in again.")
    if isinstance(exc, sdk.RateLimitExceededError):
        return RateLimited(
            f"Bluesky rate limit reached ({exc.policy or 'no policy given'}).",
            retry_after=_retry_after(exc),
            status=429,
        )
    if isinstance(exc, sdk.RequestErrorBase):
        status = _status(exc)
        error, message = _xrpc_error(exc)
        detail = f"{error}: {message}" if message else error or str(status or "")
        if status is None:
            cause = exc.__cause__
            # Nothing left the machine: safe to try again. Anything else may have reached the
            # server (a read timeout, a dropped connection), so a write's outcome is unknown.
            if isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
                return TemporaryError(f"Could not reach Bluesky: {cause}")
            if write:
                return OutcomeUnknown(f"Bluesky did not answer after the request was sent: {cause}")
            return TemporaryError(f"Bluesky did not answer: {cause}")
        if status in (401, 403) or error in AUTH_ERRORS:
            return AuthError(f"Bluesky refused the account's session ({detail}).", status=status)
        if status == 413:
            return PermanentError(
                f"Bluesky refused the upload as too large ({detail}).", status=status
            )
        if status >= 500 or status in (408, 409):
            return TemporaryError(f"Bluesky is failing ({status} {detail}).", status=status)
        return PermanentError(f"Bluesky refused the request ({status} {detail}).", status=status)
    if isinstance(exc, httpx.HTTPError):
        return OutcomeUnknown(str(exc)) if write else TemporaryError(str(exc))
    return TemporaryError(f"Unexpected answer from Bluesky: {exc!r}")


# --- The transport ------------------------------------------------------------------------


class BlueskyTransport:
    network = "bluesky"
    supports_edit = False  # Bluesky posts cannot be edited
    supports_delete = True

    def __init__(
        self,
        channel: Channel,
        *,
        http: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = TIMEOUT,
    ) -> None:
        self.channel = channel
        self._http = http
        self._timeout = timeout
        self._client: Client | None = None
        self._credentials: dict | None = None

    # Sessions ---------------------------------------------------------------------------

    @property
    def service(self) -> str:
        return (self.channel.config or {}).get("service") or DEFAULT_SERVICE

    def _credentials_now(self) -> dict:
        if self._credentials is None:
            from beatdesk.networks.selectors import channel_credentials

            self._credentials = channel_credentials(self.channel)
        return self._credentials

    def _new_client(self) -> Client:
        options: dict[str, Any] = {"timeout": self._timeout}
        if self._http is not None:
            options["transport"] = self._http
        client = Client(base_url=self.service, request=Request(**options))
        client.on_session_change(self._session_changed)
        return client

    def _session_changed(self, event: SessionEvent, session: Session) -> None:
        if event not in (SessionEvent.CREATE, SessionEvent.REFRESH):
            return
        from beatdesk.networks.services import channel_credentials_store

        credentials = {**self._credentials_now(), "session": session.encode()}
        self._credentials = credentials
        channel_credentials_store(channel=self.channel, credentials=credentials)
        logger.info("bluesky channel %s: session %s", self.channel.pk, event.value)

    def _login(self, client: Client) -> None:
        credentials = self._credentials_now()
        identifier = credentials.get("identifier") or self.channel.handle
        password = credentials.get("app_password")
        if not identifier or not password:
            raise AuthError("The Bluesky channel has no app password: reconnect it.")
        try:
            client.login(identifier, password, fetch_bsky_profile=False)
        except Exception as exc:
            raise map_error(exc, write=False) from exc

    def client(self) -> Client:
        """A signed-in client, from the stored session when there is one (no login spent)."""
        if self._client is None:
            client = self._new_client()
            session = self._credentials_now().get("session")
            if session:
                client.login(session_string=session, fetch_bsky_profile=False)
            else:
                self._login(client)
            self._client = client
        return self._client

    @property
    def did(self) -> str:
        session = self.client()._session
        if session is None:
            raise AuthError("The Bluesky channel has no session: reconnect it.")
        return session.did

    def _call(self, fn: Callable[[Client], T], *, write: bool = False) -> T:
        """Run one SDK call; a refused stored session is replaced by one login, then retried."""
        try:
            return fn(self.client())
        except Exception as exc:
            mapped = map_error(exc, write=write)
            if not isinstance(mapped, AuthError) or not self._credentials_now().get("session"):
                raise mapped from exc
        # The stored session (or its refresh token) was refused; the request never ran, so
        # signing in again with the app password and repeating it is safe.
        logger.info("bluesky channel %s: stored session refused, signing in", self.channel.pk)
        self._credentials = {k: v for k, v in self._credentials_now().items() if k != "session"}
        client = self._new_client()
        self._login(client)
        self._client = client
        try:
            return fn(client)
        except Exception as exc:
            raise map_error(exc, write=write) from exc

    # Limits -----------------------------------------------------------------------------

    def text_rules(self) -> TextRules:
        return RULES

    def _check_text(self, text: str) -> None:
        # The same count the composer showed (networks.text), so nothing it accepted is refused.
        problem = too_long_message(measure(text, RULES))
        if problem:
            raise PermanentError(problem)

    def _spend(self, points: int) -> None:
        """Count write points against the hourly budget; RateLimited if they would exceed it."""
        window = int(time.time() // 3600)
        key = f"bluesky:write-points:{self.channel.pk}:{window}"
        cache.add(key, 0, timeout=3700)
        used = cache.get(key, 0)
        if used + points > WRITE_POINTS_PER_HOUR:
            retry_after = (window + 1) * 3600 - time.time()
            raise RateLimited(
                f"Bluesky allows {WRITE_POINTS_PER_HOUR} write points an hour; "
                f"{used} are used on this account.",
                retry_after=max(1.0, retry_after),
            )
        try:
            cache.incr(key, points)
        except ValueError:
            cache.set(key, points, timeout=3700)

    # Publishing -------------------------------------------------------------------------

    def _strong_ref(self, uri: str, cid: str) -> models.ComAtprotoRepoStrongRef.Main:
        return models.ComAtprotoRepoStrongRef.Main(uri=uri, cid=cid)

    def _reply_refs(self, network_id: str) -> models.AppBskyFeedPost.ReplyRef:
        """Root and parent of a reply to ``network_id`` (anyone's post, read via the AppView)."""
        split_uri(network_id)
        found = self._call(
            lambda c: c.app.bsky.feed.get_posts(
                models.AppBskyFeedGetPosts.Params(uris=[network_id])
            )
        )
        if not found.posts:
            raise PermanentError("The Bluesky post being answered no longer exists.")
        parent_view = found.posts[0]
        parent = self._strong_ref(parent_view.uri, parent_view.cid)
        existing = getattr(parent_view.record, "reply", None)
        root = self._strong_ref(existing.root.uri, existing.root.cid) if existing else parent
        return models.AppBskyFeedPost.ReplyRef(root=root, parent=parent)

    def _embed(self, images: tuple[OutgoingImage, ...]) -> models.AppBskyEmbedImages.Main | None:
        if not images:
            return None
        if len(images) > RULES.max_images:
            raise PermanentError(f"Bluesky takes at most {RULES.max_images} images a post.")
        embedded = []
        for image in images:
            if len(image.content) > MAX_IMAGE_BYTES:
                raise PermanentError(
                    f"An image of {len(image.content):,} bytes is over Bluesky's "
                    f"{MAX_IMAGE_BYTES:,}."
                )
            uploaded = self._call(lambda c, data=image.content: c.upload_blob(data), write=True)
            ratio = (
                models.AppBskyEmbedDefs.AspectRatio(width=image.width, height=image.height)
                if image.width and image.height
                else None
            )
            embedded.append(
                models.AppBskyEmbedImages.Image(
                    alt=image.alt_text, image=uploaded.blob, aspect_ratio=ratio
                )
            )
        return models.AppBskyEmbedImages.Main(images=embedded)

    def _get_own(self, rkey: str) -> models.ComAtprotoRepoGetRecord.Response | None:
        did = self.did
        try:
            return self._call(
                lambda c: c.com.atproto.repo.get_record(
                    models.ComAtprotoRepoGetRecord.Params(
                        repo=did, collection=POST_COLLECTION, rkey=rkey
                    )
                )
            )
        except PermanentError as exc:
            if "RecordNotFound" in str(exc):
                return None
            raise

    def publish(self, post: OutgoingPost) -> SendResult:
        if post.private:
            raise PermanentError("Beatdesk does not send Bluesky direct messages.")
        if not post.parts:
            raise PermanentError("Nothing to send: the post has no text.")
        for part in post.parts:
            self._check_text(part.text)
        did = self.did
        refs = self._reply_refs(post.reply_to) if post.reply_to else None
        root = refs.root if refs else None
        parent = refs.parent if refs else None
        ids: list[str] = []
        for index, part in enumerate(post.parts):
            rkey = record_key_for(post.key, index)
            # A part already there under its key was sent by an earlier attempt: keep it.
            existing = self._get_own(rkey)
            if existing is None:
                existing = self._create(did, rkey, part, root=root, parent=parent)
            ref = self._strong_ref(existing.uri, existing.cid)
            ids.append(existing.uri)
            root = root or ref
            parent = ref
        logger.info(
            "bluesky channel %s: published %s (%d parts)", self.channel.pk, ids[0], len(ids)
        )
        return SendResult(network_id=ids[0], url=self._url(ids[0]), part_ids=tuple(ids))

    def _create(self, did: str, rkey: str, part, *, root, parent):
        """Create one part under its derived key; a record already there is the same send."""
        client = self.client()
        facets = self._call(lambda c: c.detect_facets(part.text)) or None
        record = models.AppBskyFeedPost.Record(
            text=part.text,
            created_at=client.get_current_time_iso(),
            facets=facets,
            embed=self._embed(part.images),
            reply=models.AppBskyFeedPost.ReplyRef(root=root, parent=parent) if parent else None,
            langs=["en"],
        )
        self._spend(CREATE_POINTS)
        try:
            return self._call(
                lambda c: c.com.atproto.repo.create_record(
                    models.ComAtprotoRepoCreateRecord.Data(
                        repo=did, collection=POST_COLLECTION, rkey=rkey, record=record
                    )
                ),
                write=True,
            )
        except (TemporaryError, OutcomeUnknown) as exc:
            if isinstance(exc, RateLimited):
                raise
            # The PDS answers a second create of the same key with an error (500 today); if
            # the record is there, this send already happened.
            found = self._get_reading_back(rkey)
            if found is None:
                raise
            logger.info("bluesky channel %s: %s was already there", self.channel.pk, found.uri)
            return found

    def _get_reading_back(self, rkey: str):
        try:
            return self._get_own(rkey)
        except TransportError:
            return None

    def _url(self, uri: str) -> str:
        return post_url(self.channel.handle or split_uri(uri)[0], uri)

    def edit(self, network_id: str, post: OutgoingPost) -> SendResult:
        raise PermanentError("Bluesky posts cannot be edited; delete and post again.")

    def delete(self, network_id: str) -> None:
        did, collection, rkey = split_uri(network_id)
        if did != self.did:
            raise PermanentError("That Bluesky post belongs to another account.")
        self._spend(DELETE_POINTS)
        self._call(
            lambda c: c.com.atproto.repo.delete_record(
                models.ComAtprotoRepoDeleteRecord.Data(repo=did, collection=collection, rkey=rkey)
            ),
            write=True,
        )

    def reconcile(self, post: OutgoingPost, *, sent_after: datetime) -> SendResult | None:
        """Read the send back by its derived keys; else look for it among recent posts.

        A thread counts as sent only when every part is there: if not, publishing again is
        safe (parts already there are found by key, not written twice) and finishes it.
        """
        ids = []
        for index in range(len(post.parts)):
            found = self._get_own(record_key_for(post.key, index))
            if found is None:
                break
            ids.append(found.uri)
        if ids and len(ids) == len(post.parts):
            return SendResult(network_id=ids[0], url=self._url(ids[0]), part_ids=tuple(ids))
        if ids:
            return None
        return self._find_recent(post, sent_after=sent_after)

    def _find_recent(self, post: OutgoingPost, *, sent_after: datetime) -> SendResult | None:
        """Posts sent without a derived key (an older version, or by hand) match by text and time."""
        if len(post.parts) != 1:
            return None
        did = self.did
        feed = self._call(
            lambda c: c.app.bsky.feed.get_author_feed(
                models.AppBskyFeedGetAuthorFeed.Params(
                    actor=did, filter="posts_with_replies", limit=50
                )
            )
        )
        earliest = sent_after - timedelta(minutes=1)
        for item in feed.feed:
            record = item.post.record
            if item.post.author.did != did or getattr(record, "text", None) != post.parts[0].text:
                continue
            created = datetime.fromisoformat(record.created_at.replace("Z", "+00:00"))
            if created >= earliest:
                uri = item.post.uri
                return SendResult(network_id=uri, url=self._url(uri), part_ids=(uri,))
        return None

    # Listening --------------------------------------------------------------------------

    def fetch(self, *, cursor: str | None) -> FetchResult:
        """Mentions, replies and quotes newer than ``cursor``, oldest first.

        Notifications are listed newest first, a page at a time, back to the newest one already
        read (its ``indexedAt``: the AppView stamps each notification when it indexes it, so
        nothing new can carry an older time). A poll reads at most ``MAX_NOTIFICATION_PAGES``;
        when more are waiting (a busy moment, or a backlog after an outage), the place it
        stopped is kept as a *gap* (the list's own page cursor, and the time to read back to)
        and the next polls read on from there, after the newest: nothing is skipped. The
        cursor is the newest time read, or, while gaps remain, a JSON object
        ``{"newest": ..., "gaps": [[page, until], ...]}``.

        A reply that also mentions the account arrives as a single ``mention`` notification, so
        the kind is read from the post itself: a post that answers another is a reply.
        """
        newest, gaps = _read_cursor(cursor)
        found: dict[str, IncomingMessage] = {}
        budget = [MAX_NOTIFICATION_PAGES]
        top_newest, top_gap = self._read_back(None, newest, found, budget)
        remaining = []
        for page, until in gaps:
            if budget[0] <= 0:
                remaining.append([page, until])
                continue
            _, gap = self._read_back(page, until, found, budget)
            if gap is not None:
                remaining.append(gap)
        if top_gap is not None:
            remaining.insert(0, top_gap)
            logger.warning(
                "bluesky channel %s: more notifications than %s pages in one poll; the rest "
                "are read by the next polls",
                self.channel.pk,
                MAX_NOTIFICATION_PAGES,
            )
        messages = sorted(
            found.values(), key=lambda m: m.created_at or datetime.min.replace(tzinfo=UTC)
        )
        return FetchResult(messages=messages, cursor=_write_cursor(top_newest, remaining))

    def _read_back(
        self, page: str | None, until: str | None, found: dict, budget: list[int]
    ) -> tuple[str | None, list | None]:
        """Read notifications from ``page`` (None: the newest) back to ``until`` (an
        ``indexedAt``; None on a channel's first poll: as far as the budget goes), spending
        ``budget`` pages, into ``found``. Returns the newest time read (or ``until``) and the
        gap left, ``[page, until]``, when the budget ran out before ``until``."""
        newest = until
        while budget[0] > 0:
            budget[0] -= 1
            response = self._call(
                lambda c, page=page: c.app.bsky.notification.list_notifications(
                    models.AppBskyNotificationListNotifications.Params(
                        limit=NOTIFICATION_PAGE, cursor=page, reasons=list(INCOMING_REASONS)
                    )
                )
            )
            for notification in response.notifications:
                if until and notification.indexed_at <= until:
                    return newest, None
                if newest is None or notification.indexed_at > newest:
                    newest = notification.indexed_at
                if notification.reason not in INCOMING_REASONS or notification.uri in found:
                    continue
                found[notification.uri] = self._incoming(notification)
            if not response.cursor:
                return newest, None
            page = response.cursor
        return newest, ([page, until] if until else None)

    def _incoming(self, notification) -> IncomingMessage:
        record = notification.record
        reply = getattr(record, "reply", None)
        created_text = getattr(record, "created_at", None) or notification.indexed_at
        try:
            created = datetime.fromisoformat(created_text.replace("Z", "+00:00"))
        except ValueError:
            created = datetime.fromisoformat(notification.indexed_at.replace("Z", "+00:00"))
        author = notification.author
        return IncomingMessage(
            network_id=notification.uri,
            text=getattr(record, "text", "") or "",
            author_handle=author.handle,
            author_name=author.display_name or "",
            kind="reply" if reply is not None else "mention",
            in_reply_to=reply.parent.uri if reply is not None else None,
            created_at=created,
            url=post_url(author.handle, notification.uri),
        )

    def profile(self) -> Profile:
        did = self.did
        found = self._call(
            lambda c: c.app.bsky.actor.get_profile(models.AppBskyActorGetProfile.Params(actor=did))
        )
        return Profile(
            handle=found.handle,
            display_name=found.display_name or "",
            url=profile_url(found.handle),
            avatar_url=found.avatar or "",
        )


def verify_login(
    *, identifier: str, app_password: str, service: str, http: httpx.BaseTransport | None = None
) -> dict:
    """Sign in once with an app password; the facts and session a channel connection keeps.

    Raises AuthError for a wrong handle or password, TemporaryError when the server cannot be
    reached, as the transport does.
    """
    options: dict[str, Any] = {"timeout": TIMEOUT}
    if http is not None:
        options["transport"] = http
    client = Client(base_url=service, request=Request(**options))
    try:
        client.login(identifier, app_password, fetch_bsky_profile=False)
    except Exception as exc:
        mapped = map_error(exc, write=False)
        if isinstance(mapped, PermanentError) and mapped.status in (400, 401):
            raise AuthError("Bluesky did not accept that handle and app password.") from exc
        raise mapped from exc
    session = client._session
    assert session is not None
    return {
        "did": session.did,
        "handle": session.handle,
        "session": session.encode(),
    }


def _read_cursor(cursor: str | None) -> tuple[str | None, list[list[str]]]:
    """The newest time read and the gaps left to read (see ``BlueskyTransport.fetch``)."""
    if not cursor or not cursor.startswith("{"):
        return cursor, []
    try:
        state = json.loads(cursor)
        gaps = [[str(page), str(until)] for page, until in state.get("gaps", [])]
        return state.get("newest"), gaps
    except (ValueError, TypeError, AttributeError):
        return None, []


def _write_cursor(newest: str | None, gaps: list[list[str]]) -> str | None:
    if not gaps:
        return newest
    return json.dumps({"newest": newest, "gaps": gaps}, separators=(",", ":"))
