"""The force and its districts."""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse

from beatdesk.api.common import absolute, api_endpoint, district_json, officer_json
from beatdesk.forces.models import Force
from beatdesk.hub import selectors
from beatdesk.people.selectors import team_of_district


@api_endpoint
def force_detail(request: HttpRequest, force: Force) -> JsonResponse:
    return JsonResponse(
        {
            "slug": force.slug,
            "name": force.name,
            "website": force.website or None,
            "url": absolute(request, "hub:force-home", force.slug),
            "feed": absolute(request, "hub:force-feed", force.slug),
            "emergency_phone": force.policy.emergency_phone,
            "non_emergency_phone": force.policy.non_emergency_phone,
            "links": {
                "districts": absolute(request, "api:districts", force.slug),
                "officers": absolute(request, "api:officers", force.slug),
                "posts": absolute(request, "api:posts", force.slug),
            },
        }
    )


@api_endpoint
def district_list(request: HttpRequest, force: Force) -> JsonResponse:
    # A force has a handful of districts: one page holds them all.
    districts = selectors.districts_for_hub(force=force)
    return JsonResponse(
        {"items": [district_json(request, force, d) for d in districts], "next": None}
    )


@api_endpoint
def district_detail(request: HttpRequest, force: Force, district_slug: str) -> JsonResponse:
    district = selectors.district_by_slug(force=force, slug=district_slug)
    if district is None:
        raise Http404("No such district.")
    data = district_json(request, force, district)
    data["team"] = [
        officer_json(request, force, o) for o in team_of_district(district_id=district.pk)
    ]
    data["accounts"] = [
        {
            "slug": account.slug,
            "name": account.name,
            "channels": [
                {"network": channel.network, "profile_url": channel.profile_url or None}
                for channel in account.channels.all()
            ],
        }
        for account in selectors.district_accounts(district=district)
    ]
    data["posts"] = absolute(request, "api:posts", force.slug) + f"?district={district.slug}"
    return JsonResponse(data)
