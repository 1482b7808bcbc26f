"""Facebook webhooks: the verify-token handshake and signed deliveries.

A delivery is accepted only when ``X-Hub-Signature-256`` is the HMAC-SHA256 of the raw body with
the app secret, compared in constant time. Accepted comments and messages go to the inbox's one
ingestion service.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from beatdesk.networks.base import IncomingMessage


def signature_valid(*, raw_body: bytes, header: str | None, app_secret: str) -> bool:
    if not header or not header.startswith("sha256=") or not app_secret:
        return False
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


def messages_from_payload(payload: dict, *, page_id: str) -> list[IncomingMessage]:
    """Comments (feed changes) and Messenger messages addressed to the Page."""
    found: list[IncomingMessage] = []
    for entry in payload.get("entry", []):
        for change in entry.get("changes", []):
            value = change.get("value") or {}
            if (
                change.get("field") != "feed"
                or value.get("item") != "comment"
                or value.get("verb") != "add"
            ):
                continue
            author = value.get("from") or {}
            if author.get("id") == page_id:
                continue
            created = value.get("created_time")
            found.append(
                IncomingMessage(
                    network_id=str(value.get("comment_id", "")),
                    text=str(value.get("message", "")),
                    author_handle=str(author.get("id", "")),
                    author_name=str(author.get("name", "")),
                    kind="reply",
                    in_reply_to=str(value.get("parent_id") or value.get("post_id") or "") or None,
                    created_at=datetime.fromtimestamp(created, UTC)
                    if isinstance(created, int)
                    else None,
                )
            )
        for event in entry.get("messaging", []):
            message = event.get("message") or {}
            sender = (event.get("sender") or {}).get("id", "")
            if not message.get("mid") or message.get("is_echo") or sender == page_id:
                continue
            stamp = event.get("timestamp")
            found.append(
                IncomingMessage(
                    network_id=str(message["mid"]),
                    text=str(message.get("text", "")),
                    author_handle=str(sender),
                    kind="direct",
                    in_reply_to=None,
                    created_at=datetime.fromtimestamp(stamp / 1000, UTC)
                    if isinstance(stamp, int)
                    else None,
                )
            )
    return found
