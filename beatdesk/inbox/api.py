"""POST /api/v1/inbox/messages: external or bulk feeds push messages into the inbox.

Authenticated with a per-force key (``Authorization: Bearer bdi_...``; only its hash is
stored). Every message goes through the same ingestion service as the hub form, so duplicates
are stored once and triage runs at arrival.

Body: one message object, or ``{"messages": [...]}`` with up to 500. A message has ``text``
(required), ``account`` (slug) and ``network`` (the channel: hub, x, mastodon...), ``id`` (the
network's id, for deduplication), ``author_handle``, ``author_name``, ``kind`` (mention, reply,
direct, hub_form), ``in_reply_to`` and ``received_at`` (ISO 8601).

By default the messages are triaged and stored before the response (201, each message's
triage). A feed with a large backlog sends ``Prefer: respond-async`` (RFC 7240): the messages
are checked and taken in at once (202, ``{"accepted": n}``), and the worker triages and stores
them most urgent first (``inbox.arrivals``), so an emergency at the end of a burst of thousands
is not kept waiting behind the rest.
"""

from __future__ import annotations

import hmac
import json

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from beatdesk.core.context import Origin, current_origin, origin
from beatdesk.forces.models import Account, Channel
from beatdesk.inbox.arrivals import messages_receive
from beatdesk.inbox.ingest import messages_ingest
from beatdesk.inbox.models import InboxApiKey, Message
from beatdesk.inbox.selectors import force_triage_data

MAX_BATCH = 500


def _key_from(request: HttpRequest) -> InboxApiKey | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    raw = header.removeprefix("Bearer ").strip()
    parts = raw.split("_")
    if len(parts) < 3 or parts[0] != "bdi":
        return None
    key = (
        InboxApiKey.objects.select_related("force__policy")
        .filter(prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if key is None or not hmac.compare_digest(key.key_hash, InboxApiKey.hash_key(raw)):
        return None
    return key


def _error(status: int, message: str, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _parse(item: object, accounts: dict[str, Account], channels: dict) -> dict:
    if not isinstance(item, dict):
        raise ValidationError("Each message must be a JSON object.")
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValidationError("'text' is required.")
    account = accounts.get(str(item.get("account") or ""))
    if account is None:
        raise ValidationError("'account' must be the slug of one of the force's accounts.")
    network = str(item.get("network") or "hub")
    channel = channels.get((account.pk, network))
    if channel is None:
        raise ValidationError(f"The account {account.slug!r} has no {network!r} channel.")
    kind = str(item.get("kind") or "mention")
    if kind not in Message.Kind.values:
        raise ValidationError(f"'kind' must be one of {', '.join(Message.Kind.values)}.")
    received_at = None
    if item.get("received_at"):
        received_at = parse_datetime(str(item["received_at"]))
        if received_at is None:
            raise ValidationError("'received_at' must be an ISO 8601 date and time.")
        if timezone.is_naive(received_at):
            raise ValidationError("'received_at' must include a time zone offset.")
    return {
        "channel": channel,
        "account": account,
        "network_id": str(item.get("id") or "")[:200] or None,
        "text": text,
        "author_handle": str(item.get("author_handle") or "")[:200],
        "author_name": str(item.get("author_name") or "")[:200],
        "kind": kind,
        "in_reply_to": str(item["in_reply_to"])[:200] if item.get("in_reply_to") else None,
        "received_at": received_at,
    }


def _prefers_async(request: HttpRequest) -> bool:
    """Whether the client asked for ``Prefer: respond-async`` (RFC 7240)."""
    preferences = request.headers.get("Prefer", "")
    return any(
        part.split(";")[0].strip().lower() == "respond-async" for part in preferences.split(",")
    )


@csrf_exempt
@require_POST
def messages(request: HttpRequest) -> JsonResponse:
    key = _key_from(request)
    if key is None:
        return _error(401, "A valid inbox API key is required (Authorization: Bearer ...).")
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        return _error(400, "The body is not valid JSON.")
    items = body.get("messages") if isinstance(body, dict) and "messages" in body else [body]
    if not isinstance(items, list) or not items:
        return _error(400, 'Send one message object or {"messages": [...]}.')
    if len(items) > MAX_BATCH:
        return _error(400, f"At most {MAX_BATCH} messages per request.")
    force = key.force
    data = force_triage_data(force_id=force.pk)
    accounts = {a.slug: a for a in Account.objects.filter(force=force, is_active=True)}
    channels = {(c.account_id, c.network): c for c in Channel.objects.filter(force=force)}
    parsed, errors = [], []
    for index, item in enumerate(items):
        try:
            parsed.append(_parse(item, accounts, channels))
        except ValidationError as exc:
            errors.append({"index": index, "error": " ".join(exc.messages)})
    if errors:
        return _error(400, "Some messages are invalid; none were stored.", errors=errors)
    here = current_origin()
    queued = _prefers_async(request)
    with origin(Origin(channel="api", ip=here.ip, request_id=here.request_id)):
        try:
            if queued:
                accepted = messages_receive(force=force, items=parsed)
            else:
                stored = messages_ingest(force=force, items=parsed)
        except ValidationError as exc:
            return _error(400, " ".join(exc.messages))
    InboxApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    if queued:
        response = JsonResponse({"accepted": accepted}, status=202)
        response["Preference-Applied"] = "respond-async"
        return response
    results = [
        {
            "id": message.pk,
            "conversation": message.conversation_id,
            "duplicate": getattr(message, "was_duplicate", False),
            "category": message.category,
            "priority": message.priority,
            "district": data.district_slugs.get(message.district_id),
            "reasons": message.reasons,
        }
        for message in stored
    ]
    return JsonResponse({"messages": results}, status=201)


app_name = "inbox-api"
urlpatterns = [path("inbox/messages", messages, name="messages")]
