"""Officers: their public profiles."""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse

from beatdesk.api.common import BadRequest, absolute, api_endpoint, officer_json, parse_limit
from beatdesk.forces.models import Force
from beatdesk.hub import selectors


@api_endpoint
def officer_list(request: HttpRequest, force: Force) -> JsonResponse:
    """Keyset-paged by slug: the cursor is the last slug of the previous page."""
    limit = parse_limit(request, default=50)
    qs = selectors.officers_for_hub(force=force).order_by("slug")
    cursor = request.GET.get("cursor")
    if cursor:
        if len(cursor) > 80:
            raise BadRequest("cursor is not one this API gave out.")
        qs = qs.filter(slug__gt=cursor)
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_url = None
    if more:
        params = request.GET.copy()
        params["cursor"] = rows[-1].slug
        next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    return JsonResponse(
        {"items": [officer_json(request, force, o) for o in rows], "next": next_url}
    )


@api_endpoint
def officer_detail(request: HttpRequest, force: Force, officer_slug: str) -> JsonResponse:
    officer = selectors.officer_by_slug(force=force, slug=officer_slug)
    if officer is None:
        raise Http404("No such officer.")
    data = officer_json(request, force, officer)
    data["bio"] = officer.bio
    data["districts"] = [m.district.slug for m in officer.memberships.all()]
    data["posts"] = absolute(request, "api:posts", force.slug) + f"?officer={officer.slug}"
    data["feed"] = absolute(request, "hub:officer-feed", force.slug, officer.slug)
    return JsonResponse(data)
