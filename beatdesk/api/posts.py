"""Public posts, with filters, keyset-paged newest first."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone

from beatdesk.api.common import BadRequest, api_endpoint, page_json, parse_limit, post_json
from beatdesk.forces.models import Force
from beatdesk.hub import selectors


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


@api_endpoint
def post_detail(request: HttpRequest, force: Force, post_id: int) -> JsonResponse:
    post = selectors.post_public(force=force, post_id=post_id)
    if post is None:
        raise Http404("No such post, or it has been removed.")
    return JsonResponse(post_json(request, force, post))
