"""X (formerly Twitter), through tweepy's API v2 client with an OAuth 2.0 user token.

Images go through the v2 media upload endpoint with their alt text set by the media metadata
endpoint. X has no idempotency key, and it refuses an exact duplicate of a recent post with a
403: that refusal means the post is already there, so it is treated as an unknown outcome and
reconciled (found among the account's recent posts) rather than failed or resent.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import requests
import tweepy

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
)

API = "https://api.twitter.com"
TIMEOUT = (5, 20)
URL_RE = re.compile(r"https?://\S+")
T = TypeVar("T")
# Pages of (up to) 100 mentions read per poll; X serves the most recent 800 mentions at most.
MAX_MENTION_PAGES = 8

logger = logging.getLogger("beatdesk.networks")


def _comparable(text: str) -> str:
    # X rewrites links to t.co: compare posts without their links.
    return " ".join(URL_RE.sub("", text).split())


class XTransport:
    network = "x"
    supports_edit = False  # the API cannot edit posts
    supports_delete = True

    def __init__(
        self, *, access_token: str, user_id: str | None = None, client: tweepy.Client | None = None
    ):
        self.access_token = access_token
        self.client = client or tweepy.Client(bearer_token=access_token)
        self._user_id = user_id

    def _call(self, fn: Callable[..., T], *args: Any, sends: bool = False, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except tweepy.TooManyRequests as exc:
            reset = (
                exc.response.headers.get("x-rate-limit-reset") if exc.response is not None else None
            )
            retry_after = max(1.0, float(reset) - time.time()) if reset else 15 * 60.0
            raise RateLimited("X rate limit reached", retry_after=retry_after, status=429) from exc
        except tweepy.Unauthorized as exc:
            raise AuthError(f"X refused the access token: {_message(exc)}", status=401) from exc
        except tweepy.Forbidden as exc:
            message = _message(exc)
            if "duplicate" in message.lower():
                raise OutcomeUnknown(
                    f"X says this post already exists: {message}", status=403
                ) from exc
            raise AuthError(f"X forbids this for the account: {message}", status=403) from exc
        except tweepy.NotFound as exc:
            raise PermanentError(f"Not found on X: {_message(exc)}", status=404) from exc
        except tweepy.BadRequest as exc:
            raise PermanentError(f"X refused the request: {_message(exc)}", status=400) from exc
        except tweepy.TwitterServerError as exc:
            status = exc.response.status_code if exc.response is not None else None
            raise TemporaryError(f"X server error {status}", status=status) from exc
        except (requests.exceptions.ConnectTimeout, requests.exceptions.SSLError) as exc:
            raise TemporaryError(f"Could not reach X: {exc}") from exc
        except requests.exceptions.RequestException as exc:
            if sends and not _refused(exc):
                raise OutcomeUnknown(f"No answer from X after sending: {exc}") from exc
            raise TemporaryError(f"Could not reach X: {exc}") from exc

    def _upload(self, image: OutgoingImage) -> str:
        def upload() -> str:
            response = self.client.session.post(
                f"{API}/2/media/upload",
                headers={"Authorization": f"Bearer {self.access_token}"},
                files={"media": ("image", image.content, image.mime_type)},
                data={"media_category": "tweet_image", "media_type": image.mime_type},
                timeout=TIMEOUT,
            )
            _raise_for(response)
            media_id = str(response.json()["data"]["id"])
            metadata = self.client.session.post(
                f"{API}/2/media/metadata",
                headers={"Authorization": f"Bearer {self.access_token}"},
                json={"id": media_id, "metadata": {"alt_text": {"text": image.alt_text[:1000]}}},
                timeout=TIMEOUT,
            )
            _raise_for(metadata)
            return media_id

        return self._call(upload)

    def text_rules(self) -> TextRules:
        return TextRules(network="x", limit=280, method="x-weighted", url_length=23, max_images=4)

    def user_id(self) -> str:
        if self._user_id is None:
            me = self._call(self.client.get_me, user_auth=False)
            self._user_id = str(me.data.id)
        return self._user_id

    def publish(self, post: OutgoingPost) -> SendResult:
        if post.private:
            raise PermanentError(
                "Direct messages on X are not supported; reply publicly or by phone."
            )
        ids: list[str] = []
        parent = post.reply_to
        for part in post.parts:
            media_ids = [self._upload(image) for image in part.images]
            created = self._call(
                self.client.create_tweet,
                text=part.text,
                media_ids=media_ids or None,
                in_reply_to_tweet_id=parent,
                user_auth=False,
                sends=True,
            )
            ids.append(str(created.data["id"]))
            parent = ids[-1]
        return SendResult(
            network_id=ids[0], url=f"https://x.com/i/web/status/{ids[0]}", part_ids=tuple(ids)
        )

    def edit(self, network_id: str, post: OutgoingPost) -> SendResult:
        raise PermanentError(
            "X does not allow editing posts through its API; delete and post again."
        )

    def delete(self, network_id: str) -> None:
        try:
            self._call(self.client.delete_tweet, network_id, user_auth=False)
        except PermanentError as exc:
            if exc.status != 404:
                raise

    def reconcile(self, post: OutgoingPost, *, sent_after: datetime) -> SendResult | None:
        recent = self._call(
            self.client.get_users_tweets,
            self.user_id(),
            start_time=sent_after,
            max_results=100,
            tweet_fields=["created_at", "in_reply_to_user_id"],
            user_auth=False,
        )
        wanted = [_comparable(part.text) for part in post.parts]
        found: dict[int, str] = {}
        for tweet in sorted(recent.data or [], key=lambda t: int(t.id)):
            text = _comparable(tweet.text)
            for index, expected in enumerate(wanted):
                if index not in found and text == expected:
                    found[index] = str(tweet.id)
                    break
        if 0 not in found:
            return None
        ids = tuple(found[i] for i in sorted(found))
        return SendResult(
            network_id=ids[0], url=f"https://x.com/i/web/status/{ids[0]}", part_ids=ids
        )

    def fetch(self, *, cursor: str | None) -> FetchResult:
        """Mentions of the account since ``cursor``, oldest first.

        X returns mentions newest first, a page (``max_results``) at a time, with
        ``meta.next_token`` pointing at the next older page (down towards ``since_id``). A
        poll follows those tokens up to ``MAX_MENTION_PAGES`` pages. The cursor is normally
        the newest tweet id read. The first poll (no cursor) reads one page only.

        When the page limit is reached and X still offers an older page, the mentions
        between the old cursor and the oldest one read are a gap not read yet. Moving the
        cursor to the newest id would lose them, and keeping the old cursor would make every
        later poll read the same newest pages again without ever reaching the gap if the
        backlog stays larger than the limit. So the cursor records the gap:
        ``{"newest": N, "gap": [S, U]}`` (JSON), meaning everything up to N has been read
        except the tweets with S < id < U. The next poll reads the gap first
        (``since_id=S``, ``until_id=U``, paging as usual; what it cannot finish shrinks the
        gap to above S and below the oldest id it read), then, once the gap is closed, new
        mentions since N. A warning is logged whenever a poll leaves a gap. X itself only
        serves the most recent 800 mentions, so a gap older than that cannot be read by
        anyone.
        """
        tweets: dict[str, Any] = {}
        users: dict[str, Any] = {}
        newest, gap = _read_cursor(cursor)
        if newest is None:
            self._read_mentions(tweets, users, since_id=None, pages=1)
            return FetchResult(
                messages=_messages(tweets, users), cursor=max(tweets, key=int, default=None)
            )
        budget = MAX_MENTION_PAGES
        if gap is not None:
            since, until = gap
            used, unread = self._read_mentions(
                tweets, users, since_id=since, until_id=until, pages=budget
            )
            budget -= used
            gap = None if unread is None else (since, unread)
        if gap is None and budget > 0:
            before = set(tweets)
            _, unread = self._read_mentions(tweets, users, since_id=newest, pages=budget)
            read = [id_ for id_ in tweets if id_ not in before]
            if read:
                if unread is not None:
                    gap = (newest, unread)
                newest = max(read, key=int)
        if gap is not None:
            logger.warning(
                "X mentions for user %s: more than %s pages in one poll; "
                "mentions %s to %s are left for the next poll",
                self.user_id(),
                MAX_MENTION_PAGES,
                gap[0],
                gap[1],
            )
        return FetchResult(messages=_messages(tweets, users), cursor=_write_cursor(newest, gap))

    def _read_mentions(
        self,
        tweets: dict[str, Any],
        users: dict[str, Any],
        *,
        since_id: str | None,
        until_id: str | None = None,
        pages: int,
    ) -> tuple[int, str | None]:
        """Read up to ``pages`` pages of mentions between ``since_id`` and ``until_id`` into
        ``tweets`` and ``users`` (by id). Returns the pages used and, when X still offered an
        older page, the id below which nothing has been read (the oldest read, or
        ``until_id``); None when everything was read."""
        token = None
        oldest = until_id
        for used in range(1, pages + 1):
            response = self._call(
                self.client.get_users_mentions,
                self.user_id(),
                since_id=since_id,
                until_id=until_id,
                pagination_token=token,
                max_results=100,
                expansions=["author_id", "referenced_tweets.id"],
                tweet_fields=["created_at", "conversation_id", "referenced_tweets", "author_id"],
                user_fields=["username", "name"],
                user_auth=False,
            )
            users.update({str(u.id): u for u in (response.includes or {}).get("users", [])})
            for tweet in response.data or []:
                tweets[str(tweet.id)] = tweet
                if oldest is None or int(tweet.id) < int(oldest):
                    oldest = str(tweet.id)
            token = (response.meta or {}).get("next_token")
            if not token:
                return used, None
        return pages, oldest

    def profile(self) -> Profile:
        me = self._call(
            self.client.get_me,
            user_fields=["profile_image_url", "username", "name"],
            user_auth=False,
        )
        return Profile(
            handle=me.data.username,
            display_name=me.data.name,
            url=f"https://x.com/{me.data.username}",
            avatar_url=getattr(me.data, "profile_image_url", "") or "",
        )


def _messages(tweets: dict[str, Any], users: dict[str, Any]) -> list[IncomingMessage]:
    messages: list[IncomingMessage] = []
    for tweet in sorted(tweets.values(), key=lambda t: int(t.id)):
        author = users.get(str(tweet.author_id))
        parent = next(
            (str(ref.id) for ref in (tweet.referenced_tweets or []) if ref.type == "replied_to"),
            None,
        )
        messages.append(
            IncomingMessage(
                network_id=str(tweet.id),
                text=tweet.text,
                author_handle=author.username if author else str(tweet.author_id),
                author_name=author.name if author else "",
                kind="reply" if parent else "mention",
                in_reply_to=parent,
                created_at=tweet.created_at,
                url=f"https://x.com/i/web/status/{tweet.id}",
            )
        )
    return messages


def _read_cursor(cursor: str | None) -> tuple[str | None, tuple[str, str] | None]:
    """The newest id read and the gap left to read, if any (see ``XTransport.fetch``); an
    unreadable cursor counts as none (a first poll) rather than stopping the channel."""
    if not cursor or not cursor.startswith("{"):
        return cursor or None, None
    try:
        state = json.loads(cursor)
        gap = state.get("gap")
        return str(state["newest"]), (str(gap[0]), str(gap[1])) if gap else None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        logger.warning("unreadable X cursor %r: reading as on a first poll", cursor)
        return None, None


def _write_cursor(newest: str, gap: tuple[str, str] | None) -> str:
    if gap is None:
        return newest
    return json.dumps({"newest": newest, "gap": list(gap)}, separators=(",", ":"))


def _message(exc: tweepy.HTTPException) -> str:
    return "; ".join(
        exc.api_messages or (exc.api_errors and [str(e) for e in exc.api_errors]) or [str(exc)]
    )


def _refused(exc: requests.exceptions.RequestException) -> bool:
    text = str(exc)
    return isinstance(exc, requests.exceptions.ConnectionError) and any(
        s in text
        for s in (
            "NewConnectionError",
            "Connection refused",
            "Failed to resolve",
            "Name or service not known",
        )
    )


def _raise_for(response: requests.Response) -> None:
    """Media endpoints are called on tweepy's session directly; raise tweepy's own errors."""
    if response.status_code == 400:
        raise tweepy.BadRequest(response)
    if response.status_code == 401:
        raise tweepy.Unauthorized(response)
    if response.status_code == 403:
        raise tweepy.Forbidden(response)
    if response.status_code == 404:
        raise tweepy.NotFound(response)
    if response.status_code == 429:
        raise tweepy.TooManyRequests(response)
    if response.status_code >= 500:
        raise tweepy.TwitterServerError(response)
    if not response.ok:
        raise tweepy.HTTPException(response)


def make_transport(channel) -> XTransport:
    from beatdesk.networks.selectors import channel_credentials
    from beatdesk.networks.x.connect import fresh_credentials

    secrets = channel_credentials(channel)
    if not secrets.get("access_token"):
        raise AuthError("This X channel is not connected yet.")
    secrets = fresh_credentials(channel, secrets)
    return XTransport(access_token=secrets["access_token"], user_id=channel.config.get("user_id"))
