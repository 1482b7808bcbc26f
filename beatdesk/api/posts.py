"""Public posts, with filters, keyset-paged newest first; or, with ``q``, a full-text search.

A search is ranked (``hub/search.py``), so its pages are positions in the ranking: its cursor
is an opaque offset, different from a list's cursor, and like the hub's search it reaches as
far as the newest ``hub.search.CANDIDATES`` matches.
"""

from __future__ import annotations

import base64
from datetime import datetime

from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone

from beatdesk.api.common import BadRequest, api_endpoint, page_json, parse_limit, post_json
from beatdesk.forces.models import Force
from beatdesk.hub import selectors
from beatdesk.hub.search import CANDIDATES, query_terms


def _when(request: HttpRequest, name: str) -> datetime | None:
    raw = request.GET.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise BadRequest(
            f"{name} must be an ISO 8601 date or time, such as 2026-03-01 or 2026-03-01T09:00:00Z."
        ) from None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


@api_endpoint
def post_list(request: HttpRequest, force: Force) -> JsonResponse:
    filters = {}
    for name, find in (
        ("district", selectors.district_by_slug),
        ("officer", selectors.officer_by_slug),
        ("topic", selectors.tag_by_slug),
    ):
        slug = request.GET.get(name)
        if slug:
            found = find(force=force, slug=slug)
            if found is None:
                raise BadRequest(f"There is no {name} {slug!r} in this force.")
            filters["tag" if name == "topic" else name] = found
    cursor = request.GET.get("cursor")
    text = request.GET.get("q", "").strip()
    if text:
        return _search(request, force, text, cursor, filters)
    if cursor and selectors.decode_cursor(cursor) is None:
        raise BadRequest("cursor is not one this API gave out.")
    page = selectors.posts_filtered(
        force=force,
        since=_when(request, "since"),
        until=_when(request, "until"),
        cursor=cursor,
        limit=parse_limit(request),
        **filters,
    )
    return JsonResponse(
        page_json(request, page, [post_json(request, force, p) for p in page.items])
    )


SEARCH_CURSOR = "s"


def _search(
    request: HttpRequest, force: Force, text: str, cursor: str | None, filters: dict
) -> JsonResponse:
    if len(text) > 200:
        raise BadRequest("q must be at most 200 characters.")
    if not query_terms(text):
        raise BadRequest("q needs at least one word other than “the”, “and” and the like.")
    offset = 0
    if cursor:
        offset = _search_offset(cursor)
        if offset is None:
            raise BadRequest("cursor is not one this API gave out for this search.")
    limit = parse_limit(request)
    found = selectors.posts_search(
        force=force,
        text=text,
        since=_when(request, "since"),
        until=_when(request, "until"),
        limit=limit,
        offset=offset,
        **filters,
    )
    next_cursor = _search_cursor(offset + limit) if found.has_more else None
    page = selectors.Page(items=found.items, next_cursor=next_cursor)
    return JsonResponse(
        page_json(request, page, [post_json(request, force, p) for p in found.items])
    )


def _search_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{SEARCH_CURSOR}{offset}".encode()).decode().rstrip("=")


def _search_offset(cursor: str) -> int | None:
    if len(cursor) > 32:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    if not raw.startswith(SEARCH_CURSOR) or not raw[1:].isdigit():
        return None
    offset = int(raw[1:])
    return offset if offset <= CANDIDATES else None


@api_endpoint
def post_detail(request: HttpRequest, force: Force, post_id: int) -> JsonResponse:
    post = selectors.post_public(force=force, post_id=post_id)
    if post is None:
        raise Http404("No such post, or it has been removed.")
    return JsonResponse(post_json(request, force, post))
