"""Per-client rate limits for public forms and the public API, with a clear 429 page.

Built on django-ratelimit (counters in Django's cache: per process with the default local
memory cache, shared across processes when ``BEATDESK_CACHE_URL`` points at Redis)::

    from beatdesk.core.ratelimit import limit

    @limit("hub-question", rate="5/m")          # per client address
    def ask_question(request, force_slug): ...

    @limit("api-search", rate="60/m", key="user_or_ip")

A request over the limit is not handled: the client gets a 429 with ``Retry-After`` (an HTML
page, or JSON for ``/api/`` paths and clients that ask for JSON). Only unsafe methods are
counted unless ``methods`` says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

from beatdesk.core.middleware import client_ip

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _ip_key(group: str, request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def _user_or_ip_key(group: str, request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{_ip_key(group, request)}"


KEYS: dict[str, Callable[[str, HttpRequest], str]] = {"ip": _ip_key, "user_or_ip": _user_or_ip_key}


def retry_after_seconds(rate: str) -> int:
    _, _, period = rate.partition("/")
    digits = "".join(c for c in period if c.isdigit()) or "1"
    unit = (period.lstrip("0123456789") or "m")[0]
    return int(digits) * _PERIODS.get(unit, 60)


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    wants_json = request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )
    if wants_json:
        response: HttpResponse = JsonResponse(
            {
                "error": "rate_limited",
                "detail": f"Too many requests. Try again in {retry_after} seconds.",
                "retry_after": retry_after,
            },
            status=429,
        )
    else:
        response = render(request, "429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def limit(
    group: str,
    *,
    rate: str,
    key: str = "ip",
    methods: Iterable[str] = UNSAFE,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Allow ``rate`` (e.g. "10/m", "100/h") requests per client for views in ``group``."""
    key_func = KEYS[key]
    method_list = tuple(m.upper() for m in methods)

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if settings.RATELIMIT_ENABLE and request.method in method_list:
                limited = is_ratelimited(
                    request,
                    group=f"beatdesk:{group}",
                    key=key_func,
                    rate=rate,
                    method=list(method_list),
                    increment=True,
                )
                if limited:
                    return too_many_requests(request, retry_after_seconds(rate))
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
