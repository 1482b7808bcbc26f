"""What every read API endpoint shares: per-client rate limit, JSON errors, caching, shapes.

Endpoints are public and read-only. They answer from the same selectors and the same page
cache as the hub (``hub.cache.hub_page``), so an API client sees a takedown when a reader does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django_ratelimit.core import get_usage

from beatdesk.forces.models import District, Force
from beatdesk.hub.cache import hub_page
from beatdesk.hub.selectors import Page
from beatdesk.people.models import Officer
from beatdesk.publishing.models import Post


class BadRequest(Exception):
    """A query parameter we cannot use; the message tells the client which and why."""


def api_rate() -> str:
    return getattr(settings, "API_RATE", "600/m")


LOOPBACK = {"127.0.0.1", "::1"}


def client_key(group: str, request: HttpRequest) -> str:
    """The client's address. A peer on loopback is the documented local reverse proxy, which
    sets X-Forwarded-For to the address it saw (docs/deploy/nginx.conf); nobody else is
    trusted with that header."""
    peer = request.META.get("REMOTE_ADDR") or "unknown"
    if peer in LOOPBACK:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return peer


def error(status: int, code: str, detail: str, **headers) -> JsonResponse:
    response = JsonResponse({"error": code, "detail": detail}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def api_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Rate-limit per client, then serve ``view(request, force, **kwargs)`` through the cache."""
    cached = hub_page(view)

    @wraps(view)
    def wrapped(request: HttpRequest, **kwargs) -> HttpResponse:
        usage = get_usage(request, group="api", key=client_key, rate=api_rate(), increment=True)
        if usage is not None and usage["should_limit"]:
            wait = max(1, int(usage["time_left"]))
            return error(
                429,
                "rate_limited",
                f"Too many requests from your address: the limit is {usage['limit']} per "
                f"window. Try again in {wait} seconds.",
                Retry_After=str(wait),
            )
        try:
            return cached(request, **kwargs)
        except Http404 as exc:
            return error(404, "not_found", str(exc) or "Not found.")
        except BadRequest as exc:
            return error(400, "bad_request", str(exc))

    return wrapped


def absolute(request: HttpRequest, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def page_json(request: HttpRequest, page: Page, items: list[dict]) -> dict:
    next_url = None
    if page.next_cursor:
        params = request.GET.copy()
        params["cursor"] = page.next_cursor
        next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    return {"items": items, "next": next_url}


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def parse_limit(request: HttpRequest, default: int = 20, most: int = 100) -> int:
    raw = request.GET.get("limit")
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest("limit must be a whole number from 1 to 100.") from None
    if not 1 <= value <= most:
        raise BadRequest(f"limit must be from 1 to {most}.")
    return value


def officer_json(request: HttpRequest, force: Force, officer: Officer) -> dict:
    return {
        "slug": officer.slug,
        "name": officer.public_name,
        "rank": officer.get_rank_display(),
        "collar_number": officer.collar_number or None,
        "photo": request.build_absolute_uri(officer.photo.url) if officer.photo else None,
        "url": absolute(request, "hub:officer", force.slug, officer.slug),
        "api_url": absolute(request, "api:officer", force.slug, officer.slug),
    }


def district_json(request: HttpRequest, force: Force, district: District) -> dict:
    return {
        "slug": district.slug,
        "name": district.name,
        "places": [place.name for place in district.places.all()],
        "postcodes": [code.code for code in district.postcodes.all()],
        "url": absolute(request, "hub:district", force.slug, district.slug),
        "feed": absolute(request, "hub:district-feed", force.slug, district.slug),
        "api_url": absolute(request, "api:district", force.slug, district.slug),
    }


def post_json(request: HttpRequest, force: Force, post: Post) -> dict:
    return {
        "id": post.pk,
        "url": absolute(request, "hub:post", force.slug, post.pk),
        "account": {"slug": post.account.slug, "name": post.account.name},
        "district": post.account.district.slug if post.account.district_id else None,
        "author": {
            "slug": post.author.slug,
            "name": post.author.public_name,
            "url": absolute(request, "hub:officer", force.slug, post.author.slug),
        },
        "signature": post.signature,
        "parts": [
            {
                "text": part.text,
                "images": [
                    {
                        "url": request.build_absolute_uri(image.file.url),
                        "alt_text": image.alt_text,
                        "width": image.width,
                        "height": image.height,
                    }
                    for image in part.images.all()
                ],
            }
            for part in post.parts.all()
        ],
        "topics": [{"slug": tag.slug, "name": tag.name} for tag in post.tags.all()],
        "is_urgent": post.is_urgent,
        "published_at": iso(post.published_at),
        "edited_at": iso(post.edited_at),
    }
