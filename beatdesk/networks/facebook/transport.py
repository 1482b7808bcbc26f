"""Facebook Pages, through the Graph API with httpx.

A Page has no threads: the parts of a thread are published as one post, separated by blank
lines (the 63,206-character limit leaves room). Images are uploaded unpublished with their alt
text and attached to the post. Replies to comments are comments; replies to Messenger
conversations use the Send API with ``messaging_type=RESPONSE``. The Graph API has no
idempotency key, so an ambiguous send is reconciled by reading the Page's recent posts.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

import httpx

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
)

GRAPH_URL = "https://graph.facebook.com"
GRAPH_VERSION = "v21.0"
FACEBOOK_LIMIT = 63_206
TIMEOUT = httpx.Timeout(20.0, connect=5.0)

# Graph API error codes (developers.facebook.com/docs/graph-api/guides/error-handling).
AUTH_CODES = {102, 190, 10, 200, 458, 459, 460, 463, 464, 467}
RATE_CODES = {4, 17, 32, 341, 368, 613, 80001}
TEMPORARY_CODES = {1, 2}


def _retry_after(response: httpx.Response) -> float:
    """Seconds until access returns, from the usage headers (minutes) or a default."""
    for header in ("x-business-use-case-usage", "x-app-usage", "x-page-usage"):
        raw = response.headers.get(header)
        if not raw:
            continue
        try:
            usage = json.loads(raw)
        except ValueError:
            continue
        entries = (
            [e for values in usage.values() for e in values]
            if header.startswith("x-business")
            else [usage]
        )
        minutes = [
            e.get("estimated_time_to_regain_access", 0) for e in entries if isinstance(e, dict)
        ]
        if minutes and max(minutes) > 0:
            return float(max(minutes) * 60)
    return 15 * 60.0


class FacebookTransport:
    network = "facebook"
    supports_edit = True
    supports_delete = True

    def __init__(self, *, page_id: str, page_token: str, client: httpx.Client | None = None):
        self.page_id = page_id
        self.page_token = page_token
        self.http = client or httpx.Client(base_url=f"{GRAPH_URL}/{GRAPH_VERSION}", timeout=TIMEOUT)

    def _request(self, method: str, path: str, *, sends: bool = False, **kwargs: Any) -> dict:
        # The token travels in the Authorization header, never in a URL that could be logged.
        headers = {"Authorization": f"Bearer {self.page_token}"}
        try:
            response = self.http.request(method, path, headers=headers, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise TemporaryError(f"Could not reach Facebook: {exc}") from exc
        except httpx.TimeoutException as exc:
            if sends:
                raise OutcomeUnknown(
                    f"Facebook did not answer after the request was sent: {exc}"
                ) from exc
            raise TemporaryError(f"Facebook timed out: {exc}") from exc
        except httpx.TransportError as exc:
            if sends:
                raise OutcomeUnknown(
                    f"The connection to Facebook broke after sending: {exc}"
                ) from exc
            raise TemporaryError(f"The connection to Facebook broke: {exc}") from exc
        if response.is_success:
            return response.json() if response.content else {}
        try:
            error = response.json().get("error", {})
        except ValueError:
            error = {}
        code = error.get("code")
        message = error.get("message") or response.reason_phrase
        status = response.status_code
        if code in AUTH_CODES or status == 401:
            raise AuthError(f"Facebook refused the Page token: {message}", status=status)
        if code in RATE_CODES or status == 429:
            raise RateLimited(
                f"Facebook rate limit: {message}", retry_after=_retry_after(response), status=status
            )
        if code in TEMPORARY_CODES or status >= 500:
            raise TemporaryError(f"Facebook had a temporary problem: {message}", status=status)
        if status == 403:
            raise AuthError(f"Facebook forbids this for the Page: {message}", status=status)
        raise PermanentError(f"Facebook refused the request: {message}", status=status)

    def text_rules(self) -> TextRules:
        return TextRules(
            network="facebook", limit=FACEBOOK_LIMIT, method="characters", max_images=4
        )

    @staticmethod
    def joined_text(post: OutgoingPost) -> str:
        return "\n\n".join(part.text for part in post.parts)

    def publish(self, post: OutgoingPost) -> SendResult:
        text = self.joined_text(post)
        if post.reply_to:
            return self._reply(post, text)
        photo_ids = []
        for part in post.parts:
            for image in part.images:
                uploaded = self._request(
                    "POST",
                    f"/{self.page_id}/photos",
                    data={"published": "false", "alt_text_custom": image.alt_text},
                    files={"source": ("image", image.content, image.mime_type)},
                )
                photo_ids.append(uploaded["id"])
        data: dict[str, str] = {"message": text}
        for i, photo_id in enumerate(photo_ids):
            data[f"attached_media[{i}]"] = json.dumps({"media_fbid": photo_id})
        created = self._request("POST", f"/{self.page_id}/feed", data=data, sends=True)
        post_id = created["id"]
        return SendResult(
            network_id=post_id, url=f"https://www.facebook.com/{post_id}", part_ids=(post_id,)
        )

    def _reply(self, post: OutgoingPost, text: str) -> SendResult:
        if post.private:
            sent = self._request(
                "POST",
                f"/{self.page_id}/messages",
                json={
                    "recipient": {"id": post.recipient or post.reply_to},
                    "messaging_type": "RESPONSE",
                    "message": {"text": text},
                },
                sends=True,
            )
            return SendResult(
                network_id=sent.get("message_id", ""), part_ids=(sent.get("message_id", ""),)
            )
        created = self._request(
            "POST", f"/{post.reply_to}/comments", data={"message": text}, sends=True
        )
        return SendResult(
            network_id=created["id"],
            url=f"https://www.facebook.com/{created['id']}",
            part_ids=(created["id"],),
        )

    def edit(self, network_id: str, post: OutgoingPost) -> SendResult:
        self._request(
            "POST", f"/{network_id}", data={"message": self.joined_text(post)}, sends=True
        )
        return SendResult(
            network_id=network_id,
            url=f"https://www.facebook.com/{network_id}",
            part_ids=(network_id,),
        )

    def delete(self, network_id: str) -> None:
        try:
            self._request("DELETE", f"/{network_id}")
        except PermanentError as exc:
            if exc.status != 404 and "does not exist" not in str(exc):
                raise

    def reconcile(self, post: OutgoingPost, *, sent_after: datetime) -> SendResult | None:
        if post.reply_to:
            listing = self._request(
                "GET",
                f"/{post.reply_to}/comments",
                params={"fields": "id,message,created_time,from", "order": "reverse_chronological"},
            )
        else:
            listing = self._request(
                "GET",
                f"/{self.page_id}/posts",
                params={
                    "fields": "id,message,created_time",
                    "since": int(sent_after.timestamp()) - 60,
                },
            )
        wanted = " ".join(self.joined_text(post).split())
        for item in listing.get("data", []):
            if " ".join((item.get("message") or "").split()) == wanted:
                return SendResult(
                    network_id=item["id"],
                    url=f"https://www.facebook.com/{item['id']}",
                    part_ids=(item["id"],),
                )
        return None

    def fetch(self, *, cursor: str | None) -> FetchResult:
        """Comments on the Page's recent posts since the cursor (a Unix time); webhooks are faster."""
        since = int(cursor) if cursor else int(time.time()) - 24 * 3600
        listing = self._request(
            "GET",
            f"/{self.page_id}/feed",
            params={
                "fields": f"id,comments.since({since}).limit(100){{id,message,from{{id,name}},created_time,parent{{id}}}}",
                "limit": 25,
            },
        )
        messages: list[IncomingMessage] = []
        newest = since
        for item in listing.get("data", []):
            for comment in (item.get("comments") or {}).get("data", []):
                author = comment.get("from") or {}
                if author.get("id") == self.page_id:
                    continue  # our own replies
                created = datetime.fromisoformat(comment["created_time"].replace("+0000", "+00:00"))
                newest = max(newest, int(created.timestamp()) + 1)
                parent = (comment.get("parent") or {}).get("id") or item["id"]
                messages.append(
                    IncomingMessage(
                        network_id=comment["id"],
                        text=comment.get("message", ""),
                        author_handle=str(author.get("id", "")),
                        author_name=str(author.get("name", "")),
                        kind="reply",
                        in_reply_to=parent,
                        created_at=created,
                        url=f"https://www.facebook.com/{comment['id']}",
                    )
                )
        return FetchResult(messages=messages, cursor=str(newest))

    def profile(self) -> Profile:
        page = self._request(
            "GET", f"/{self.page_id}", params={"fields": "id,name,link,picture{url}"}
        )
        return Profile(
            handle=page.get("id", ""),
            display_name=page.get("name", ""),
            url=page.get("link", ""),
            avatar_url=((page.get("picture") or {}).get("data") or {}).get("url", ""),
        )


def make_transport(channel) -> FacebookTransport:
    from beatdesk.networks.selectors import channel_credentials

    secrets = channel_credentials(channel)
    if not secrets.get("page_token"):
        raise AuthError("This Facebook channel is not connected yet.")
    return FacebookTransport(
        page_id=channel.config.get("page_id", ""), page_token=secrets["page_token"]
    )
