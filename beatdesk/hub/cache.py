"""Rendered hub pages, cached by the force's content version.

A force's content version is the newest ``Post.updated_at`` among its posts (every publish,
edit, deletion and takedown saves the post) together with its hub generation, which every
other change a page shows moves (an officer's bio, a district's places, a Q&A session; see
``hub/generation.py``). When either moves, every page of that force gets a new cache key at
once. Nothing has to be invalidated by hand.

Each web process remembers (force slug -> id, version) for ``HUB_FRESHNESS_SECONDS`` (a
quarter of a second by default), so under load a process asks the database about once per
interval instead of once per request, and a change shows within that interval. Pages live in
Django's cache (per process by default; shared when ``BEATDESK_CACHE_URL`` names Redis) for
``HUB_PAGE_SECONDS`` at most (a safety net: something no receiver covers, such as a Q&A
session's end time passing, shows within it).

Responses carry an ETag (a hash of the bytes) and Last-Modified (the later of the newest post
change and the newest other change), answer
conditional requests with 304, and say ``Cache-Control: public, max-age=0, s-maxage=1``:
browsers revalidate every time, a shared cache (the documented nginx micro-cache) may keep a
page for one second.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from beatdesk.forces.models import Force
from beatdesk.forces.selectors import force_by_slug
from beatdesk.hub.models import HubGeneration
from beatdesk.publishing.models import Post

CACHE_CONTROL = "public, max-age=0, s-maxage=1"


def freshness_seconds() -> float:
    default = 0.0 if settings.TESTING else 0.25
    return float(getattr(settings, "HUB_FRESHNESS_SECONDS", default))


def page_cache_enabled() -> bool:
    # Off by default under tests so other apps' tests always see the database; the hub's
    # own tests turn it on.
    return bool(getattr(settings, "HUB_PAGE_CACHE", not settings.TESTING))


def page_seconds() -> int:
    return int(getattr(settings, "HUB_PAGE_SECONDS", 60))


@dataclass(frozen=True)
class ForceVersion:
    force_id: int
    version: datetime | None  # newest Post.updated_at
    generation: int = 0  # HubGeneration.generation
    changed_at: datetime | None = None  # HubGeneration.changed_at

    @property
    def token(self) -> str:
        posts = str(int(self.version.timestamp() * 1_000_000)) if self.version else "0"
        return f"{posts}.{self.generation}"

    @property
    def last_modified(self) -> datetime | None:
        stamps = [s for s in (self.version, self.changed_at) if s is not None]
        return max(stamps) if stamps else None


_memo: dict[str, tuple[float, ForceVersion | None]] = {}
_memo_lock = threading.Lock()


def force_version(slug: str) -> ForceVersion | None:
    """The force's id and content version, at most ``freshness_seconds()`` old; None: no force."""
    now = time.monotonic()
    hit = _memo.get(slug)
    if hit is not None and now - hit[0] < freshness_seconds():
        return hit[1]
    # ORDER BY ... LIMIT 1 walks the (force_id, updated_at) index from its end: one row read,
    # however many posts the force has (MAX() with GROUP BY would read them all).
    newest = (
        Post.objects.filter(force_id=OuterRef("pk"))
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    generation = HubGeneration.objects.filter(force_id=OuterRef("pk"))
    row = (
        Force.objects.filter(slug=slug, is_active=True)
        .annotate(
            version=Subquery(newest),
            generation=Subquery(generation.values("generation")[:1]),
            changed_at=Subquery(generation.values("changed_at")[:1]),
        )
        .values_list("pk", "version", "generation", "changed_at")
        .first()
    )
    if row is None:
        # Not remembered: any path's first segment lands here, and the memo must stay small.
        return None
    value = ForceVersion(force_id=row[0], version=row[1], generation=row[2] or 0, changed_at=row[3])
    with _memo_lock:
        _memo[slug] = (now, value)
    return value


def forget_versions() -> None:
    with _memo_lock:
        _memo.clear()


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    content_type: str
    etag: str


def _key(request: HttpRequest, fv: ForceVersion) -> str:
    where = f"{request.get_host()}|{request.get_full_path()}"
    digest = hashlib.sha1(where.encode(), usedforsecurity=False).hexdigest()
    return f"hub:page:{fv.force_id}:{fv.token}:{digest}"


def _respond(request: HttpRequest, page: CachedPage, fv: ForceVersion) -> HttpResponse:
    response = HttpResponse(page.body, content_type=page.content_type)
    response["ETag"] = page.etag
    response["Cache-Control"] = CACHE_CONTROL
    # Marks a public page for the WSGI fast path (hub/fastpath.py), with the version it shows.
    response["X-Hub-Version"] = fv.token
    # HTTP dates have whole seconds; a finer value would never compare equal.
    stamp = fv.last_modified
    last_modified = int(stamp.timestamp()) if stamp else None
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    conditional = get_conditional_response(
        request, etag=page.etag, last_modified=last_modified, response=response
    )
    return conditional if conditional is not None else response


HubView = Callable[..., HttpResponse]


def hub_page(view: HubView) -> HubView:
    """Serve a public page of one force from the cache, rendering it only when it changed.

    The view is called as ``view(request, force, **kwargs)`` and must depend on nothing but
    the URL (path and query): no cookies, no user, no session.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, force_slug: str, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        fv = force_version(force_slug)
        if fv is None:
            raise Http404("No such force.")
        key = _key(request, fv)
        use_cache = page_cache_enabled()
        page = cache.get(key) if use_cache else None
        if page is None:
            force = force_by_slug(force_slug)
            if force is None:
                raise Http404("No such force.")
            response = view(request, force, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            body = response.content
            page = CachedPage(
                body=body,
                content_type=response["Content-Type"],
                etag='"' + hashlib.sha1(body, usedforsecurity=False).hexdigest()[:32] + '"',
            )
            if use_cache:
                cache.set(key, page, page_seconds())
        return _respond(request, page, fv)

    return wrapped
